/**
 * The budget's numbers, in one place (issue "The numbers"). The snapshot keeps
 * the components of each line item; the view derives the rest in PostgreSQL
 * `numeric` for what the reader may see (direct costs count only for those who
 * may view them), so every figure is exact to the cent.
 */

/** Change order statuses counted as pending: in "Pending Budget Changes" (prime) or "Pending Cost Changes" (commitment). */
export const PENDING_LIKE_STATUSES = ['pending', 'pricing', 'not_pricing', 'revised', 'proceeding', 'not_proceeding', 'pending_billable'] as const;

/** What the snapshot stores per line item, as the recalculation computes it from the rows. */
export const COMPONENT_COLUMNS = [
  'original_budget_amount',
  'budget_modifications',
  'approved_cos',
  'pending_budget_changes',
  'committed_costs',
  'direct_costs',
  'pending_cost_changes',
  'job_to_date_costs',
] as const;

/** What the view derives from the components. */
export const DERIVED_COLUMNS = ['revised_budget', 'projected_budget', 'projected_costs', 'forecast_to_complete', 'estimated_cost_at_completion', 'projected_over_under'] as const;

export const BUDGET_COLUMNS = [...COMPONENT_COLUMNS, ...DERIVED_COLUMNS] as const;
export type BudgetColumn = (typeof BUDGET_COLUMNS)[number];

/** Columns only a user who may view direct cost details sees (PERMISSIONS.md: budget.view_direct_costs). */
export const DIRECT_COST_COLUMNS: readonly BudgetColumn[] = ['direct_costs'];

const pending = `(${PENDING_LIKE_STATUSES.map((s) => `'${s}'`).join(', ')})`;

/**
 * One statement: every line item of project `$1` with its components, summed
 * from the budget's and the contracts' rows.
 */
export const COMPONENTS_SQL = `
  WITH li AS (
    SELECT b.id, b.cost_code_id, c.code AS cost_code, b.cost_type, b.description, b.original_budget_amount
      FROM budget_line_items b JOIN cost_codes c ON c.id = b.cost_code_id WHERE b.project_id = $1
  ),
  mods AS (
    SELECT line_item_id, sum(amount) AS amount FROM (
      SELECT to_line_item_id AS line_item_id, amount FROM budget_modifications WHERE project_id = $1
      UNION ALL SELECT from_line_item_id, -amount FROM budget_modifications WHERE project_id = $1
    ) m GROUP BY line_item_id
  ),
  cos AS (
    SELECT l.budget_line_item_id AS line_item_id,
           sum(l.amount) FILTER (WHERE o.contract_type = 'prime' AND o.status = 'approved') AS approved_prime,
           sum(l.amount) FILTER (WHERE o.contract_type = 'prime' AND o.status IN ${pending}) AS pending_prime,
           sum(l.amount) FILTER (WHERE o.contract_type = 'commitment' AND o.status = 'approved') AS approved_commitment,
           sum(l.amount) FILTER (WHERE o.contract_type = 'commitment' AND o.status IN ${pending}) AS pending_commitment
      FROM change_order_lines l JOIN change_orders o ON o.id = l.change_order_id
     WHERE o.project_id = $1 GROUP BY l.budget_line_item_id
  ),
  committed AS (
    SELECT l.budget_line_item_id AS line_item_id, sum(l.amount) AS amount
      FROM commitment_lines l JOIN commitments c ON c.id = l.commitment_id
     WHERE c.project_id = $1 AND c.status = 'approved' GROUP BY l.budget_line_item_id
  ),
  direct AS (
    SELECT budget_line_item_id AS line_item_id, sum(amount) AS amount FROM direct_costs WHERE project_id = $1 GROUP BY budget_line_item_id
  ),
  invoiced AS (
    SELECT l.budget_line_item_id AS line_item_id, sum(l.amount) AS amount
      FROM commitment_invoice_lines l JOIN commitment_invoices i ON i.id = l.invoice_id
     WHERE i.project_id = $1 AND i.status = 'approved' GROUP BY l.budget_line_item_id
  )
  SELECT li.id AS line_item_id, li.cost_code_id, li.cost_code, li.cost_type, li.description,
         li.original_budget_amount,
         coalesce(mods.amount, 0) AS budget_modifications,
         coalesce(cos.approved_prime, 0) AS approved_cos,
         coalesce(cos.pending_prime, 0) AS pending_budget_changes,
         coalesce(committed.amount, 0) + coalesce(cos.approved_commitment, 0) AS committed_costs,
         coalesce(direct.amount, 0) AS direct_costs,
         coalesce(cos.pending_commitment, 0) AS pending_cost_changes,
         coalesce(invoiced.amount, 0) AS job_to_date_costs
    FROM li
    LEFT JOIN mods ON mods.line_item_id = li.id
    LEFT JOIN cos ON cos.line_item_id = li.id
    LEFT JOIN committed ON committed.line_item_id = li.id
    LEFT JOIN direct ON direct.line_item_id = li.id
    LEFT JOIN invoiced ON invoiced.line_item_id = li.id`;

/**
 * The derived columns as SQL over a row `s` of components; `withDirect` says
 * whether direct costs count (they do only for readers who may see them).
 */
export function derivedSql(withDirect: boolean): Record<(typeof DERIVED_COLUMNS)[number], string> {
  const revised = `(s.original_budget_amount + s.budget_modifications + s.approved_cos)`;
  const projectedBudget = `(${revised} + s.pending_budget_changes)`;
  const projectedCosts = `(s.committed_costs${withDirect ? ' + s.direct_costs' : ''} + s.pending_cost_changes)`;
  const ftc = `GREATEST(${projectedBudget} - ${projectedCosts}, 0)`;
  const eac = `(${projectedCosts} + ${ftc})`;
  return {
    revised_budget: revised,
    projected_budget: projectedBudget,
    projected_costs: projectedCosts,
    forecast_to_complete: ftc,
    estimated_cost_at_completion: eac,
    projected_over_under: `(${projectedBudget} - ${eac})`,
  };
}

/** The columns a reader may see, in order: direct costs only for those who may view them. */
export function permittedColumns(withDirect: boolean): BudgetColumn[] {
  return BUDGET_COLUMNS.filter((c) => withDirect || !DIRECT_COST_COLUMNS.includes(c));
}

/** A column as SQL over a snapshot line `s`, as a reader with (or without) direct costs sees it. */
export function columnSql(column: BudgetColumn, withDirect: boolean): string {
  return (COMPONENT_COLUMNS as readonly string[]).includes(column) ? `s.${column}` : derivedSql(withDirect)[column as (typeof DERIVED_COLUMNS)[number]];
}
