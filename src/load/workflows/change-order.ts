import { Iteration } from './context';

interface CoState {
  lineId: number;
  /** What the line's approved change orders add up to, in cents, once every approval of this user has reached the budget. */
  expectedCents: bigint;
}

export const money = (cents: bigint): string => {
  const neg = cents < 0n;
  const abs = neg ? -cents : cents;
  return `${neg ? '-' : ''}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
};

/**
 * The project manager creates a change order on a budget line of this virtual
 * user's own (made on its first iteration), and submits it → the owner's
 * representative, its designated reviewer, approves it → the budget view shows
 * the line's approved change orders including it (`budget_after_co`: from the
 * approval's answer to the first budget read that reflects it). The line is
 * the user's alone, so what it must show is known to the cent.
 */
export async function changeOrder(it: Iteration): Promise<void> {
  const { projectId, users, primeContractId, costCodeId } = it.fixtures;
  const base = `/rest/v1.0/projects/${projectId}`;
  let state = it.vu.state.change_order as CoState | undefined;
  if (!state) {
    const line = await it.call<{ id: number }>('create_budget_line', 'gc_project_manager', {
      method: 'POST',
      path: `${base}/budget/line_items`,
      json: { cost_code_id: costCodeId, cost_type: 'other', description: `Allowance ${it.fixtures.runTag} VU ${it.vu.id}`, original_budget_amount: '50000.00' },
      ok: (s) => s === 201,
    });
    state = { lineId: line.body.id, expectedCents: 0n };
    it.vu.state.change_order = state;
  }
  const cents = BigInt(it.rng.int(10_00, 2_500_00));
  const co = await it.call<{ id: number }>('create_change_order', 'gc_project_manager', {
    method: 'POST',
    path: `${base}/change_orders`,
    json: {
      contract_type: 'prime',
      contract_id: primeContractId,
      title: `Added floor boxes (${it.tag})`,
      designated_reviewer_id: users.owner_rep,
      line_items: [{ budget_line_item_id: state.lineId, amount: money(cents) }],
    },
    ok: (s) => s === 201,
  });
  await it.call('submit_change_order', 'gc_project_manager', { method: 'POST', path: `${base}/change_orders/${co.body.id}/actions/submit` });
  await it.call('approve_change_order', 'owner_rep', { method: 'POST', path: `${base}/change_orders/${co.body.id}/actions/approve` });
  const approved = performance.now();
  state.expectedCents += cents;
  const want = money(state.expectedCents);
  const lineId = state.lineId;
  await it.waitFor('budget_after_co', approved, async () => {
    const res = await it.call<{ line_items: { id: number; approved_cos?: string }[] }>('poll_budget', 'gc_project_manager', { method: 'GET', path: `${base}/budget?view_id=none` }, { think: false });
    return res.body.line_items.find((l) => l.id === lineId)?.approved_cos === want;
  });
}
