import { BUDGET_COLUMNS } from '../../src/budget/budget-numbers';
import { ApiClient } from '../support/api-client';
import { expectError, fieldsOf } from '../support/assertions';
import { TrainingSandbox } from '../support/sandbox';
import { TestApp } from '../support/test-app';

/** Every column but direct costs: what a reader without view_direct_cost_details may see. */
const WITHOUT_DIRECT = BUDGET_COLUMNS.filter((c) => c !== 'direct_costs');

describe('budget views: named columns and filters, a project default, and diagnose naming what they hide', () => {
  let t: TestApp;
  let api: ApiClient;
  let sb: TrainingSandbox;
  let pm: ApiClient;
  let sup: ApiClient;
  let p: number;
  let budget: string;
  let views: string;
  let concrete: number;
  let steel: number;
  /** Line items: footings (concrete, material), forming (concrete, labor), steel frame (steel, material), allowance (steel, other, all zero). */
  const li = { footings: 0, forming: 0, frame: 0, allowance: 0 };

  beforeAll(async () => {
    t = await TestApp.start();
    api = t.client();
    sb = await TrainingSandbox.create(api, 'budget-views');
    await sb.relaxLimits();
    await api.patch(`/_sim/sandboxes/${sb.info.id}/settings`, { latency_profile: 'instant' });
    pm = await sb.as('gc_project_manager');
    sup = await sb.as('superintendent');
    const admin = await sb.as('company_admin');
    p = sb.project('second');
    budget = `/rest/v1.0/projects/${p}/budget`;
    views = `${budget}/views`;
    concrete = (await admin.post(`/rest/v1.0/projects/${p}/cost_codes`, { code: '03-300', description: 'Cast-in-place concrete' })).body.id;
    steel = (await admin.post(`/rest/v1.0/projects/${p}/cost_codes`, { code: '05-100', description: 'Structural steel' })).body.id;
    const line = async (cost_code_id: number, cost_type: string, description: string, original_budget_amount: string) => {
      const res = await pm.post(`${budget}/line_items`, { cost_code_id, cost_type, description, original_budget_amount });
      expect(res.status).toBe(201);
      return res.body.id as number;
    };
    li.footings = await line(concrete, 'material', 'Footings', '1000.10');
    li.forming = await line(concrete, 'labor', 'Forming', '250.25');
    li.frame = await line(steel, 'material', 'Steel frame', '5000.00');
    li.allowance = await line(steel, 'other', 'Allowance', '0.00');
    // contract-side rows, as the contracts tools write them: an approved commitment on the frame, a direct cost on the footings
    const company = sb.companyId;
    const { rows } = await t.db.query(`INSERT INTO commitments (company_id, project_id, number, type, title, status) VALUES ($1, $2, 1, 'subcontract', 'Steel erector', 'approved') RETURNING id`, [company, p]);
    await t.db.query('INSERT INTO commitment_lines (commitment_id, budget_line_item_id, amount) VALUES ($1, $2, 4000.00)', [rows[0].id, li.frame]);
    await t.db.query(`INSERT INTO direct_costs (company_id, project_id, budget_line_item_id, amount, description, date) VALUES ($1, $2, $3, 100.00, 'Pump truck', '2026-11-30')`, [company, p, li.footings]);
    expect((await pm.post(`${budget}/actions/recalculate`)).status).toBe(200);
    await settle();
  });
  afterAll(() => t.stop());

  const settle = async () => expect((await api.post(`/_sim/settle?project_id=${p}&timeout_ms=20000`)).status).toBe(200);
  const viewCount = async () => (await t.db.query('SELECT count(*)::int AS n FROM budget_views WHERE project_id = $1', [p])).rows[0].n as number;
  const diagnose = async (who: 'superintendent' | 'gc_project_manager', extra = '') =>
    (await api.get(`/_sim/diagnose?project_id=${p}&user_id=${sb.userId(who)}&symptom=not_visible&tool=budget${extra}`)).body.findings as { cause: string; item: unknown; evidence: Record<string, unknown>; fix: string[] }[];
  const byView = async (who: 'superintendent' | 'gc_project_manager', extra = '') => (await diagnose(who, extra)).filter((f) => f.cause === 'hidden_by_budget_view');
  const removeAll = async () => {
    for (const v of (await pm.get(views)).body) expect((await pm.delete(`${views}/${v.id}`)).status).toBe(204);
  };

  it('lets Admins on the budget create, edit and delete views; Read Only readers list them and get 403 on writes', async () => {
    const created = await pm.post(views, { name: 'Concrete costs', columns: ['original_budget_amount', 'committed_costs', 'direct_costs'], filters: { cost_code_ids: [concrete] } });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(Number),
      project_id: p,
      name: 'Concrete costs',
      columns: ['original_budget_amount', 'committed_costs', 'direct_costs'],
      filters: { cost_code_ids: [concrete], cost_types: [], hide_zero: false },
      default: false,
      created_by_id: sb.userId('gc_project_manager'),
      version: 1,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    const id = created.body.id as number;

    for (const [who, res] of [
      ['superintendent', await sup.post(views, { name: 'Mine', columns: ['revised_budget'] })],
      ['superintendent', await sup.patch(`${views}/${id}`, { name: 'Renamed' })],
      ['owner_rep', await (await sb.as('owner_rep')).delete(`${views}/${id}`)],
    ] as const) {
      expectError(res, 403, 'permission_denied');
      expect(`${who} ${res.body.error.details.action}`).toBe(`${who} budget.manage_views`);
    }
    // reading views is reading the budget
    const listed = await sup.get(views);
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual([created.body]);
    expect((await sup.get(`${views}/${id}`)).body).toEqual(created.body);
    expectError(await (await sb.as('subcontractor')).get(`/rest/v1.0/projects/${sb.project('first')}/budget/views`), 403, 'permission_denied');

    const edited = await pm.patch(`${views}/${id}`, { name: 'Concrete to date', version: 1 });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ name: 'Concrete to date', columns: ['original_budget_amount', 'committed_costs', 'direct_costs'], version: 2 });
    expectError(await pm.patch(`${views}/${id}`, { name: 'Stale' }, { headers: { 'if-match': '"1"' } }), 409, 'edit_conflict');
    expectError(await pm.delete(`${views}/${id}`, { body: { version: 1 } }), 409, 'edit_conflict');
    expect(await viewCount()).toBe(1);
    expect((await pm.delete(`${views}/${id}`, { headers: { 'if-match': '"2"' } })).status).toBe(204);
    expectError(await pm.get(`${views}/${id}`), 404, 'not_found');
    const changes = await t.db.query(`SELECT event_type, version FROM change_log WHERE resource = 'Budget Views' AND resource_id = $1 ORDER BY id`, [id]);
    expect(changes.rows).toEqual([
      { event_type: 'create', version: 1 },
      { event_type: 'update', version: 2 },
      { event_type: 'delete', version: 3 },
    ]);
  });

  it('refuses unknown columns, foreign cost codes, unknown filter keys and taken names, writing nothing', async () => {
    expect((await pm.post(views, { name: 'Taken', columns: ['revised_budget'] })).status).toBe(201);
    const before = await viewCount();
    const unknown = await pm.post(views, { name: 'Bad', columns: ['revised_budget', 'total_cost'] });
    expectError(unknown, 422, 'validation_failed');
    expect(unknown.body.error.details.fields).toEqual([{ field: 'columns', message: `"total_cost" is not a budget column (the columns: ${BUDGET_COLUMNS.join(', ')})` }]);
    for (const columns of [[], ['revised_budget', 'revised_budget'], 'revised_budget', [7]]) {
      const res = await pm.post(views, { name: 'Bad', columns });
      expectError(res, 422, 'validation_failed');
      expect([...new Set(fieldsOf(res))]).toEqual(['columns']);
    }
    const other = await (await sb.as('company_admin')).post(`/rest/v1.0/projects/${sb.project('first')}/cost_codes`, { code: '09-900', description: 'Painting' });
    const foreign = await pm.post(views, { name: 'Bad', columns: ['revised_budget'], filters: { cost_code_ids: [concrete, other.body.id] } });
    expectError(foreign, 422, 'validation_failed');
    expect(foreign.body.error.details.fields).toEqual([{ field: 'filters.cost_code_ids', message: `${other.body.id} is not a cost code of this project` }]);
    const cases: [unknown, string][] = [
      [{ colour: 'red' }, 'filters.colour'],
      [{ cost_types: ['concrete'] }, 'filters.cost_types'],
      [{ cost_code_ids: [0] }, 'filters.cost_code_ids'],
      [{ hide_zero: 'yes' }, 'filters.hide_zero'],
      ['material', 'filters'],
    ];
    for (const [filters, field] of cases) {
      const res = await pm.post(views, { name: 'Bad', columns: ['revised_budget'], filters });
      expectError(res, 422, 'validation_failed');
      expect(`${JSON.stringify(filters)} ${[...new Set(fieldsOf(res))].join(',')}`).toBe(`${JSON.stringify(filters)} ${field}`);
    }
    expect(fieldsOf(await pm.post(views, { name: 'Bad', columns: ['revised_budget'], sort: 'name' }))).toEqual(['sort']);
    expectError(await pm.post(views, { name: 'taken ', columns: ['approved_cos'] }), 409, 'duplicate');
    const second = await pm.post(views, { name: 'Second', columns: ['approved_cos'] });
    expectError(await pm.patch(`${views}/${second.body.id}`, { name: 'TAKEN' }), 409, 'duplicate');
    expectError(await pm.patch(`${views}/${second.body.id}`, { columns: ['approved_cos', 'budget'] }), 422, 'validation_failed');
    expect(await viewCount()).toBe(before + 1);
    expect((await pm.get(`${views}/${second.body.id}`)).body).toMatchObject({ name: 'Second', columns: ['approved_cos'], version: 1 });
    await removeAll();
  });

  it('shows the picked view’s columns and the lines its filters keep, totalled to the cent; the default applies without view_id', async () => {
    const all = (await pm.get(budget)).body;
    expect(all).toMatchObject({ view: null, hidden_by_view: [], columns: [...BUDGET_COLUMNS], hidden_columns: [] });
    expect(all.totals).toMatchObject({ original_budget_amount: '6250.35', committed_costs: '4000.00', direct_costs: '100.00', projected_costs: '4100.00', forecast_to_complete: '2150.35' });

    const concreteView = (await pm.post(views, { name: 'Concrete', columns: ['direct_costs', 'original_budget_amount', 'committed_costs'], filters: { cost_code_ids: [concrete] } })).body;
    const seen = (await pm.get(`${budget}?view_id=${concreteView.id}`)).body;
    expect(seen.view).toEqual({ id: concreteView.id, name: 'Concrete', default: false, filters: { cost_code_ids: [concrete], cost_types: [], hide_zero: false } });
    // columns keep the budget's order, whatever the view's
    expect(seen.columns).toEqual(['original_budget_amount', 'committed_costs', 'direct_costs']);
    expect(seen.hidden_by_view).toEqual(BUDGET_COLUMNS.filter((c) => !['original_budget_amount', 'committed_costs', 'direct_costs'].includes(c)));
    expect(seen.line_items).toEqual([
      { id: li.footings, cost_code: { id: concrete, code: '03-300' }, cost_type: 'material', description: 'Footings', original_budget_amount: '1000.10', committed_costs: '0.00', direct_costs: '100.00' },
      { id: li.forming, cost_code: { id: concrete, code: '03-300' }, cost_type: 'labor', description: 'Forming', original_budget_amount: '250.25', committed_costs: '0.00', direct_costs: '0.00' },
    ]);
    expect(seen.totals).toEqual({ original_budget_amount: '1250.35', committed_costs: '0.00', direct_costs: '100.00' });

    // the view cannot show what the permission hides: the superintendent gets no direct costs through it
    const supSeen = (await sup.get(`${budget}?view_id=${concreteView.id}`)).body;
    expect(supSeen).toMatchObject({ columns: ['original_budget_amount', 'committed_costs'], hidden_columns: ['direct_costs'], totals: { original_budget_amount: '1250.35', committed_costs: '0.00' } });
    expect(supSeen.hidden_by_view).toEqual(WITHOUT_DIRECT.filter((c) => !['original_budget_amount', 'committed_costs'].includes(c)));
    const directOnly = (await pm.post(views, { name: 'Direct only', columns: ['direct_costs'] })).body;
    const nothing = (await sup.get(`${budget}?view_id=${directOnly.id}`)).body;
    expect(nothing).toMatchObject({ columns: [], totals: {}, hidden_columns: ['direct_costs'], hidden_by_view: WITHOUT_DIRECT });
    expect(nothing.line_items.map((l: Record<string, unknown>) => Object.keys(l))).toEqual(Array(4).fill(['id', 'cost_code', 'cost_type', 'description']));

    // cost types and hide_zero: the material lines with something committed
    const material = (await pm.post(views, { name: 'Material committed', columns: ['committed_costs'], filters: { cost_types: ['material'], hide_zero: true } })).body;
    const committed = (await pm.get(`${budget}?view_id=${material.id}`)).body;
    expect(committed.line_items.map((l: { id: number }) => l.id)).toEqual([li.frame]);
    expect(committed.totals).toEqual({ committed_costs: '4000.00' });
    const nonZero = (await pm.post(views, { name: 'Non-zero', columns: ['original_budget_amount'], filters: { hide_zero: true } })).body;
    const kept = (await pm.get(`${budget}?view_id=${nonZero.id}`)).body;
    expect(kept.line_items.map((l: { id: number }) => l.id)).toEqual([li.footings, li.forming, li.frame]);
    expect(kept.totals).toEqual({ original_budget_amount: '6250.35' });

    // the default applies without view_id; one default at a time; view_id=none reads without a view
    expect((await pm.patch(`${views}/${concreteView.id}`, { default: true })).body.default).toBe(true);
    expect((await pm.get(budget)).body).toMatchObject({ view: { id: concreteView.id, default: true }, totals: { original_budget_amount: '1250.35', committed_costs: '0.00', direct_costs: '100.00' } });
    expect((await pm.post(views, { name: 'Steel', columns: ['original_budget_amount'], filters: { cost_code_ids: [steel] }, default: true })).body.default).toBe(true);
    const listed = (await pm.get(views)).body as { name: string; default: boolean }[];
    expect(listed.map((v) => `${v.name}: ${v.default}`)).toEqual(['Concrete: false', 'Direct only: false', 'Material committed: false', 'Non-zero: false', 'Steel: true']);
    expect((await sup.get(budget)).body).toMatchObject({ view: { name: 'Steel', default: true }, columns: ['original_budget_amount'], totals: { original_budget_amount: '5000.00' } });
    expect((await sup.get(`${budget}?view_id=none`)).body).toMatchObject({ view: null, columns: WITHOUT_DIRECT, totals: { original_budget_amount: '6250.35', projected_costs: '4000.00', forecast_to_complete: '2250.35' } });
    expect((await sup.get(`${budget}?view_id=${concreteView.id}`)).body.view).toMatchObject({ name: 'Concrete', default: false });

    // deleting the default leaves the project without one
    const steelView = listed.find((v) => v.name === 'Steel') as unknown as { id: number };
    expect((await pm.delete(`${views}/${steelView.id}`)).status).toBe(204);
    expect((await t.db.query('SELECT default_view_id FROM budgets WHERE project_id = $1', [p])).rows[0].default_view_id).toBeNull();
    expect((await pm.get(budget)).body).toMatchObject({ view: null, columns: [...BUDGET_COLUMNS], totals: { original_budget_amount: '6250.35' } });

    // a view of another project, an unknown one, and a bad parameter
    const elsewhere = await pm.post(`/rest/v1.0/projects/${sb.project('first')}/budget/views`, { name: 'Elsewhere', columns: ['revised_budget'] });
    expect(elsewhere.status).toBe(201);
    expectError(await pm.get(`${budget}?view_id=${elsewhere.body.id}`), 404, 'not_found');
    expectError(await pm.get(`${views}/${elsewhere.body.id}`), 404, 'not_found');
    expectError(await pm.patch(`${views}/${elsewhere.body.id}`, { name: 'Mine now' }), 404, 'not_found');
    expectError(await pm.get(`${budget}?view_id=999999`), 404, 'not_found');
    expect(fieldsOf(await pm.get(`${budget}?view_id=abc`))).toEqual(['view_id']);
    expect(fieldsOf(await pm.get(`${budget}?view=1`))).toEqual(['view']);
    await removeAll();
  });

  it('names hidden_by_budget_view with the view, the columns and lines it hides and the fix; gone once fixed', async () => {
    const everything = (await pm.post(views, { name: 'Everything', columns: [...BUDGET_COLUMNS] })).body;
    const material = (await pm.post(views, { name: 'Material budget', columns: ['original_budget_amount', 'revised_budget'], filters: { cost_types: ['material'] }, default: true })).body;
    expect((await sup.get(budget)).body.line_items.map((l: { id: number }) => l.id)).toEqual([li.footings, li.frame]);

    const [finding] = await byView('superintendent');
    const hidden = WITHOUT_DIRECT.filter((c) => !['original_budget_amount', 'revised_budget'].includes(c));
    expect(finding).toEqual({
      cause: 'hidden_by_budget_view',
      tool: 'budget',
      item: null,
      user: expect.objectContaining({ id: sb.userId('superintendent') }),
      evidence: {
        view: { id: material.id, name: 'Material budget', default: true, applied_as: 'the project default' },
        hidden_columns: hidden,
        hidden_column_totals: {
          budget_modifications: '0.00',
          approved_cos: '0.00',
          pending_budget_changes: '0.00',
          committed_costs: '4000.00',
          pending_cost_changes: '0.00',
          job_to_date_costs: '0.00',
          projected_budget: '6250.35',
          projected_costs: '4000.00',
          forecast_to_complete: '2250.35',
          estimated_cost_at_completion: '6250.35',
          projected_over_under: '0.00',
        },
        filters: { cost_code_ids: [], cost_types: ['material'], hide_zero: false },
        hidden_line_items: [
          { id: li.forming, cost_code: { id: concrete, code: '03-300' }, cost_type: 'labor', description: 'Forming', hidden_by: ['cost_types'] },
          { id: li.allowance, cost_code: { id: steel, code: '05-100' }, cost_type: 'other', description: 'Allowance', hidden_by: ['cost_types'] },
        ],
        hidden_line_item_count: 2,
      },
      fix: [
        `Read the budget through view "Everything" (GET ${budget}?view_id=${everything.id}) or no view: GET ${budget}?view_id=none shows every column you may see and every line item (the views: GET ${views}).`,
        `Or an Admin on the budget edits view "Material budget" to show committed_costs, projected_budget, projected_costs, forecast_to_complete, estimated_cost_at_completion and drop the filter cost_types: PATCH ${views}/${material.id} (it is the project default: default: false on it, or default: true on another view, changes what everyone sees without a view_id).`,
      ],
    });

    // asked about one hidden line item, it is the most likely cause and names that item
    const [first] = await diagnose('superintendent', `&item_id=${li.allowance}`);
    expect(first).toMatchObject({ cause: 'hidden_by_budget_view', item: { id: li.allowance, type: 'BudgetLineItem' }, evidence: { hidden_line_item_count: 1, hidden_line_items: [{ id: li.allowance, hidden_by: ['cost_types'] }] } });

    // the reader takes the fix: no view
    expect((await sup.get(`${budget}?view_id=none`)).body.line_items).toHaveLength(4);
    expect(await byView('superintendent')).toEqual([]);
    // a view the reader picks is the one diagnose looks at
    const steelOnly = (await pm.post(views, { name: 'Steel only', columns: [...BUDGET_COLUMNS], filters: { cost_code_ids: [steel] } })).body;
    await sup.get(`${budget}?view_id=${steelOnly.id}`);
    expect((await byView('superintendent')).map((f) => [f.evidence.view, f.evidence.hidden_columns, (f.evidence.hidden_line_items as { id: number }[]).map((l) => l.id)])).toEqual([
      [{ id: steelOnly.id, name: 'Steel only', default: false, applied_as: 'picked with view_id' }, [], [li.footings, li.forming]],
    ]);

    // back on the default, an Admin takes the other fix: the default view shows everything
    await sup.get(budget);
    expect(await byView('superintendent')).toHaveLength(1);
    expect((await pm.patch(`${views}/${material.id}`, { columns: [...BUDGET_COLUMNS], filters: {} })).status).toBe(200);
    expect(await byView('superintendent')).toEqual([]);
    expect((await sup.get(budget)).body).toMatchObject({ view: { id: material.id, default: true }, columns: WITHOUT_DIRECT, hidden_by_view: [], totals: { original_budget_amount: '6250.35' } });
    // a view hiding only columns with nothing in them hides no data
    await pm.patch(`${views}/${material.id}`, { columns: BUDGET_COLUMNS.filter((c) => c !== 'approved_cos') });
    await pm.get(budget);
    expect(await byView('gc_project_manager')).toEqual([]);
  });
});
