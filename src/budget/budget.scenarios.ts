import type { Scenario, Symptom } from '../scenarios/scenario';
import type { ScenarioContext } from '../scenarios/scenario-context';

const budget = (ctx: ScenarioContext, key: 'first' | 'second' = 'first') => `/rest/v1.0/projects/${ctx.project(key)}/budget`;

/** A cost code and a line item to work on (the scenario's sandbox is its own). */
export async function lineItem(ctx: ScenarioContext, code: string, amount: string, key: 'first' | 'second' = 'first'): Promise<{ cost_code_id: number; line_item_id: number }> {
  const cc = await ctx.as('company_admin', 'POST', `/rest/v1.0/projects/${ctx.project(key)}/cost_codes`, { code, description: 'Concrete' });
  const li = await ctx.as('gc_project_manager', 'POST', `${budget(ctx, key)}/line_items`, { cost_code_id: cc.body.id, cost_type: 'subcontract', description: 'Foundations', original_budget_amount: amount });
  if (cc.status !== 201 || li.status !== 201) throw new Error(`setup failed: ${cc.status}/${li.status}`);
  return { cost_code_id: cc.body.id, line_item_id: li.body.id };
}

/** 4. Budget edits refused: the budget is locked. */
export const budgetLocked: Scenario & { fixSteps: string[] } = {
  key: 'budget_locked',
  number: 4,
  title: 'Budget edits refused: the budget is locked',
  causes: ['budget_locked'],
  fixSteps: ['The project manager (Admin on the budget) unlocks it; the edit then goes through.'],
  async setup(ctx) {
    const { line_item_id } = await lineItem(ctx, 'SCN-04', '120000.00');
    const lock = await ctx.as('gc_project_manager', 'POST', `${budget(ctx)}/lock`);
    if (lock.status !== 200) throw new Error(`setup failed: lock ${lock.status}`);
    return { line_item_id };
  },
  async observe(ctx, state): Promise<Symptom> {
    const edit = await ctx.as('gc_project_manager', 'PATCH', `${budget(ctx)}/line_items/${state.line_item_id}`, { original_budget_amount: '125000.00' });
    if (edit.status === 200) await ctx.as('gc_project_manager', 'PATCH', `${budget(ctx)}/line_items/${state.line_item_id}`, { original_budget_amount: '120000.00' });
    return {
      present: edit.status === 423,
      description: "The project manager's change to an original budget amount is refused.",
      observed: { status: edit.status, code: (edit.body as { error?: { code?: string } })?.error?.code ?? null },
    };
  },
  diagnose: () => ({ project: 'first', persona: 'gc_project_manager', symptom: 'denied', tool: 'budget', action: 'budget.edit_original_amount' }),
  async fix(ctx) {
    const res = await ctx.as('gc_project_manager', 'DELETE', `${budget(ctx)}/lock`);
    return [`DELETE ${budget(ctx)}/lock → ${res.status}`];
  },
};
