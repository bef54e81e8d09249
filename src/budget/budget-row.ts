import type { EntityManager } from 'typeorm';

/**
 * The project's budget row (created on first use) under its row lock, in the
 * caller's transaction: budget writes, lock changes and view writes of a
 * project wait for each other here.
 */
export async function lockBudgetRow(m: EntityManager, companyId: number, projectId: number): Promise<{ locked: boolean; locked_at: Date | null }> {
  await m.query('INSERT INTO budgets (project_id, company_id) VALUES ($1, $2) ON CONFLICT (project_id) DO NOTHING', [projectId, companyId]);
  const [row]: { locked: boolean; locked_at: Date | null }[] = await m.query('SELECT locked, locked_at FROM budgets WHERE project_id = $1 FOR UPDATE', [projectId]);
  return row;
}
