import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';

/** Select lists by entity and alias, built once. */
const SELECTS = new WeakMap<object, Map<string, string>>();

/** PostgreSQL's rendering of a timestamptz exactly as `Date.prototype.toISOString` writes it (both truncate to milliseconds). */
const ISO_UTC = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

/** An entity as a list reads it (`entitySelect`): its timestamps already as their ISO 8601 UTC text. */
export type Listed<T> = { [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K] };

/** A timestamp as the API writes it, from an entity (Date) or a listed row (already text). */
export function iso(value: Date | string): string;
export function iso(value: Date | string | null): string | null;
export function iso(value: Date | string | null): string | null {
  return value === null ? null : typeof value === 'string' ? value : value.toISOString();
}

/**
 * The select list that reads an entity's rows in the entity's own shape
 * (`Listed`): `alias.column AS "property"` for each column, a `date` column as
 * its `YYYY-MM-DD` text (as TypeORM keeps it; pg would answer a local-midnight
 * Date), and a timestamptz as the ISO text the API answers, so that a page of
 * hundreds of timestamps is neither parsed into Dates nor formatted back. A
 * hand-written list query then needs no second fetch by id and no mapping
 * pass; lists run it on every request, so it is built once per entity. Rows
 * come as plain objects (no column transformers run).
 */
export function entitySelect(db: DataSource, entity: EntityTarget<ObjectLiteral> & object, alias: string): string {
  let byAlias = SELECTS.get(entity);
  if (!byAlias) SELECTS.set(entity, (byAlias = new Map()));
  let select = byAlias.get(alias);
  if (!select) {
    select = db
      .getMetadata(entity)
      .columns.map((c) => `${read(c.type, `${alias}.${c.databaseName}`)} AS "${c.propertyName}"`)
      .join(', ');
    byAlias.set(alias, select);
  }
  return select;
}


function read(type: unknown, column: string): string {
  if (type === 'date') return `${column}::text`;
  if (type === 'timestamptz' || type === 'timestamp with time zone') return `to_char(${column} AT TIME ZONE 'UTC', ${ISO_UTC})`;
  return column;
}
