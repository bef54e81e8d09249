import { ApiClient } from '../support/api-client';
import { expectError, fieldsOf } from '../support/assertions';
import { TrainingSandbox } from '../support/sandbox';
import { TestApp } from '../support/test-app';

const HEADER = 'cost_code,description,original_budget_amount,cost_type';

describe('budget imports from CSV: every row checked first, all or nothing', () => {
  let t: TestApp;
  let api: ApiClient;
  let sb: TrainingSandbox;
  let pm: ApiClient;
  let p: number;
  let url: string;

  const csv = (client: ApiClient, text: string | Buffer) => client.request('POST', url, { headers: { 'content-type': 'text/csv' }, raw: Buffer.isBuffer(text) ? text : Buffer.from(text) });
  const items = async (): Promise<number> => (await t.db.query('SELECT count(*)::int AS n FROM budget_line_items WHERE project_id = $1', [p])).rows[0].n;
  const settle = async () => expect((await api.post(`/_sim/settle?project_id=${p}&timeout_ms=20000`)).status).toBe(200);

  beforeAll(async () => {
    t = await TestApp.start();
    api = t.client();
    sb = await TrainingSandbox.create(api, 'budget-imports');
    await sb.relaxLimits();
    await api.patch(`/_sim/sandboxes/${sb.info.id}/settings`, { latency_profile: 'instant' });
    pm = await sb.as('gc_project_manager');
    const admin = await sb.as('company_admin');
    p = sb.project('second');
    url = `/rest/v1.0/projects/${p}/budget/imports`;
    for (const [code, description] of [['03-300', 'Concrete'], ['26-000', 'Electrical']]) {
      expect((await admin.post(`/rest/v1.0/projects/${p}/cost_codes`, { code, description })).status).toBe(201);
    }
  });
  afterAll(() => t.stop());

  it('imports every row in one go, quoted fields included, and the settled budget adds up to the cent', async () => {
    const file = `\uFEFF${HEADER}\r\n03-300,Footings,120000.10,subcontract\r\n26-000,"Panels, feeders and ""home runs""",45000.45,material\r\n03-300,"Slab\non grade",99.99,\r\n`;
    const res = await csv(pm, file);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ rows: 3, bytes: Buffer.byteLength(file), created_by_id: sb.userId('gc_project_manager') });
    expect(res.body.line_item_ids).toHaveLength(3);
    await settle();
    const view = (await pm.get(`/rest/v1.0/projects/${p}/budget`)).body;
    expect(view.totals.original_budget_amount).toBe('165100.54');
    expect(view.line_items.map((l: { description: string; cost_type: string }) => [l.description, l.cost_type])).toEqual([
      ['Footings', 'subcontract'],
      ['Slab\non grade', 'other'],
      ['Panels, feeders and "home runs"', 'material'],
    ]);
    expect((await pm.get(url)).body).toEqual([expect.objectContaining({ id: res.body.id, rows: 3 })]);
    expect((await pm.get(`${url}/${res.body.id}`)).body).toMatchObject({ id: res.body.id, rows: 3 });
    const changes = await t.db.query(`SELECT count(*)::int AS n FROM change_log WHERE resource = 'Budget Line Items' AND event_type = 'create' AND resource_id = ANY($1)`, [res.body.line_item_ids]);
    expect(changes.rows[0].n).toBe(3);
  });

  it('lists each bad row among good ones and imports nothing', async () => {
    const before = await items();
    const rows = [HEADER, '03-300,Good,1.00,labor', '99-999,Unknown code,1.00,labor', '26-000,,1.00,labor', '26-000,Bad amount,12.345,labor', '26-000,Worse,abc,labor', '26-000,Type,1.00,rocket', '03-300,Short row'];
    const res = await csv(pm, rows.join('\n'));
    expectError(res, 422, 'validation_failed');
    expect(fieldsOf(res)).toEqual(['rows[3].cost_code', 'rows[4].description', 'rows[5].original_budget_amount', 'rows[6].original_budget_amount', 'rows[7].cost_type', 'rows[8].*']);
    expect(res.body.error.details).toMatchObject({ bad_rows: 6, rows: 7 });
    expect(await items()).toBe(before);
  });

  it('refuses bad encoding, wrong or missing headers, empty files and too many rows, writing nothing', async () => {
    const before = await items();
    const latin1 = Buffer.concat([Buffer.from(`${HEADER}\n03-300,Caf`), Buffer.from([0xe9]), Buffer.from(',1.00,labor\n')]);
    const encoding = await csv(pm, latin1);
    expectError(encoding, 422, 'validation_failed');
    expect(encoding.body.error.details.fields).toEqual([{ field: 'file', message: expect.stringContaining('line 2') }]);
    const wrong = await csv(pm, 'code,desc,amount\n03-300,x,1.00\n');
    expectError(wrong, 422, 'validation_failed');
    expect(wrong.body.error.details.fields.map((f: { message: string }) => f.message)).toEqual([
      'unknown column "code"',
      'unknown column "desc"',
      'unknown column "amount"',
      'missing column "cost_code"',
      'missing column "description"',
      'missing column "original_budget_amount"',
    ]);
    expectError(await csv(pm, 'cost_code,description\n03-300,x\n'), 422, 'validation_failed');
    expectError(await csv(pm, ''), 422, 'empty_file');
    expectError(await csv(pm, `${HEADER}\n`), 422, 'empty_file');
    expectError(await csv(pm, `${HEADER}\n03-300,"never closed,1.00,labor\n`), 422, 'validation_failed');
    const huge = [HEADER, ...Array.from({ length: 100_000 }, (_, i) => `03-300,Row ${i},1.00,labor`)].join('\n');
    expectError(await csv(pm, huge), 413, 'request_too_large');
    expect(await items()).toBe(before);
  });

  it('is refused while the budget is locked and for those without the permission', async () => {
    const before = await items();
    expect((await pm.post(`/rest/v1.0/projects/${p}/budget/lock`)).status).toBe(200);
    expectError(await csv(pm, `${HEADER}\n03-300,Locked,1.00,labor\n`), 423, 'budget_locked');
    expect((await pm.delete(`/rest/v1.0/projects/${p}/budget/lock`)).status).toBe(200);
    expectError(await csv(await sb.as('superintendent'), `${HEADER}\n03-300,Not mine,1.00,labor\n`), 403, 'permission_denied');
    expect(await items()).toBe(before);
    // CSV is for imports only
    const elsewhere = await pm.request('POST', `/rest/v1.0/projects/${p}/budget/line_items`, { headers: { 'content-type': 'text/csv' }, raw: Buffer.from('a,b\n') });
    expectError(elsewhere, 400, 'invalid_request');
  });
});
