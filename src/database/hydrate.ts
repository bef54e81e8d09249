import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * Turns raw `SELECT alias.*` rows into entities by the column metadata, so a
 * hand-written list query needs no second fetch by id. pg answers a `date`
 * column as a local-midnight Date; the entity (like TypeORM) keeps YYYY-MM-DD.
 */
export function hydrateRows<T extends ObjectLiteral>(db: DataSource, entity: EntityTarget<T> & (new () => T), rows: Record<string, unknown>[]): T[] {
  const columns = db.getMetadata(entity).columns;
  return rows.map((row) => {
    const out = new entity();
    for (const column of columns) {
      let value = row[column.databaseName];
      if (column.type === 'date' && value instanceof Date) {
        value = `${value.getFullYear()}-${String(value.getMonth() + 1).padStart(2, '0')}-${String(value.getDate()).padStart(2, '0')}`;
      }
      (out as Record<string, unknown>)[column.propertyName] = value;
    }
    return out;
  });
}
