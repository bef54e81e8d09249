import { ApiClient } from '../support/api-client';
import { expectError, fieldsOf } from '../support/assertions';
import { Receiver } from '../support/receiver';
import { TrainingSandbox } from '../support/sandbox';
import { TestApp } from '../support/test-app';

type Line = { id: number; [column: string]: unknown };

describe('prime contracts, commitments, invoices, direct costs and change orders, and what the budget makes of them', () => {
  let t: TestApp;
  let api: ApiClient;
  let sb: TrainingSandbox;
  let pm: ApiClient;
  let owner: ApiClient;
  let p: number;
  let base: string;
  let a: number;
  let b: number;
  let other: number;
  /** Read only on commitments, standard on change orders: on the private list (listed) or not (outsider). */
  let listed: { userId: number; client: ApiClient };
  let outsider: { userId: number; client: ApiClient };
  /** Read only on commitments, with the purchase-order keys. */
  let buyer: { userId: number; client: ApiClient };
  let prime: number;

  const settle = async () => expect((await api.post(`/_sim/settle?project_id=${p}&timeout_ms=20000`)).status).toBe(200);
  const budgetLine = async (client: ApiClient, id: number): Promise<Line> => ((await client.get(`${base}/budget`)).body.line_items as Line[]).find((l) => l.id === id)!;
  const count = async (table: string): Promise<number> => (await t.db.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n;

  beforeAll(async () => {
    t = await TestApp.start();
    api = t.client();
    sb = await TrainingSandbox.create(api, 'contracts');
    await sb.relaxLimits();
    await api.patch(`/_sim/sandboxes/${sb.info.id}/settings`, { latency_profile: 'instant' });
    pm = await sb.as('gc_project_manager');
    owner = await sb.as('owner_rep');
    const admin = await sb.as('company_admin');
    // the second project: the training data leaves its budget empty
    p = sb.project('second');
    base = `/rest/v1.0/projects/${p}`;
    const code = (await admin.post(`${base}/cost_codes`, { code: '26-000', description: 'Electrical' })).body.id;
    a = (await pm.post(`${base}/budget/line_items`, { cost_code_id: code, cost_type: 'subcontract', description: 'Power', original_budget_amount: '100000.00' })).body.id;
    b = (await pm.post(`${base}/budget/line_items`, { cost_code_id: code, cost_type: 'material', description: 'Fixtures', original_budget_amount: '50000.00' })).body.id;
    // a line item of the first project's (seeded) budget
    other = (await pm.get(`/rest/v1.0/projects/${sb.project('first')}/budget/line_items?per_page=1`)).body[0].id;
    const templates = `/rest/v1.0/companies/${sb.companyId}/permission_templates`;
    const reader = await admin.post(templates, { name: 'Cost Reader', scope: 'project', levels: { commitments: 'read_only', change_orders: 'standard', budget: 'read_only', prime_contracts: 'read_only' } });
    const po = await admin.post(templates, {
      name: 'PO Buyer',
      scope: 'project',
      levels: { commitments: 'read_only', budget: 'read_only' },
      granular: ['commitments.create_purchase_order', 'commitments.update_purchase_order', 'commitments.view_private_purchase_orders'],
    });
    expect([reader.status, po.status]).toEqual([201, 201]);
    [listed, outsider] = await sb.addMembers(2, 'Cost Reader', p);
    [buyer] = await sb.addMembers(1, 'PO Buyer', p);
    await settle();
  });
  afterAll(() => t.stop());

  it('opens the training sandbox with a consistent budget: 30 line items, a prime contract, two commitments and COs in three states', async () => {
    const first = `/rest/v1.0/projects/${sb.project('first')}`;
    const view = (await pm.get(`${first}/budget`)).body;
    expect(view).toMatchObject({ stale: false, pending_jobs: 0, revision: 1, snapshot_revision: 1 });
    expect(view.line_items).toHaveLength(30);
    const power = view.line_items.find((l: { cost_code: { code: string }; cost_type: string }) => l.cost_code.code === '26-000' && l.cost_type === 'subcontract');
    expect(power).toMatchObject({
      original_budget_amount: '420000.00',
      approved_cos: '18400.00',
      revised_budget: '438400.00',
      committed_costs: '398500.00',
      pending_cost_changes: '0.00',
      job_to_date_costs: '0.00',
      forecast_to_complete: '39900.00',
    });
    expect(view.totals).toMatchObject({ original_budget_amount: '3599300.00', approved_cos: '18400.00', pending_budget_changes: '15850.00', direct_costs: '8750.00' });
    expect(((await pm.get(`${first}/change_orders`)).body as { status: string }[]).map((c) => c.status)).toEqual(['approved', 'pending', 'draft']);
    const commitments = (await pm.get(`${first}/commitments`)).body as { private: boolean; status: string }[];
    expect(commitments.map((c) => [c.private, c.status])).toEqual([[true, 'approved'], [false, 'draft']]);
    const why = await api.get(`/_sim/diagnose?project_id=${sb.project('first')}&user_id=${sb.userId('gc_project_manager')}&symptom=not_updating&tool=budget`);
    expect(why.body.findings.map((f: { cause: string }) => f.cause)).toEqual(expect.arrayContaining(['change_order_not_approved', 'commitment_not_approved', 'invoice_not_processed']));
  });

  it('keeps prime contracts numbered uniquely, validates their value, and refuses those without the tool', async () => {
    const created = await pm.post(`${base}/prime_contracts`, { title: 'Owner agreement', number: 'PC-001', value: '1500000.00' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ number: 'PC-001', value: '1500000.00', version: 1, created_by_id: sb.userId('gc_project_manager') });
    prime = created.body.id;
    expectError(await pm.post(`${base}/prime_contracts`, { title: 'Again', number: 'pc-001', value: '1.00' }), 409, 'duplicate');
    for (const value of ['-1.00', '1.234', '10000000000000.00', 'abc', 12]) {
      const bad = await pm.post(`${base}/prime_contracts`, { title: 'Bad', number: `PC-${String(value)}`, value });
      expectError(bad, 422, 'validation_failed');
      expect(fieldsOf(bad)).toEqual(['value']);
    }
    expect((await owner.get(`${base}/prime_contracts`)).body.map((c: { number: string }) => c.number)).toEqual(['PC-001']);
    expectError(await owner.post(`${base}/prime_contracts`, { title: 'Mine', number: 'PC-9', value: '1.00' }), 403, 'permission_denied');
    expectError(await (await sb.as('subcontractor')).get(`/rest/v1.0/projects/${sb.project('first')}/prime_contracts`), 403, 'permission_denied');
    expectError(await pm.patch(`${base}/prime_contracts/${prime}`, { value: '2.00', version: 7 }), 409, 'edit_conflict');
    expect((await pm.patch(`${base}/prime_contracts/${prime}`, { value: '1600000.00', version: 1 })).body).toMatchObject({ value: '1600000.00', version: 2 });
    expect((await pm.get(`${base}/prime_contracts`)).body).toHaveLength(1);
  });

  it('shows a private commitment only to Admins, its private list and the view-private key of its type', async () => {
    const sub = await pm.post(`${base}/commitments`, {
      type: 'subcontract',
      title: 'Electrical subcontract',
      private: true,
      private_user_ids: [listed.userId],
      line_items: [{ budget_line_item_id: a, amount: '60000.00' }, { budget_line_item_id: b, amount: '15000.50' }],
    });
    expect(sub.status).toBe(201);
    expect(sub.body).toMatchObject({ number: 1, status: 'draft', private: true, private_user_ids: [listed.userId], total: '75000.50' });
    const privatePo = await pm.post(`${base}/commitments`, { type: 'purchase_order', title: 'Switchgear', private: true, line_items: [{ budget_line_item_id: a, amount: '9000.00' }] });
    const publicPo = await pm.post(`${base}/commitments`, { type: 'purchase_order', title: 'Wire', line_items: [] });
    const titles = async (c: ApiClient) => ((await c.get(`${base}/commitments`)).body as { title: string }[]).map((x) => x.title).sort();
    expect(await titles(pm)).toEqual(['Electrical subcontract', 'Switchgear', 'Wire']);
    expect(await titles(listed.client)).toEqual(['Electrical subcontract', 'Wire']);
    expect(await titles(outsider.client)).toEqual(['Wire']);
    expect(await titles(buyer.client)).toEqual(['Switchgear', 'Wire']);
    const refused = await outsider.client.get(`${base}/commitments/${sub.body.id}`);
    expectError(refused, 403, 'permission_denied');
    expect(refused.body.error.details).toMatchObject({ layer: 'item_role' });
    expect((await listed.client.get(`${base}/commitments/${sub.body.id}`)).status).toBe(200);
    expect((await buyer.client.get(`${base}/commitments/${privatePo.body.id}`)).status).toBe(200);
    expectError(await buyer.client.get(`${base}/commitments/${sub.body.id}`), 403, 'permission_denied');
    // the granular keys work for their own type only
    expect((await buyer.client.post(`${base}/commitments`, { type: 'purchase_order', title: 'Conduit' })).status).toBe(201);
    const wrongType = await buyer.client.post(`${base}/commitments`, { type: 'subcontract', title: 'Not mine' });
    expectError(wrongType, 403, 'permission_denied');
    expect(wrongType.body.error.details).toMatchObject({ layer: 'granular' });
    expect((await buyer.client.patch(`${base}/commitments/${publicPo.body.id}`, { title: 'Wire and cable' })).body.title).toBe('Wire and cable');
    expectError(await listed.client.patch(`${base}/commitments/${sub.body.id}`, { title: 'x' }), 403, 'permission_denied');
  });

  it('refuses bad commitment lines, another project\'s line item and strangers on the private list, writing nothing', async () => {
    const before = [await count('commitments'), await count('commitment_lines')];
    const cases: [Record<string, unknown>, string[]][] = [
      [{ type: 'subcontract', title: 'X', line_items: [{ budget_line_item_id: other, amount: '1.00' }] }, ['line_items[0].budget_line_item_id']],
      [{ type: 'subcontract', title: 'X', line_items: [{ budget_line_item_id: a, amount: '-5.00' }] }, ['line_items.0.amount']],
      [{ type: 'subcontract', title: 'X', private_user_ids: [sb.userId('company_admin') + 100000] }, ['private_user_ids']],
      [{ type: 'lease', title: 'X' }, ['type']],
    ];
    for (const [body, fields] of cases) {
      const res = await pm.post(`${base}/commitments`, body);
      expectError(res, 422, 'validation_failed');
      expect(fieldsOf(res)).toEqual(fields);
    }
    expect([await count('commitments'), await count('commitment_lines')]).toEqual(before);
  });

  it('counts a commitment in committed costs only once approved, and locks it then', async () => {
    const [sub] = (await pm.get(`${base}/commitments?filters[type]=subcontract`)).body;
    await settle();
    expect(await budgetLine(pm, a)).toMatchObject({ committed_costs: '0.00' });
    expectError(await listed.client.post(`${base}/commitments/${sub.id}/actions/approve`), 403, 'permission_denied');
    const approved = await pm.post(`${base}/commitments/${sub.id}/actions/approve`, { version: sub.version });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', approved_by_id: sb.userId('gc_project_manager') });
    expect((await t.db.query(`SELECT count(*)::int AS n FROM outbox WHERE name = 'sync.contracts-to-budget' AND payload->>'resource' = 'Commitments'`)).rows[0].n).toBe(1);
    await settle();
    expect(await budgetLine(pm, a)).toMatchObject({ committed_costs: '60000.00', projected_costs: '60000.00', forecast_to_complete: '40000.00', projected_over_under: '0.00' });
    expect(await budgetLine(pm, b)).toMatchObject({ committed_costs: '15000.50', forecast_to_complete: '34999.50' });
    expectError(await pm.post(`${base}/commitments/${sub.id}/actions/approve`), 422, 'invalid_transition');
    expectError(await pm.patch(`${base}/commitments/${sub.id}`, { line_items: [] }), 423, 'item_locked');
    expectError(await pm.delete(`${base}/commitments/${sub.id}`), 423, 'item_locked');
    expect((await pm.patch(`${base}/commitments/${sub.id}`, { title: 'Electrical subcontract (rev)' })).body.line_items).toHaveLength(2);
  });

  it('moves change orders through the transition table, with the designated reviewer answering only while pending or revised', async () => {
    const co = await pm.post(`${base}/change_orders`, {
      contract_type: 'prime',
      contract_id: prime,
      title: 'Added floor boxes',
      designated_reviewer_id: sb.userId('owner_rep'),
      line_items: [{ budget_line_item_id: a, amount: '2500.00' }, { budget_line_item_id: b, amount: '-500.25' }],
    });
    expect(co.status).toBe(201);
    expect(co.body).toMatchObject({ number: 1, status: 'draft', contract_type: 'prime', contract_id: prime, total: '1999.75', next_statuses: ['pending', 'void'] });
    const id = co.body.id;
    const early = await owner.post(`${base}/change_orders/${id}/actions/approve`);
    expectError(early, 403, 'permission_denied');
    expect(early.body.error.details).toMatchObject({ layer: 'item_state' });
    expectError(await pm.patch(`${base}/change_orders/${id}`, { status: 'pricing' }), 422, 'invalid_transition');
    expectError(await pm.patch(`${base}/change_orders/${id}`, { status: 'approved' }), 422, 'validation_failed');
    expect((await pm.post(`${base}/change_orders/${id}/actions/submit`)).body).toMatchObject({ status: 'pending', submitted_at: expect.any(String) });
    await settle();
    expect(await budgetLine(pm, a)).toMatchObject({ approved_cos: '0.00', pending_budget_changes: '2500.00', revised_budget: '100000.00', projected_budget: '102500.00' });
    expect(await budgetLine(pm, b)).toMatchObject({ pending_budget_changes: '-500.25', projected_budget: '49499.75' });
    // someone else with Standard on change orders, not the reviewer
    const stranger = await listed.client.post(`${base}/change_orders/${id}/actions/approve`);
    expectError(stranger, 403, 'permission_denied');
    expect(stranger.body.error.details).toMatchObject({ layer: 'item_role' });
    expect((await pm.patch(`${base}/change_orders/${id}`, { status: 'pricing' })).body.status).toBe('pricing');
    expectError(await owner.post(`${base}/change_orders/${id}/actions/approve`), 403, 'permission_denied');
    expect((await pm.patch(`${base}/change_orders/${id}`, { status: 'revised' })).body.status).toBe('revised');
    const approved = await owner.post(`${base}/change_orders/${id}/actions/approve`);
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', decided_by_id: sb.userId('owner_rep'), next_statuses: [] });
    await settle();
    expect(await budgetLine(pm, a)).toMatchObject({ approved_cos: '2500.00', pending_budget_changes: '0.00', revised_budget: '102500.00', projected_budget: '102500.00', forecast_to_complete: '42500.00' });
    expect(await budgetLine(pm, b)).toMatchObject({ approved_cos: '-500.25', revised_budget: '49499.75' });
    expectError(await pm.patch(`${base}/change_orders/${id}`, { title: 'Later' }), 423, 'item_locked');
    expectError(await pm.delete(`${base}/change_orders/${id}`), 423, 'item_locked');
    expectError(await pm.post(`${base}/change_orders/${id}/actions/void`), 423, 'item_locked');
  });

  it('lets a Standard creator edit and submit their own draft but not approve it, and only an Admin void', async () => {
    const mine = await listed.client.post(`${base}/change_orders`, { contract_type: 'prime', contract_id: prime, title: 'My CO', line_items: [{ budget_line_item_id: a, amount: '10.00' }] });
    expect(mine.status).toBe(201);
    expect((await listed.client.patch(`${base}/change_orders/${mine.body.id}`, { title: 'My CO, priced' })).status).toBe(200);
    expectError(await outsider.client.patch(`${base}/change_orders/${mine.body.id}`, { title: 'Theirs' }), 403, 'permission_denied');
    expect((await listed.client.post(`${base}/change_orders/${mine.body.id}/actions/submit`)).body.status).toBe('pending');
    const own = await listed.client.patch(`${base}/change_orders/${mine.body.id}`, { title: 'Pending edit' });
    expectError(own, 403, 'permission_denied');
    expect(own.body.error.details).toMatchObject({ layer: 'item_state' });
    expectError(await listed.client.post(`${base}/change_orders/${mine.body.id}/actions/approve`), 403, 'permission_denied');
    expectError(await listed.client.post(`${base}/change_orders/${mine.body.id}/actions/void`), 403, 'permission_denied');
    expect((await pm.post(`${base}/change_orders/${mine.body.id}/actions/void`)).body.status).toBe('void');
    await settle();
    expect(await budgetLine(pm, a)).toMatchObject({ pending_budget_changes: '0.00' });
  });

  it('refuses change orders on another project\'s line items or on contracts that are not there, writing nothing', async () => {
    const before = [await count('change_orders'), await count('change_order_lines')];
    const [sub] = (await pm.get(`${base}/commitments?filters[type]=subcontract`)).body;
    const cases: [ApiClient, Record<string, unknown>, string[]][] = [
      [pm, { contract_type: 'prime', contract_id: prime, title: 'X', line_items: [{ budget_line_item_id: a, amount: '1.00' }, { budget_line_item_id: other, amount: '1.00' }] }, ['line_items[1].budget_line_item_id']],
      [pm, { contract_type: 'commitment', contract_id: prime + 100000, title: 'X' }, ['contract_id']],
      [outsider.client, { contract_type: 'commitment', contract_id: sub.id, title: 'Hidden' }, ['contract_id']],
      [pm, { contract_type: 'prime', contract_id: prime, title: 'X', designated_reviewer_id: sb.userId('company_admin') + 100000 }, ['designated_reviewer_id']],
      [pm, { contract_type: 'prime', contract_id: prime, title: 'X', line_items: [{ budget_line_item_id: a, amount: '1.001' }] }, ['line_items.0.amount']],
    ];
    for (const [client, body, fields] of cases) {
      const res = await client.post(`${base}/change_orders`, body);
      expectError(res, 422, 'validation_failed');
      expect(fieldsOf(res)).toEqual(fields);
    }
    expect([await count('change_orders'), await count('change_order_lines')]).toEqual(before);
    expectError(await pm.delete(`${base}/prime_contracts/${prime}`), 400, 'invalid_request');
  });

  it('counts commitment change orders in costs, and hides those on a private commitment from others', async () => {
    const [sub] = (await pm.get(`${base}/commitments?filters[type]=subcontract`)).body;
    const co = await pm.post(`${base}/change_orders`, { contract_type: 'commitment', contract_id: sub.id, title: 'Extra circuits', line_items: [{ budget_line_item_id: a, amount: '3000.00' }] });
    expect(co.status).toBe(201);
    await pm.post(`${base}/change_orders/${co.body.id}/actions/submit`);
    await settle();
    expect(await budgetLine(pm, a)).toMatchObject({ committed_costs: '60000.00', pending_cost_changes: '3000.00', projected_costs: '63000.00' });
    const seen = async (c: ApiClient) => ((await c.get(`${base}/change_orders`)).body as { id: number }[]).map((x) => x.id).includes(co.body.id);
    expect([await seen(pm), await seen(listed.client), await seen(outsider.client)]).toEqual([true, true, false]);
    expectError(await outsider.client.get(`${base}/change_orders/${co.body.id}`), 403, 'permission_denied');
    await pm.post(`${base}/change_orders/${co.body.id}/actions/approve`);
    await settle();
    expect(await budgetLine(pm, a)).toMatchObject({ committed_costs: '63000.00', pending_cost_changes: '0.00' });
  });

  it('feeds approved invoices into job-to-date costs, and only invoices of approved commitments on their own lines', async () => {
    const draft = (await pm.get(`${base}/commitments?filters[status]=draft&filters[type]=purchase_order`)).body[0];
    expectError(await pm.post(`${base}/commitments/${draft.id}/invoices`, { line_items: [{ budget_line_item_id: a, amount: '1.00' }] }), 422, 'invalid_transition');
    const [sub] = (await pm.get(`${base}/commitments?filters[type]=subcontract`)).body;
    const url = `${base}/commitments/${sub.id}/invoices`;
    const before = await count('commitment_invoices');
    const stray = await pm.post(url, { line_items: [{ budget_line_item_id: a, amount: '1.00' }, { budget_line_item_id: other, amount: '1.00' }] });
    expectError(stray, 422, 'validation_failed');
    expect(fieldsOf(stray)).toEqual(['line_items[1].budget_line_item_id']);
    expectError(await pm.post(url, { line_items: [] }), 422, 'validation_failed');
    expect(await count('commitment_invoices')).toBe(before);
    const inv = await pm.post(url, { line_items: [{ budget_line_item_id: a, amount: '12000.00' }, { budget_line_item_id: b, amount: '3000.25' }] });
    expect(inv.body).toMatchObject({ number: 1, status: 'draft', total: '15000.25' });
    expectError(await pm.post(`${url}/${inv.body.id}/actions/approve`), 422, 'invalid_transition');
    expect((await pm.post(`${url}/${inv.body.id}/actions/submit`)).body.status).toBe('under_review');
    await settle();
    expect(await budgetLine(pm, a)).toMatchObject({ job_to_date_costs: '0.00' });
    expect((await pm.post(`${url}/${inv.body.id}/actions/approve`)).body.status).toBe('approved');
    await settle();
    expect(await budgetLine(pm, a)).toMatchObject({ job_to_date_costs: '12000.00' });
    expect(await budgetLine(pm, b)).toMatchObject({ job_to_date_costs: '3000.25' });
    expect((await listed.client.get(url)).body).toHaveLength(1);
    expectError(await outsider.client.get(url), 403, 'permission_denied');
  });

  it('books direct costs for those who may see them, and leaves them out of other readers\' budget', async () => {
    expectError(await owner.get(`${base}/direct_costs`), 403, 'permission_denied');
    expectError(await owner.post(`${base}/direct_costs`, { budget_line_item_id: a, amount: '1.00', description: 'x', date: '2026-12-01' }), 403, 'permission_denied');
    const bad = await pm.post(`${base}/direct_costs`, { budget_line_item_id: other, amount: '1.00', description: 'x', date: '2026-13-01' });
    expectError(bad, 422, 'validation_failed');
    expect(fieldsOf(bad)).toEqual(['date']);
    expect(fieldsOf(await pm.post(`${base}/direct_costs`, { budget_line_item_id: other, amount: '1.00', description: 'x', date: '2026-12-01' }))).toEqual(['budget_line_item_id']);
    const dc = await pm.post(`${base}/direct_costs`, { budget_line_item_id: a, amount: '1234.56', description: 'Crane rental', date: '2026-12-01' });
    expect(dc.body).toMatchObject({ amount: '1234.56', date: '2026-12-01', version: 1 });
    await settle();
    expect(await budgetLine(pm, a)).toMatchObject({ direct_costs: '1234.56', projected_costs: '64234.56', forecast_to_complete: '38265.44' });
    const asOwner = await budgetLine(owner, a);
    expect(asOwner.direct_costs).toBeUndefined();
    expect(asOwner).toMatchObject({ projected_costs: '63000.00', forecast_to_complete: '39500.00' });
    expect((await pm.patch(`${base}/direct_costs/${dc.body.id}`, { amount: '1000.00', version: 1 })).body.version).toBe(2);
    await settle();
    expect(await budgetLine(pm, a)).toMatchObject({ direct_costs: '1000.00' });
    expect((await pm.delete(`${base}/direct_costs/${dc.body.id}`)).status).toBe(204);
    await settle();
    expect(await budgetLine(pm, a)).toMatchObject({ direct_costs: '0.00' });
  });

  it('diagnoses a draft commitment, the sync still on its way, and an invoice under review, each with its fix', async () => {
    const why = async () => (await api.get(`/_sim/diagnose?project_id=${p}&user_id=${sb.userId('gc_project_manager')}&symptom=not_updating&tool=budget`)).body.findings as { cause: string; item: { id: number } | null; evidence: Record<string, unknown>; fix: string[] }[];
    const draft = await pm.post(`${base}/commitments`, { type: 'purchase_order', title: 'Light fixtures', line_items: [{ budget_line_item_id: b, amount: '7000.00' }] });
    const notApproved = (await why()).find((f) => f.cause === 'commitment_not_approved' && f.item?.id === draft.body.id);
    expect(notApproved).toMatchObject({ evidence: { status: 'draft', total: '7000.00', left_out_of: ['committed costs', 'projected costs'] }, fix: [expect.stringContaining(`/commitments/${draft.body.id}/actions/approve`), expect.any(String)] });
    // the sync between tools takes ten minutes of the sandbox's time
    await api.patch(`/_sim/sandboxes/${sb.info.id}/settings`, { latency_profile: { sync: { distribution: 'fixed', ms: 600_000 } } });
    await pm.post(`${base}/commitments/${draft.body.id}/actions/approve`);
    const travelling = (await why()).find((f) => f.cause === 'sync_delay_between_tools');
    expect(travelling?.evidence).toMatchObject({ from: ['Commitments'], jobs: [expect.objectContaining({ resource: 'Commitments', resource_id: draft.body.id })] });
    expect((await why()).some((f) => f.cause === 'commitment_not_approved' && f.item?.id === draft.body.id)).toBe(false);
    const before = (await budgetLine(pm, b)).committed_costs;
    expect((await api.post(`/_sim/sandboxes/${sb.info.id}/clock/actions/advance`, { seconds: 601 })).status).toBe(200);
    await api.patch(`/_sim/sandboxes/${sb.info.id}/settings`, { latency_profile: 'instant' });
    await settle();
    expect((await budgetLine(pm, b)).committed_costs).toBe((Number(before) + 7000).toFixed(2));
    expect((await why()).some((f) => f.cause === 'sync_delay_between_tools')).toBe(false);
    const [sub] = (await pm.get(`${base}/commitments?filters[type]=subcontract`)).body;
    const inv = await pm.post(`${base}/commitments/${sub.id}/invoices`, { line_items: [{ budget_line_item_id: a, amount: '500.00' }] });
    await pm.post(`${base}/commitments/${sub.id}/invoices/${inv.body.id}/actions/submit`);
    expect((await why()).find((f) => f.cause === 'invoice_not_processed' && f.item?.id === inv.body.id)).toMatchObject({
      evidence: { status: 'under_review', total: '500.00', left_out_of: ['job-to-date costs'] },
      fix: [expect.stringContaining(`/invoices/${inv.body.id}/actions/approve`)],
    });
  });

  it('delivers webhooks for Budget Line Items, Commitments, Change Orders and Direct Costs with the resource and its id', async () => {
    const receiver = await Receiver.start();
    try {
      const admin = await sb.as('company_admin');
      const hook = await admin.post(`${base}/webhooks/hooks`, { namespace: 'money', destination_url: receiver.url });
      expect(hook.status).toBe(201);
      const triggers: [string, string][] = [['Budget Line Items', 'update'], ['Commitments', 'create'], ['Change Orders', 'create'], ['Direct Costs', 'create']];
      for (const [resource_name, event_type] of triggers) expect((await admin.post(`${base}/webhooks/hooks/${hook.body.id}/triggers`, { resource_name, event_type })).status).toBe(201);
      const line = await pm.patch(`${base}/budget/line_items/${b}`, { description: 'Fixtures and lamps' });
      const commitment = await pm.post(`${base}/commitments`, { type: 'purchase_order', title: 'Lamps' });
      const co = await pm.post(`${base}/change_orders`, { contract_type: 'prime', contract_id: prime, title: 'Hooked' });
      const cost = await pm.post(`${base}/direct_costs`, { budget_line_item_id: b, amount: '10.00', description: 'Courier', date: '2026-12-02' });
      await settle();
      const got = receiver.received.map((r) => [r.body.resource_name, r.body.event_type, r.body.resource_id]).sort();
      expect(got).toEqual(
        [
          ['Budget Line Items', 'update', line.body.id],
          ['Change Orders', 'create', co.body.id],
          ['Commitments', 'create', commitment.body.id],
          ['Direct Costs', 'create', cost.body.id],
        ].sort(),
      );
      await admin.delete(`${base}/webhooks/hooks/${hook.body.id}`);
    } finally {
      await receiver.stop();
    }
  });

  it('names job_failed when the recalculation behind the budget fails; the budget says it is behind until a recalculation runs', async () => {
    const fault = await api.post('/_sim/faults', { target: 'job', job_name: 'budget.recalculate', effect: 'fail', probability: 1, sandbox_id: sb.info.id });
    expect(fault.status).toBe(201);
    expect((await pm.patch(`${base}/budget/line_items/${a}`, { description: 'Power and feeders' })).status).toBe(200);
    let findings: { cause: string; evidence: Record<string, any> }[] = [];
    // until the rebuild has used up its retries (a finding while it still retries would let a retry after the fault's deletion succeed)
    const usedUp = () => findings.some((f) => f.cause === 'job_failed' && f.evidence.job?.state === 'failed');
    for (let i = 0; i < 800 && !usedUp(); i++) {
      await new Promise((r) => setTimeout(r, 25));
      findings = (await api.get(`/_sim/diagnose?project_id=${p}&user_id=${sb.userId('gc_project_manager')}&symptom=not_updating&tool=budget`)).body.findings;
    }
    expect(findings.find((f) => f.cause === 'job_failed' && f.evidence.job?.state === 'failed')?.evidence).toMatchObject({ injected: true, fault_rule_id: fault.body.id });
    expect((await budgetLine(pm, a)).description).toBe('Power');
    expect((await api.delete(`/_sim/faults/${fault.body.id}`)).status).toBe(204);
    await settle();
    // the failed rebuild has used up its retries (the instant profile retries in milliseconds): the budget says it is behind
    const behind = (await pm.get(`${base}/budget`)).body;
    expect(behind.stale).toBe(true);
    expect(behind.snapshot_revision).toBeLessThan(behind.revision);
    const exhausted = (await api.get(`/_sim/diagnose?project_id=${p}&user_id=${sb.userId('gc_project_manager')}&symptom=not_updating&tool=budget`)).body.findings.find((f: { cause: string }) => f.cause === 'job_failed');
    expect(exhausted.fix).toEqual(expect.arrayContaining([expect.stringContaining(`POST /rest/v1.0/projects/${p}/budget/actions/recalculate`)]));
    expect((await pm.post(`${base}/budget/actions/recalculate`)).status).toBe(200);
    await settle();
    expect((await budgetLine(pm, a)).description).toBe('Power and feeders');
  });

  it('records every write in the change log for webhooks, under the platform\'s resource names', async () => {
    const rows = (await t.db.query(`SELECT DISTINCT resource FROM change_log WHERE project_id = $1 ORDER BY resource`, [p])).rows.map((r: { resource: string }) => r.resource);
    expect(rows).toEqual(expect.arrayContaining(['Budget Line Items', 'Change Orders', 'Commitment Invoices', 'Commitments', 'Direct Costs', 'Prime Contracts']));
  });
});
