import type { DataSource } from 'typeorm';

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
 * The total the viewer may see and the rows of one page, in two queries run
 * together: filters and privacy are one WHERE clause, so `Total` never
 * counts what the page would not show.
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
  const [[{ total }], rows] = (await Promise.all([
    db.query(`SELECT count(*)::int AS total ${from}`, params),
    db.query(`SELECT r.*${list.extraColumns ? `, ${list.extraColumns}` : ''} ${from} ORDER BY ${list.orderBy} LIMIT ${list.perPage} OFFSET ${(list.page - 1) * list.perPage}`, params),
  ])) as [[{ total: number }], Row[]];
  return { total, rows };
}
