import { lineItem } from '../budget/budget.scenarios';
import type { Scenario, Symptom } from '../scenarios/scenario';
import type { ScenarioContext } from '../scenarios/scenario-context';

/**
 * The money scenarios run on the sandbox's second project, whose budget the
 * training data leaves empty: what the scenario sets up is all there is.
 */
const project = (ctx: ScenarioContext) => ctx.project('second');
const url = (ctx: ScenarioContext, path: string) => `/rest/v1.0/projects/${project(ctx)}/${path}`;

type Line = Record<string, string | number>;

async function budgetLine(ctx: ScenarioContext, persona: 'gc_project_manager' | 'owner_rep', id: number): Promise<Line | undefined> {
  const res = await ctx.as(persona, 'GET', url(ctx, 'budget'));
  return (res.body.line_items as Line[]).find((l) => l.id === id);
}

async function settle(ctx: ScenarioContext): Promise<string> {
  const res = await ctx.sim('POST', `/_sim/settle?project_id=${project(ctx)}&timeout_ms=60000`);
  return `POST /_sim/settle?project_id=${project(ctx)} → ${res.status}`;
}

function must(ok: boolean, what: string, detail: unknown): void {
  if (!ok) throw new Error(`setup failed: ${what} ${JSON.stringify(detail)}`);
}

/** A budget line, a prime contract, and a change order on it with the owner's representative as reviewer, submitted (pending). */
async function pendingChangeOrder(ctx: ScenarioContext, amount: string): Promise<{ line_item_id: number; change_order_id: number }> {
  await ctx.sim('PATCH', `/_sim/sandboxes/${ctx.sandbox.id}/settings`, { latency_profile: 'instant' });
  const { line_item_id } = await lineItem(ctx, 'SCN-01', '120000.00', 'second');
  const prime = await ctx.as('gc_project_manager', 'POST', url(ctx, 'prime_contracts'), { title: 'Owner agreement', number: 'PC-001', value: '1500000.00' });
  const co = await ctx.as('gc_project_manager', 'POST', url(ctx, 'change_orders'), {
    contract_type: 'prime',
    contract_id: prime.body.id,
    title: 'Added footing at grid C4',
    designated_reviewer_id: ctx.userId('owner_rep'),
    line_items: [{ budget_line_item_id: line_item_id, amount }],
  });
  const submitted = await ctx.as('gc_project_manager', 'POST', url(ctx, `change_orders/${co.body.id}/actions/submit`));
  must(prime.status === 201 && co.status === 201 && submitted.status === 200, 'prime contract / change order / submit', [prime.status, co.status, submitted.status]);
  await settle(ctx);
  return { line_item_id, change_order_id: co.body.id };
}

/** 1. Budget unchanged after a change order was entered: the CO is still pending. */
export const changeOrderPending: Scenario & { fixSteps: string[] } = {
  key: 'budget_change_order_pending',
  number: 1,
  title: 'Budget unchanged after a change order was entered: the CO is still pending',
  causes: ['change_order_not_approved'],
  fixSteps: ["The CO's designated reviewer (the owner's representative) approves it.", 'Once the sync and recalculation jobs have run, Approved COs and the revised budget include it.'],
  async setup(ctx) {
    return pendingChangeOrder(ctx, '8000.00');
  },
  async observe(ctx, state): Promise<Symptom> {
    const line = await budgetLine(ctx, 'gc_project_manager', Number(state.line_item_id));
    return {
      present: line?.approved_cos !== '8000.00',
      description: 'The project manager entered an $8,000.00 change order, but the budget’s Approved COs and revised budget have not moved.',
      observed: { approved_cos: line?.approved_cos, pending_budget_changes: line?.pending_budget_changes, revised_budget: line?.revised_budget },
    };
  },
  diagnose: () => ({ project: 'second', persona: 'gc_project_manager', symptom: 'not_updating', tool: 'budget' }),
  async fix(ctx, state) {
    const res = await ctx.as('owner_rep', 'POST', url(ctx, `change_orders/${state.change_order_id}/actions/approve`));
    return [`POST …/change_orders/${state.change_order_id}/actions/approve (owner_rep) → ${res.status}`, await settle(ctx)];
  },
};

/** Synthetic jobs queued ahead of the budget's recalculation, and workers slowed, so it waits its turn for a while. */
const BACKLOG = { backlog_jobs: 400, worker_slowdown: 10, queue: 'budget' } as const;

