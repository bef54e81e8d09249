import type { EntityManager } from 'typeorm';
import { AppError, FieldError } from '../common/errors';

export interface LineInput {
  budget_line_item_id: number;
  amount: string;
}

export interface LineView {
  id: number;
  budget_line_item_id: number;
  amount: string;
}

/** The line tables of the contracts side, each with the column naming its parent. */
export const LINE_TABLES = {
  commitment: { table: 'commitment_lines', parent: 'commitment_id' },
  change_order: { table: 'change_order_lines', parent: 'change_order_id' },
  invoice: { table: 'commitment_invoice_lines', parent: 'invoice_id' },
} as const;
export type LineKind = keyof typeof LINE_TABLES;

/**
 * Every line must be against a line item of this project's budget (one query);
 * a 422 names each line that is not, as `line_items[i].budget_line_item_id`.
 * `options.allowed`, when given, narrows the line items further (an invoice bills only
 * the commitment's own lines) and says why in `reason`.
 */
export async function assertBudgetLines(
  m: EntityManager,
  projectId: number,
  lines: readonly LineInput[],
  options: { allowed?: { ids: ReadonlySet<number>; reason: string }; field?: (index: number) => string } = {},
): Promise<void> {
  const { allowed, field: fieldOf = (i: number) => `line_items[${i}].budget_line_item_id` } = options;
  if (!lines.length) return;
  const found: { id: number }[] = await m.query('SELECT id FROM budget_line_items WHERE project_id = $1 AND id = ANY($2::int[])', [
    projectId,
    [...new Set(lines.map((l) => l.budget_line_item_id))],
  ]);
  const ours = new Set(found.map((r) => r.id));
  const errors: FieldError[] = [];
  lines.forEach((l, i) => {
    const field = fieldOf(i);
    if (!ours.has(l.budget_line_item_id)) errors.push({ field, message: `${l.budget_line_item_id} is not a line item of this project's budget` });
    else if (allowed && !allowed.ids.has(l.budget_line_item_id)) errors.push({ field, message: `${l.budget_line_item_id} ${allowed.reason}` });
  });
  if (errors.length) throw AppError.validation(errors);
}

/** Replaces a parent's lines with `lines` (one statement each way). */
export async function writeLines(m: EntityManager, kind: LineKind, parentId: number, lines: readonly LineInput[], replace: boolean): Promise<void> {
  const { table, parent } = LINE_TABLES[kind];
  if (replace) await m.query(`DELETE FROM ${table} WHERE ${parent} = $1`, [parentId]);
  if (!lines.length) return;
  await m.query(
    `INSERT INTO ${table} (${parent}, budget_line_item_id, amount) SELECT $1, l.line, l.amount FROM unnest($2::int[], $3::numeric[]) WITH ORDINALITY AS l(line, amount, n) ORDER BY n`,
    [parentId, lines.map((l) => l.budget_line_item_id), lines.map((l) => l.amount)],
  );
}

/** The lines of many parents, in their order, and each parent's total (exact, as text). */
export async function linesOf(m: Pick<EntityManager, 'query'>, kind: LineKind, parentIds: readonly number[]): Promise<Map<number, { lines: LineView[]; total: string }>> {
  const { table, parent } = LINE_TABLES[kind];
  const out = new Map<number, { lines: LineView[]; total: string }>(parentIds.map((id) => [id, { lines: [], total: '0.00' }]));
  if (!parentIds.length) return out;
  const rows: { parent_id: number; id: number; budget_line_item_id: number; amount: string; total: string }[] = await m.query(
    `SELECT ${parent} AS parent_id, id, budget_line_item_id, amount::text, (sum(amount) OVER (PARTITION BY ${parent}))::numeric(17,2)::text AS total
       FROM ${table} WHERE ${parent} = ANY($1::int[]) ORDER BY ${parent}, id`,
    [parentIds],
  );
  for (const r of rows) {
    const entry = out.get(r.parent_id)!;
    entry.lines.push({ id: r.id, budget_line_item_id: r.budget_line_item_id, amount: r.amount });
    entry.total = r.total;
  }
  return out;
}
