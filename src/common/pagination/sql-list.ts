import type { DataSource, EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { entitySelect, Listed } from '../../database/entity-select';
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

/**
 * The `overdue` filter on `r`: open and due before today in the sandbox (the
 * clause's value is that day, YYYY-MM-DD). An item without a due date is not
 * overdue, so `overdue=false` lists it (without COALESCE the comparison would
 * be NULL and hide it).
 */
export function addOverdue(add: ReturnType<typeof clauseBuilder>, wanted: unknown, today: string): void {
  add('overdue', wanted === undefined ? undefined : today, (p) => `(COALESCE(r.status = 'open' AND r.due_date < ${p}::date, false) = ${wanted === true})`);
}

/** `%text%` for ILIKE, with the pattern characters of the text escaped. */
export const likePattern = (text: unknown): string | undefined =>
  text === undefined ? undefined : `%${String(text).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** A hand-written list of a project's items, read as `r`: its filters, its privacy clause and its order. */
export interface SqlList<T extends ObjectLiteral> {
  /** The items' entity: rows come in its shape (`entitySelect`). */
  entity: EntityTarget<T> & (new () => T);
  projectId: number;
  clauses: FilterClause[];
  /** The viewer's privacy clause, its parameters numbered from `first`. */
  visibility: (first: number) => { sql: string; params: unknown[] };
  /** The ORDER BY body over `r`'s columns, ending in a unique key. */
  orderBy: string;
  /** Columns beyond the entity's for each row, by name (SQL over the table row `r`). */
  extraColumns?: Record<string, string>;
  /**
   * Values computed once over the whole page, by name: SQL in which `r` is the
   * page (its table columns and extra columns), such as the people its rows
   * refer to. They come with the first row, so the page needs no second query.
   */
  pageColumns?: Record<string, string>;
  page: number;
  perPage: number;
}

/**
 * The total the viewer may see, the rows of one page and the page's own
 * values, in one round trip: the page is a CTE that the rows and the page
 * values both read; the count is an uncorrelated subquery (evaluated once);
 * filters and privacy are one WHERE clause shared by count and page, so
 * `Total` never counts what the page would not show. Only a page past the
 * end, which has no row to carry the count, asks for it again.
 */
export async function sqlPage<T extends ObjectLiteral, Extra extends Record<string, unknown> = Record<string, never>, PageValues extends Record<string, unknown> = Record<string, never>>(
  db: DataSource,
  list: SqlList<T>,
): Promise<{ total: number; rows: (Listed<T> & Extra)[]; values: PageValues | null }> {
  const table = db.getMetadata(list.entity).tableName;
  const params: unknown[] = [list.projectId];
  const where: string[] = ['r.project_id = $1'];
  for (const clause of list.clauses) {
    params.push(clause.value);
    where.push(clause.sql(`$${params.length}`));
  }
  const visible = list.visibility(params.length + 1);
  params.push(...visible.params);
  where.push(visible.sql);
  const from = `FROM ${table} r WHERE ${where.join(' AND ')}`;
  const extra = Object.entries(list.extraColumns ?? {});
  const pageValues = Object.entries(list.pageColumns ?? {});
  // The window numbers the rows in the final order, so the first row, and only it, carries the page values.
  const first = `row_number() OVER (ORDER BY ${list.orderBy}) = 1`;
  // Limit and offset are parameters, so that one prepared statement serves every page.
  const rows = await preparedQuery<Listed<T> & Extra & { list_total__: number; page_values__: PageValues | null }>(
    db,
    `WITH r AS MATERIALIZED (
       SELECT r.*${extra.map(([name, sql]) => `, ${sql} AS ${name}`).join('')}, (SELECT count(*)::int ${from}) AS list_total__
         ${from} ORDER BY ${list.orderBy} LIMIT $${params.length + 1} OFFSET $${params.length + 2})
     SELECT ${entitySelect(db, list.entity, 'r')}${extra.map(([name]) => `, r.${name}`).join('')}, r.list_total__,
       ${pageValues.length ? `CASE WHEN ${first} THEN json_build_object(${pageValues.map(([name, sql]) => `'${name}', ${sql}`).join(', ')}) END` : 'NULL::json'} AS page_values__
       FROM r ORDER BY ${list.orderBy}`,
    [...params, list.perPage, (list.page - 1) * list.perPage],
  );
  // The count and page columns stay on the rows (deleting them would slow every later read of them).
  if (rows.length) return { total: rows[0].list_total__, rows, values: rows[0].page_values__ };
  if (list.page === 1) return { total: 0, rows, values: null };
  const [{ total }] = await preparedQuery<{ total: number }>(db, `SELECT count(*)::int AS total ${from}`, params);
  return { total, rows, values: null };
}

/**
 * One page of a plain SQL list and the total it is part of: `from` is the
 * FROM … WHERE body, its parameters numbered from $1 in `params`.
 */
export async function plainPage<R>(
  db: DataSource | EntityManager,
  list: { columns: string; from: string; params: unknown[]; orderBy: string },
  page: { page: number; perPage: number },
): Promise<{ rows: R[]; total: number }> {
  const n = list.params.length;
  const [{ total }]: { total: number }[] = await db.query(`SELECT count(*)::int AS total FROM ${list.from}`, list.params);
  const rows: R[] = await db.query(`SELECT ${list.columns} FROM ${list.from} ORDER BY ${list.orderBy} LIMIT $${n + 1} OFFSET $${n + 2}`, [
    ...list.params,
    page.perPage,
    (page.page - 1) * page.perPage,
  ]);
  return { rows, total };
}