/** 2. Budget unchanged after the CO was approved: the recalculation is queued behind a backlog. */
export const recalculationBacklog: Scenario & { fixSteps: string[] } = {
  key: 'budget_recalculation_backlog',
  number: 2,
  title: 'Budget unchanged after the CO was approved: the recalculation is queued behind a backlog',
  causes: ['recalculation_pending', 'system_load'],
  fixSteps: ['Wait for the backlog to drain (here: end the simulated load), then the recalculation runs and the budget shows the CO.'],
  async setup(ctx) {
    const state = await pendingChangeOrder(ctx, '8000.00');
    const load = await ctx.sim('POST', '/_sim/load', { ...BACKLOG, sandbox_id: ctx.sandbox.id });
    const approved = await ctx.as('owner_rep', 'POST', url(ctx, `change_orders/${state.change_order_id}/actions/approve`));
    must(load.status === 200 && approved.status === 200, 'load / approve', [load.status, approved.status]);
    // The change reaches the budget side (the sync job) and its recalculation is queued behind the backlog.
    for (let i = 0; i < 400; i++) {
      const jobs = await ctx.sim('GET', `/_sim/jobs?project_id=${project(ctx)}`);
      if ((jobs.body as { name: string; state: string }[]).some((j) => j.name === 'budget.recalculate' && ['waiting', 'delayed', 'prioritized'].includes(j.state))) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    return state;
  },
  async observe(ctx, state): Promise<Symptom> {
    const res = await ctx.as('gc_project_manager', 'GET', url(ctx, 'budget'));
    const line = (res.body.line_items as Line[]).find((l) => l.id === Number(state.line_item_id));
    return {
      present: line?.approved_cos !== '8000.00',
      description: 'The change order is approved, but the budget still shows it as a pending change.',
      observed: { approved_cos: line?.approved_cos, pending_budget_changes: line?.pending_budget_changes, as_of: res.body.as_of, stale: res.body.stale, pending_jobs: res.body.pending_jobs },
    };
  },
  diagnose: () => ({ project: 'second', persona: 'gc_project_manager', symptom: 'not_updating', tool: 'budget' }),
  async fix(ctx) {
    const res = await ctx.sim('DELETE', `/_sim/load?sandbox_id=${ctx.sandbox.id}`);
    return [`DELETE /_sim/load → ${res.status}`, await settle(ctx)];
  },
};

/** 3. Two users see different budget totals: one of them lacks view_direct_cost_details. */
export const totalsDiffer: Scenario & { fixSteps: string[] } = {
  key: 'budget_totals_differ',
  number: 3,
  title: 'Two users see different budget totals: one lacks view_direct_cost_details',
  causes: ['column_hidden_by_permission'],
  fixSteps: ["A company administrator grants view_direct_cost_details (Budget) on the Owner template; the owner's representative then sees direct costs and the same totals."],
  async setup(ctx) {
    await ctx.sim('PATCH', `/_sim/sandboxes/${ctx.sandbox.id}/settings`, { latency_profile: 'instant' });
    const { line_item_id } = await lineItem(ctx, 'SCN-01', '120000.00', 'second');
    const cost = await ctx.as('gc_project_manager', 'POST', url(ctx, 'direct_costs'), { budget_line_item_id: line_item_id, amount: '4750.00', description: 'Pump truck, 1 day', date: '2026-12-01' });
    must(cost.status === 201, 'direct cost', cost.status);
    await settle(ctx);
    return { line_item_id };
  },
  async observe(ctx): Promise<Symptom> {
    const [pm, owner] = await Promise.all([ctx.as('gc_project_manager', 'GET', url(ctx, 'budget')), ctx.as('owner_rep', 'GET', url(ctx, 'budget'))]);
    const totals = (b: { totals: Record<string, string> }) => ({ projected_costs: b.totals.projected_costs, forecast_to_complete: b.totals.forecast_to_complete, direct_costs: b.totals.direct_costs ?? null });
    return {
      present: pm.body.totals.projected_costs !== owner.body.totals.projected_costs,
      description: "The owner's representative and the project manager read different projected costs and forecast for the same budget.",
      observed: { project_manager: totals(pm.body), owner_rep: totals(owner.body), owner_rep_hidden_columns: owner.body.hidden_columns },
    };
  },
  diagnose: () => ({ project: 'second', persona: 'owner_rep', symptom: 'not_visible', tool: 'budget' }),
  async fix(ctx) {
    const list = await ctx.as('company_admin', 'GET', `/rest/v1.0/companies/${ctx.companyId}/permission_templates?per_page=1000`);
    const owner = (list.body as { id: number; name: string; granular: string[] }[]).find((t) => t.name === 'Owner')!;
    const res = await ctx.as('company_admin', 'PATCH', `/rest/v1.0/companies/${ctx.companyId}/permission_templates/${owner.id}`, { granular: [...owner.granular, 'budget.view_direct_cost_details'] });
    return [`PATCH …/permission_templates/${owner.id} granular + budget.view_direct_cost_details → ${res.status}`];
  },
};
