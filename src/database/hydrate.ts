import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * Turns raw `SELECT alias.*` rows into entities by the column metadata, so a
 * hand-written list query needs no second fetch by id. pg answers a `date`
 * column as a local-midnight Date; the entity (like TypeORM) keeps YYYY-MM-DD.
 */
export function hydrateRows<T extends ObjectLiteral>(db: DataSource, entity: EntityTarget<T> & (new () => T), rows: Record<string, unknown>[]): T[] {
  const columns = columnsOf(db, entity);
  return rows.map((row) => {
    const out = new entity() as Record<string, unknown>;
    for (const [property, name, isDate] of columns) {
      const value = row[name];
      out[property] = isDate && value instanceof Date ? dateOnly(value) : value;
    }
    return out as T;
  });
}

/** Per entity: property, column and whether it is a `date`, read from the metadata once (lists hydrate on every request). */
const COLUMNS = new WeakMap<object, [string, string, boolean][]>();

function columnsOf(db: DataSource, entity: EntityTarget<ObjectLiteral> & object): [string, string, boolean][] {
  let columns = COLUMNS.get(entity);
  if (!columns) {
    columns = db.getMetadata(entity).columns.map((c) => [c.propertyName, c.databaseName, c.type === 'date']);
    COLUMNS.set(entity, columns);
  }
  return columns;
}

function dateOnly(value: Date): string {
  return `${value.getFullYear()}-${String(value.getMonth() + 1).padStart(2, '0')}-${String(value.getDate()).padStart(2, '0')}`;
}
