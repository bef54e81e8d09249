import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * Inserts a row with an explicit primary key (the ORM drops values for
 * generated ids), converting properties to columns through the entity's
 * metadata. Used to give seeded records back their ids after a reset.
 */
export async function insertWithId<T extends ObjectLiteral>(
  m: EntityManager,
  entity: EntityTarget<T>,
  id: number,
  values: Partial<T>,
): Promise<T> {
  const meta = m.connection.getMetadata(entity);
  const columns: string[] = ['"id"'];
  const params: unknown[] = [id];
  for (const column of meta.columns) {
    if (column.propertyName === 'id') continue;
    const value = (values as Record<string, unknown>)[column.propertyName];
    if (value === undefined) continue;
    columns.push(`"${column.databaseName}"`);
    params.push(column.type === 'jsonb' && value !== null ? JSON.stringify(value) : value);
  }
  const placeholders = params.map((_, i) => `$${i + 1}`).join(', ');
  await m.query(`INSERT INTO "${meta.tableName}" (${columns.join(', ')}) VALUES (${placeholders})`, params);
  return m.findOneByOrFail(entity, { id } as never);
}
