import type { DataSource } from 'typeorm';
import { preparedQuery } from '../../database/prepared';

/** One list filter as SQL on the list's alias `r`, kept apart so diagnose can tell which filter hides an item. */
export interface FilterClause {
  name: string;
  value: unknown;
  sql: (param: string) => string;
}

/** Adds a clause for each filter that was given. */
export function clauseBuilder(out: FilterClause[]) {
  return (name: string, value: unknown, sql: (p: string) => string): void => {
    if (value !== undefined) out.push({ name, value, sql });
  };
}

/** `%text%` for ILIKE, with the pattern characters of the text escaped. */
export const likePattern = (text: unknown): string | undefined =>
  text === undefined ? undefined : `%${String(text).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** A hand-written list of a project's items, read as `r`: its filters, its privacy clause and its order. */
export interface SqlList {
  table: string;
  projectId: number;
  clauses: FilterClause[];
  /** The viewer's privacy clause, its parameters numbered from `first`. */
  visibility: (first: number) => { sql: string; params: unknown[] };
  /** The ORDER BY body, ending in a unique key. */
  orderBy: string;
  /** Columns beyond `r.*` for the page's rows. */
  extraColumns?: string;
  page: number;
  perPage: number;
}

/**
 * The total the viewer may see and the rows of one page, in one round trip:
 * the count is an uncorrelated subquery of the page query (evaluated once), and
 * filters and privacy are one WHERE clause shared by both, so `Total` never
 * counts what the page would not show. Only a page past the end, which has no
 * row to carry the count, asks for it again.
 */
export async function sqlPage<Row extends Record<string, unknown>>(db: DataSource, list: SqlList): Promise<{ total: number; rows: Row[] }> {
  const params: unknown[] = [list.projectId];
  const where: string[] = ['r.project_id = $1'];
  for (const clause of list.clauses) {
    params.push(clause.value);
    where.push(clause.sql(`$${params.length}`));
  }
  const visible = list.visibility(params.length + 1);
  params.push(...visible.params);
  where.push(visible.sql);
  const from = `FROM ${list.table} r WHERE ${where.join(' AND ')}`;
  // Limit and offset are parameters, so that one prepared statement serves every page.
  const rows = await preparedQuery<Row & { list_total__?: number }>(
    db,
    `SELECT r.*${list.extraColumns ? `, ${list.extraColumns}` : ''}, (SELECT count(*)::int ${from}) AS list_total__
       ${from} ORDER BY ${list.orderBy} LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
    [...params, list.perPage, (list.page - 1) * list.perPage],
  );
  if (rows.length) {
    const total = rows[0].list_total__!;
    for (const row of rows) delete row.list_total__;
    return { total, rows };
  }
  if (list.page === 1) return { total: 0, rows };
  const [{ total }] = await preparedQuery<{ total: number }>(db, `SELECT count(*)::int AS total ${from}`, params);
  return { total, rows };
}
