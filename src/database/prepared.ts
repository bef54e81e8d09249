import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

const names = new Map<string, string>();

function nameOf(text: string): string {
  let name = names.get(text);
  if (!name) {
    name = `s_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    if (names.size < 5000) names.set(text, name);
  }
  return name;
}

/**
 * A read through a named prepared statement: each pooled connection parses and
 * plans the text once, then only binds and runs it. For the hot list queries,
 * whose planning costs as much as their execution. The texts must come from a
 * bounded set (parameters, never inlined values), as each one stays prepared
 * on every connection that ran it.
 */
export async function preparedQuery<T>(db: DataSource, text: string, params: unknown[]): Promise<T[]> {
  const pool = (db.driver as PostgresDriver).master as Pool;
  const result = await pool.query({ name: nameOf(text), text, values: params as unknown[] });
  return result.rows as T[];
}
