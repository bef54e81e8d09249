import { ApiClient } from '../support/api-client';
import { expectError, fieldsOf } from '../support/assertions';
import { TrainingSandbox } from '../support/sandbox';
import { TestApp } from '../support/test-app';

/** Money in cents, from the API's decimal strings (exact: no floating point). */
const cents = (s: string): bigint => {
  const [whole, frac = ''] = s.replace('-', '').split('.');
  const v = BigInt(whole) * 100n + BigInt((frac + '00').slice(0, 2));
  return s.startsWith('-') ? -v : v;
};
const money = (c: bigint): string => `${c < 0n ? '-' : ''}${(c < 0n ? -c : c) / 100n}.${String((c < 0n ? -c : c) % 100n).padStart(2, '0')}`;

describe('the budget: line items, modifications, lock, and a snapshot rebuilt by a job', () => {
  let t: TestApp;
  let api: ApiClient;
  let sb: TrainingSandbox;
  let pm: ApiClient;
  let admin: ApiClient;
  let p: number;
  let url: string;
  let code: number;

  beforeAll(async () => {
    t = await TestApp.start();
    api = t.client();
    sb = await TrainingSandbox.create(api, 'budget');
    await sb.relaxLimits();
    await api.patch(`/_sim/sandboxes/${sb.info.id}/settings`, { latency_profile: 'instant' });
    pm = await sb.as('gc_project_manager');
    admin = await sb.as('company_admin');
    p = sb.project('second');
    url = `/rest/v1.0/projects/${p}/budget`;
    // cost codes are project administration (the Project Manager template has Read Only on it)
    const created = await admin.post(`/rest/v1.0/projects/${p}/cost_codes`, { code: '03-300', description: 'Cast-in-place concrete' });
    expect(created.status).toBe(201);
    code = created.body.id;
  });
  afterAll(() => t.stop());

  const settle = async () => expect((await api.post(`/_sim/settle?project_id=${p}&timeout_ms=20000`)).status).toBe(200);
  const counts = async () => (await t.db.query('SELECT (SELECT count(*) FROM budget_line_items)::int AS items, (SELECT count(*) FROM budget_modifications)::int AS mods, (SELECT count(*) FROM cost_codes)::int AS codes')).rows[0];

  it('keeps cost codes unique per project and refuses to delete one in use', async () => {
    expectError(await admin.post(`/rest/v1.0/projects/${p}/cost_codes`, { code: '03-300', description: 'again' }), 409, 'duplicate');
    expectError(await admin.post(`/rest/v1.0/projects/${p}/cost_codes`, { code: '03-300'.toUpperCase(), description: 'again' }), 409, 'duplicate');
    expectError(await pm.post(`/rest/v1.0/projects/${p}/cost_codes`, { code: '04-200', description: 'Masonry' }), 403, 'permission_denied');
    expect((await pm.get(`/rest/v1.0/projects/${p}/cost_codes`)).body.map((c: { code: string }) => c.code)).toEqual(['03-300']);
    const bad = await admin.post(`/rest/v1.0/projects/${p}/cost_codes`, { code: '', description: '' });
    expectError(bad, 422, 'validation_failed');
    expect(fieldsOf(bad).sort()).toEqual(['code', 'description']);
    const sub = await sb.as('subcontractor');
    expectError(await sub.post(`/rest/v1.0/projects/${sb.project('first')}/cost_codes`, { code: '99', description: 'x' }), 403, 'permission_denied');
    const edited = await admin.patch(`/rest/v1.0/projects/${p}/cost_codes/${code}`, { description: 'Cast-in-place concrete, structural', version: 1 });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ code: '03-300', description: 'Cast-in-place concrete, structural', version: 2 });
    expectError(await admin.patch(`/rest/v1.0/projects/${p}/cost_codes/${code}`, { description: 'stale', version: 1 }), 409, 'edit_conflict');
  });

  it('shows a new line item only once its recalculation has run, with as_of, stale and pending_jobs', async () => {
    await api.post(`/_sim/sandboxes/${sb.info.id}/clock/actions/freeze`);
    const held = await api.post('/_sim/faults', { target: 'job', job_name: 'budget.recalculate', effect: 'delay', delay_ms: 1500, probability: 1, count: 1, sandbox_id: sb.info.id });
    expect(held.status).toBe(201);
    const item = await pm.post(`${url}/line_items`, { cost_code_id: code, cost_type: 'material', description: 'Footings', original_budget_amount: '120000.00' });
    expect(item.status).toBe(201);
    expect(item.body).toMatchObject({ cost_code: { id: code, code: '03-300' }, cost_type: 'material', original_budget_amount: '120000.00', version: 1 });
    const before = await pm.get(url);
    expect(before.status).toBe(200);
    expect(before.body.stale).toBe(true);
    expect(before.body.pending_jobs).toBeGreaterThan(0);
    expect(before.body.line_items.map((l: { id: number }) => l.id)).not.toContain(item.body.id);
    const why = await api.get(`/_sim/diagnose?project_id=${p}&user_id=${sb.userId('gc_project_manager')}&symptom=not_updating&tool=budget`);
    expect(why.body.findings.map((f: { cause: string }) => f.cause)).toContain('recalculation_pending');
    expect(why.body.findings.find((f: { cause: string }) => f.cause === 'recalculation_pending').evidence).toMatchObject({ jobs: [expect.objectContaining({ state: expect.any(String) })] });
    await settle();
    const after = await pm.get(url);
    expect(after.body).toMatchObject({ stale: false, pending_jobs: 0, as_of: (await api.get(`/_sim/sandboxes/${sb.info.id}/clock`)).body.now });
    expect(after.body.snapshot_revision).toBe(after.body.revision);
    expect(after.body.line_items).toEqual([expect.objectContaining({ id: item.body.id, original_budget_amount: '120000.00', revised_budget: '120000.00', forecast_to_complete: '120000.00' })]);
    await api.post(`/_sim/sandboxes/${sb.info.id}/clock/actions/resume`);
  });

  it('computes every column to the cent from modifications, commitments, change orders and direct costs', async () => {
    const b = await pm.post(`${url}/line_items`, { cost_code_id: code, description: 'Slab on grade', original_budget_amount: '80000.10' });
    const a = (await pm.get(`${url}/line_items?filters[cost_type]=material`)).body[0];
    const moved = await pm.post(`${url}/modifications`, { from_line_item_id: a.id, to_line_item_id: b.body.id, amount: '250.55', notes: 'rebar allowance' });
    expect(moved.status).toBe(201);
    // contract-side rows, as the contracts tools write them
    const ins = async (sql: string, params: unknown[]) => (await t.db.query(sql, params)).rows[0];
    const company = sb.companyId;
    const prime = await ins(`INSERT INTO prime_contracts (company_id, project_id, number, title, value) VALUES ($1, $2, 'PC-1', 'Owner contract', 500000) RETURNING id`, [company, p]);
    const co = async (status: string, contract: 'prime' | 'commitment', contractId: number, n: number, line: number, amount: string) => {
      const row = await ins(
        `INSERT INTO change_orders (company_id, project_id, number, contract_type, prime_contract_id, commitment_id, title, status) VALUES ($1, $2, $3, $4, $5, $6, 'CO', $7) RETURNING id`,
        [company, p, n, contract, contract === 'prime' ? contractId : null, contract === 'commitment' ? contractId : null, status],
      );
      await ins('INSERT INTO change_order_lines (change_order_id, budget_line_item_id, amount) VALUES ($1, $2, $3) RETURNING id', [row.id, line, amount]);
    };
    const commitment = async (n: number, status: string, line: number, amount: string) => {
      const row = await ins(`INSERT INTO commitments (company_id, project_id, number, type, title, status) VALUES ($1, $2, $3, 'subcontract', 'Concrete sub', $4) RETURNING id`, [company, p, n, status]);
      await ins('INSERT INTO commitment_lines (commitment_id, budget_line_item_id, amount) VALUES ($1, $2, $3) RETURNING id', [row.id, line, amount]);
      return row.id as number;
    };
    const approved = await commitment(1, 'approved', a.id, '90000.00');
    await commitment(2, 'draft', a.id, '5000.00');
    await co('approved', 'prime', prime.id, 1, a.id, '1500.25');
    await co('pending', 'prime', prime.id, 2, a.id, '700.00');
    await co('draft', 'prime', prime.id, 3, a.id, '999.99');
    await co('approved', 'commitment', approved, 4, a.id, '-1200.00');
    await co('pricing', 'commitment', approved, 5, a.id, '300.30');
    await co('rejected', 'commitment', approved, 6, a.id, '123.45');
    await ins(`INSERT INTO direct_costs (company_id, project_id, budget_line_item_id, amount, description, date) VALUES ($1, $2, $3, 4100.40, 'Pump truck', '2026-11-30') RETURNING id`, [company, p, a.id]);
    // slab is overcommitted: its forecast to complete floors at zero
    await commitment(3, 'approved', b.body.id, '95000.00');
    expect((await pm.post(`${url}/actions/recalculate`)).status).toBe(200);
    await settle();

    const view = (await pm.get(url)).body;
    const line = view.line_items.find((l: { id: number }) => l.id === a.id);
    expect(line).toMatchObject({
      original_budget_amount: '120000.00',
      budget_modifications: '-250.55',
      approved_cos: '1500.25',
      pending_budget_changes: '700.00',
      committed_costs: '88800.00',
      direct_costs: '4100.40',
      pending_cost_changes: '300.30',
      job_to_date_costs: '0.00',
      revised_budget: '121249.70',
      projected_budget: '121949.70',
      projected_costs: '93200.70',
      forecast_to_complete: '28749.00',
      estimated_cost_at_completion: '121949.70',
      projected_over_under: '0.00',
    });
    const slab = view.line_items.find((l: { id: number }) => l.id === b.body.id);
    expect(slab).toMatchObject({ revised_budget: '80250.65', projected_costs: '95000.00', forecast_to_complete: '0.00', estimated_cost_at_completion: '95000.00', projected_over_under: '-14749.35' });
    // totals are the sums of the lines, exactly
    for (const column of view.columns as string[]) {
      const sum = (view.line_items as Record<string, string>[]).reduce((acc, l) => acc + cents(l[column]), 0n);
      expect(`${column} ${view.totals[column]}`).toBe(`${column} ${money(sum)}`);
    }

    // the superintendent (Read Only, no view_direct_cost_details) sees no direct costs, and projections without them
    const sup = (await (await sb.as('superintendent')).get(url)).body;
    expect(sup.columns).not.toContain('direct_costs');
    expect(sup.hidden_columns).toEqual(['direct_costs']);
    const supLine = sup.line_items.find((l: { id: number }) => l.id === a.id);
    expect(supLine.direct_costs).toBeUndefined();
    expect(supLine.projected_costs).toBe('89100.30');
    expect(sup.totals.direct_costs).toBeUndefined();
    expect(sup.totals.projected_costs).not.toBe(view.totals.projected_costs);
    const hidden = await api.get(`/_sim/diagnose?project_id=${p}&user_id=${sb.userId('superintendent')}&symptom=not_visible&tool=budget`);
    expect(hidden.body.findings[0]).toMatchObject({ cause: 'column_hidden_by_permission', evidence: { hidden_columns: ['direct_costs'] } });
    const pmWhy = await api.get(`/_sim/diagnose?project_id=${p}&user_id=${sb.userId('gc_project_manager')}&symptom=not_visible&tool=budget`);
    expect(pmWhy.body.findings.map((f: { cause: string }) => f.cause)).not.toContain('column_hidden_by_permission');
    // the subcontractor has no access to the budget at all
    expectError(await (await sb.as('subcontractor')).get(`/rest/v1.0/projects/${sb.project('first')}/budget`), 403, 'permission_denied');
  });

  it('refuses line item writes with 423 while locked (modifications still allowed), and only Admins lock', async () => {
    const sup = await sb.as('superintendent');
    expectError(await sup.post(`${url}/lock`), 403, 'permission_denied');
    const locked = await pm.post(`${url}/lock`);
    expect(locked.status).toBe(200);
    expect(locked.body).toMatchObject({ project_id: p, locked: true, locked_by_id: sb.userId('gc_project_manager') });
    const [a, b] = (await pm.get(`${url}/line_items?sort=id`)).body;
    const before = await counts();
    expectError(await pm.post(`${url}/line_items`, { cost_code_id: code, description: 'Walls', original_budget_amount: '1.00' }), 423, 'budget_locked');
    expectError(await pm.patch(`${url}/line_items/${a.id}`, { original_budget_amount: '1.00' }), 423, 'budget_locked');
    expectError(await pm.delete(`${url}/line_items/${a.id}`), 423, 'budget_locked');
    expect((await pm.post(`${url}/modifications`, { from_line_item_id: a.id, to_line_item_id: b.id, amount: '1.00' })).status).toBe(201);
    expect(await counts()).toEqual({ ...before, mods: before.mods + 1 });
    expect((await pm.get(url)).body.locked).toBe(true);
    expect((await pm.delete(`${url}/lock`)).body.locked).toBe(false);
    expect((await pm.patch(`${url}/line_items/${a.id}`, { description: 'Footings and grade beams' }, { headers: { 'if-match': `"${a.version}"` } })).status).toBe(200);
    expectError(await pm.patch(`${url}/line_items/${a.id}`, { description: 'stale' }, { headers: { 'if-match': `"${a.version}"` } }), 409, 'edit_conflict');
  });

  it('refuses bad amounts and references with a 422 naming the field, writing nothing', async () => {
    const before = await counts();
    for (const amount of ['12.345', 'abc', '1e5', 12, '10000000000000.00', '', null]) {
      const res = await pm.post(`${url}/line_items`, { cost_code_id: code, description: 'x', original_budget_amount: amount });
      expectError(res, 422, 'validation_failed');
      expect(fieldsOf(res)).toEqual(['original_budget_amount']);
    }
    const [a, b] = (await pm.get(`${url}/line_items?sort=id`)).body;
    for (const amount of ['0.00', '-5.00']) {
      const res = await pm.post(`${url}/modifications`, { from_line_item_id: a.id, to_line_item_id: b.id, amount });
      expect(fieldsOf(res)).toEqual(['amount']);
    }
    expect(fieldsOf(await pm.post(`${url}/line_items`, { cost_code_id: 999999, description: 'x', original_budget_amount: '1.00' }))).toEqual(['cost_code_id']);
    // a cost code of another project
    const other = await admin.post(`/rest/v1.0/projects/${sb.project('first')}/cost_codes`, { code: '09-900', description: 'Painting' });
    expect(fieldsOf(await pm.post(`${url}/line_items`, { cost_code_id: other.body.id, description: 'x', original_budget_amount: '1.00' }))).toEqual(['cost_code_id']);
    expect(fieldsOf(await pm.post(`${url}/modifications`, { from_line_item_id: a.id, to_line_item_id: a.id, amount: '1.00' }))).toEqual(['to_line_item_id']);
    expect(await counts()).toEqual({ ...before, codes: before.codes + 1 });
    expectError(await admin.delete(`/rest/v1.0/projects/${p}/cost_codes/${code}`), 400, 'invalid_request');
    // another project's line item and cost code are not found here
    const otherUrl = `/rest/v1.0/projects/${sb.project('first')}`;
    expectError(await pm.get(`${otherUrl}/budget/line_items/${a.id}`), 404, 'not_found');
    expectError(await pm.patch(`${otherUrl}/budget/line_items/${a.id}`, { description: 'moved' }), 404, 'not_found');
    expectError(await admin.patch(`${otherUrl}/cost_codes/${code}`, { description: 'moved' }), 404, 'not_found');
    expectError(await admin.patch(`/rest/v1.0/projects/${p}/cost_codes/${other.body.id}`, { description: 'moved' }), 404, 'not_found');
  });

  it('rebuilds once for many changes, and the snapshot ends at the newest revision', async () => {
    const [a] = (await pm.get(`${url}/line_items?sort=id`)).body;
    await settle();
    const start = (await pm.get(url)).body.revision;
    await Promise.all(Array.from({ length: 20 }, (_, i) => pm.post(`${url}/line_items`, { cost_code_id: code, description: `Burst ${i}`, original_budget_amount: `${i + 1}.01` })));
    await settle();
    const view = (await pm.get(url)).body;
    expect(view.revision).toBe(start + 20);
    expect(view.snapshot_revision).toBe(view.revision);
    expect(view.stale).toBe(false);
    const { rows } = await t.db.query(`SELECT count(*)::int AS n FROM outbox WHERE name = 'budget.recalculate' AND project_id = $1`, [p]);
    expect(rows[0].n).toBeGreaterThanOrEqual(20);
    const jobs = (await api.get(`/_sim/jobs?project_id=${p}`)).body as { name: string; result: { deduplicated?: boolean } | null }[];
    const recalcs = jobs.filter((j) => j.name === 'budget.recalculate' && j.result);
    expect(recalcs.some((j) => j.result?.deduplicated)).toBe(true);
    expect(view.line_items.find((l: { id: number }) => l.id === a.id)).toBeDefined();
    const burst = (view.line_items as { description: string; original_budget_amount: string }[]).filter((l) => l.description.startsWith('Burst '));
    expect(burst.length).toBe(20);
  });
});
