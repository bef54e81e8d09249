import { multipartBody, PartSpec } from '../../src/uploads/multipart-body';
import { Answer, ApiClient } from '../support/api-client';
import { expectError, fieldsOf } from '../support/assertions';
import { Receiver } from '../support/receiver';
import { TrainingSandbox } from '../support/sandbox';
import { TestApp } from '../support/test-app';

const HEADER = 'cost_code,description,original_budget_amount,cost_type';

/** The sum of decimal amounts, exact (in cents), as the API writes money. */
function sum(amounts: string[]): string {
  const cents = amounts.reduce((acc, a) => acc + BigInt(a.replace('.', '')), 0n);
  return `${cents / 100n}.${String(cents % 100n).padStart(2, '0')}`;
}

describe('budget imports from CSV: every row checked first, all or nothing', () => {
  let t: TestApp;
  let api: ApiClient;
  let sb: TrainingSandbox;
  let pm: ApiClient;
  let p: number;
  let url: string;

  const csv = (client: ApiClient, text: string | Buffer, headers: Record<string, string> = {}) =>
    client.request('POST', url, { headers: { 'content-type': 'text/csv', ...headers }, raw: Buffer.isBuffer(text) ? text : Buffer.from(text) });
  const form = (client: ApiClient, parts: PartSpec[], headers: Record<string, string> = {}) => {
    const { body, contentType } = multipartBody(parts);
    return client.request('POST', url, { headers: { 'content-type': contentType, ...headers }, raw: body });
  };
  const file = (client: ApiClient, text: string | Buffer, fileName = 'budget.csv') => form(client, [{ name: 'file', filename: fileName, contentType: 'text/csv', data: text }]);
  const settle = async () => expect((await api.post(`/_sim/settle?project_id=${p}&timeout_ms=60000`)).status).toBe(200);
  /** What an import writes, counted: line items, their changes, import records, queued jobs. */
  const written = async () =>
    (
      await t.db.query(
        `SELECT (SELECT count(*) FROM budget_line_items WHERE project_id = $1)::int AS line_items,
                (SELECT count(*) FROM change_log WHERE project_id = $1 AND resource = 'Budget Line Items')::int AS changes,
                (SELECT count(*) FROM budget_imports WHERE project_id = $1)::int AS imports,
                (SELECT count(*) FROM outbox WHERE project_id = $1)::int AS jobs`,
        [p],
      )
    ).rows[0];
  const expectNothingWritten = async (call: () => Promise<Answer>, status: number, code: string): Promise<Answer> => {
    const before = await written();
    const res = await call();
    expectError(res, status, code);
    expect(await written()).toEqual(before);
    return res;
  };

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
    for (const [code, description] of [['03-300', 'Concrete'], ['26-000', 'Electrical'], ['ELEC-A', 'Lighting'], ['Hvac-1', 'Ventilation']]) {
      expect((await admin.post(`/rest/v1.0/projects/${p}/cost_codes`, { code, description })).status).toBe(201);
    }
  });
  afterAll(() => t.stop());

  it('imports a multipart file in one go, quoted commas, quotes and line breaks kept, with one webhook per line item and totals exact to the cent', async () => {
    const admin = await sb.as('company_admin');
    const receiver = await Receiver.start();
    try {
      const hook = await admin.post(`/rest/v1.0/projects/${p}/webhooks/hooks`, { namespace: 'imports', destination_url: receiver.url });
      expect((await admin.post(`/rest/v1.0/projects/${p}/webhooks/hooks/${hook.body.id}/triggers`, { resource_name: 'Budget Line Items', event_type: 'create' })).status).toBe(201);
      // Columns in another order and case, a byte-order mark, CRLF, a cost code in another case than the project's.
      const text =
        '\uFEFFDescription,Cost_Type,COST_CODE,original_budget_amount\r\n' +
        'Footings,subcontract,03-300,120000.10\r\n' +
        '"Panels, feeders and ""home runs""",Material,26-000,45000.45\r\n' +
        '"Slab\non grade",,hvac-1,-0.01\r\n' +
        'Fixtures,material,elec-a,99.99\r\n';
      const res = await file(pm, text);
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.any(Number),
        project_id: p,
        status: 'completed',
        file_name: 'budget.csv',
        rows: 4,
        bytes: Buffer.byteLength(text),
        took_ms: expect.any(Number),
        created_by_id: sb.userId('gc_project_manager'),
        created_at: expect.any(String),
        line_item_ids: [expect.any(Number), expect.any(Number), expect.any(Number), expect.any(Number)],
      });
      const ids: number[] = res.body.line_item_ids;
      expect([...ids].sort((a, b) => a - b)).toEqual(ids);
      await settle();
      const view = (await pm.get(`/rest/v1.0/projects/${p}/budget`)).body;
      expect(view.stale).toBe(false);
      expect(view.totals.original_budget_amount).toBe('165100.53');
      const lines = (await pm.get(`/rest/v1.0/projects/${p}/budget/line_items?sort=id`)).body;
      expect(lines.map((l: { id: number; cost_code: { code: string }; description: string; cost_type: string; original_budget_amount: string }) => [l.id, l.cost_code.code, l.description, l.cost_type, l.original_budget_amount])).toEqual([
        [ids[0], '03-300', 'Footings', 'subcontract', '120000.10'],
        [ids[1], '26-000', 'Panels, feeders and "home runs"', 'material', '45000.45'],
        [ids[2], 'Hvac-1', 'Slab\non grade', 'other', '-0.01'],
        [ids[3], 'ELEC-A', 'Fixtures', 'material', '99.99'],
      ]);
      const { line_item_ids: _, ...record } = res.body;
      expect((await pm.get(url)).body).toEqual([record]);
      expect((await pm.get(`${url}/${res.body.id}`)).body).toEqual(record);
      const changes = await t.db.query(`SELECT resource_id, event_type, version FROM change_log WHERE resource = 'Budget Line Items' AND resource_id = ANY($1) ORDER BY id`, [ids]);
      expect(changes.rows).toEqual(ids.map((id) => ({ resource_id: id, event_type: 'create', version: 1 })));
      const events = receiver.received.map((r) => [r.body.resource_name, r.body.event_type, r.body.resource_id, r.body.project_id]);
      expect(events.sort((a, b) => Number(a[2]) - Number(b[2]))).toEqual(ids.map((id) => ['Budget Line Items', 'create', id, p]));
      await admin.delete(`/rest/v1.0/projects/${p}/webhooks/hooks/${hook.body.id}`);
    } finally {
      await receiver.stop();
    }
  });

  it('takes the file as a text/csv body too, and lists imports newest first', async () => {
    const first = (await pm.get(url)).body[0];
    const text = `${HEADER}\n26-000,Conduit,10.00,material\n`;
    const res = await csv(pm, text);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'completed', file_name: null, rows: 1, bytes: 85 });
    expect((await pm.get(url)).body.map((i: { id: number }) => i.id)).toEqual([res.body.id, first.id]);
    expect((await pm.get(`${url}?sort=id`)).body.map((i: { id: number }) => i.id)).toEqual([first.id, res.body.id]);
    expectError(await pm.get(`${url}/999999`), 404, 'not_found');
    await settle();
  });

  it('imports 10,000 rows, the most it takes, and the settled budget adds up to the cent', async () => {
    const before = await written();
    const amounts = Array.from({ length: 10_000 }, (_, i) => `${(i * 7919) % 100000}.${String(i % 100).padStart(2, '0')}`);
    const text = [HEADER, ...amounts.map((a, i) => `${i % 2 ? '03-300' : '26-000'},Line ${i + 1},${a},labor`)].join('\n');
    await settle();
    const totalBefore = (await pm.get(`/rest/v1.0/projects/${p}/budget`)).body.totals.original_budget_amount;
    const res = await file(pm, text);
    expect(res.status).toBe(201);
    expect(res.body.rows).toBe(10_000);
    expect(res.body.line_item_ids).toHaveLength(10_000);
    expect(await written()).toMatchObject({ line_items: before.line_items + 10_000, changes: before.changes + 10_000, imports: before.imports + 1 });
    await settle();
    expect((await pm.get(`/rest/v1.0/projects/${p}/budget`)).body.totals.original_budget_amount).toBe(sum([totalBefore, ...amounts]));
  });

  it('lists each bad row among good ones, by row and column, and imports nothing', async () => {
    const good = Array.from({ length: 300 }, (_, i) => `03-300,Good ${i},1.00,labor`);
    const rows = [
      HEADER,
      ...good.slice(0, 100),
      '99-999,Unknown code,1.00,labor',
      '03-300,Fine,1.00,labor',
      '26-000,,1.00,labor',
      ...good.slice(100, 200),
      `26-000,${'x'.repeat(256)},1.00,labor`,
      '26-000,Bad amount,12.345,labor',
      '26-000,Worse,abc,labor',
      '26-000,Too big,10000000000000.00,labor',
      ',Type,1.00,rocket',
      '03-300,Short row',
      ...good.slice(200),
    ];
    const res = await expectNothingWritten(() => file(pm, rows.join('\r\n')), 422, 'validation_failed');
    expect(res.body.error.details.fields).toEqual([
      { field: 'rows[102].cost_code', row: 102, column: 'cost_code', message: '"99-999" is not a cost code of this project' },
      { field: 'rows[104].description', row: 104, column: 'description', message: 'is empty' },
      { field: 'rows[205].description', row: 205, column: 'description', message: 'is longer than 255 characters' },
      { field: 'rows[206].original_budget_amount', row: 206, column: 'original_budget_amount', message: 'must have at most 2 decimal places' },
      { field: 'rows[207].original_budget_amount', row: 207, column: 'original_budget_amount', message: 'must be a decimal number such as "1250.00"' },
      { field: 'rows[208].original_budget_amount', row: 208, column: 'original_budget_amount', message: 'must be below 10^13 (at most 9999999999999.99)' },
      { field: 'rows[209].cost_code', row: 209, column: 'cost_code', message: 'is empty' },
      { field: 'rows[209].cost_type', row: 209, column: 'cost_type', message: '"rocket" is not one of labor, material, equipment, subcontract, other' },
      { field: 'rows[210]', row: 210, column: null, message: 'has 2 fields; the header has 4' },
    ]);
    expect(res.body.error.details).toMatchObject({ bad_rows: 8, rows: 309, problems: 9, listed: 9 });
    expect(res.body.error.message).toBe('8 of 309 rows cannot be imported; nothing was imported. Fix the rows listed and send the file again.');
  });

  it('lists the first 100 problems of a file full of them, with the counts', async () => {
    const rows = [HEADER, ...Array.from({ length: 150 }, (_, i) => `03-300,Row ${i},1.001,labor`), '03-300,Fine,1.00,labor'];
    const res = await expectNothingWritten(() => csv(pm, rows.join('\n')), 422, 'validation_failed');
    const fields = fieldsOf(res);
    expect(fields).toHaveLength(100);
    expect([fields[0], fields[99]]).toEqual(['rows[2].original_budget_amount', 'rows[101].original_budget_amount']);
    expect(res.body.error.details).toMatchObject({ bad_rows: 150, rows: 151, problems: 150, listed: 100 });
    expect(res.body.error.message).toBe('150 of 151 rows cannot be imported; nothing was imported. Fix the rows listed (the first 100 of 150 problems) and send the file again.');
  });

  it('refuses a file that is not UTF-8 naming the byte offset and line, and one with NUL bytes (UTF-16)', async () => {
    const latin1 = Buffer.concat([Buffer.from(`${HEADER}\n03-300,Caf`), Buffer.from([0xe9]), Buffer.from(',1.00,labor\n')]);
    const res = await expectNothingWritten(() => file(pm, latin1), 422, 'validation_failed');
    expect(res.body.error.details).toEqual({
      fields: [{ field: 'file', message: 'is not UTF-8: the byte 0xE9 at offset 65 (line 2) is not; save it as "CSV UTF-8"' }],
      byte_offset: 65,
      line: 2,
    });
    // A real U+FFFD in the file is UTF-8, and not taken for the bad byte after it.
    const replacement = Buffer.concat([Buffer.from(`${HEADER}\n03-300,\uFFFD ok,1.00,labor\n03-300,x`), Buffer.from([0xc3]), Buffer.from(',1.00,labor\n')]);
    expect((await expectNothingWritten(() => csv(pm, replacement), 422, 'validation_failed')).body.error.details).toMatchObject({ byte_offset: 88, line: 3 });
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${HEADER}\n03-300,Wide,1.00,labor\n`, 'utf16le')]);
    const wide = await expectNothingWritten(() => file(pm, utf16), 422, 'validation_failed');
    expect(wide.body.error.details).toEqual({ fields: [{ field: 'file', message: 'is UTF-16 (its byte-order mark says so), not UTF-8; save it as "CSV UTF-8"' }], byte_offset: 0, line: 1 });
    const utf16NoBom = Buffer.from(`${HEADER}\n`, 'utf16le');
    expect((await expectNothingWritten(() => csv(pm, utf16NoBom), 422, 'validation_failed')).body.error.details).toMatchObject({ byte_offset: 1, line: 1 });
  });

  it('refuses wrong, missing or repeated headers naming each, and files with no line items', async () => {
    const wrong = await expectNothingWritten(() => file(pm, 'code,desc,amount\n03-300,x,1.00\n'), 422, 'validation_failed');
    expect(wrong.body.error.details.fields).toEqual([
      { field: 'header', message: 'unknown column "code"' },
      { field: 'header', message: 'unknown column "desc"' },
      { field: 'header', message: 'unknown column "amount"' },
      { field: 'header', message: 'missing column "cost_code"' },
      { field: 'header', message: 'missing column "description"' },
      { field: 'header', message: 'missing column "original_budget_amount"' },
    ]);
    const missing = await expectNothingWritten(() => csv(pm, 'cost_code,description\n03-300,x\n'), 422, 'validation_failed');
    expect(missing.body.error.details.fields).toEqual([{ field: 'header', message: 'missing column "original_budget_amount"' }]);
    const repeated = await expectNothingWritten(() => csv(pm, `${HEADER},Cost_Code,\n03-300,x,1.00,labor,03-300,\n`), 422, 'validation_failed');
    expect(repeated.body.error.details.fields).toEqual([
      { field: 'header', message: 'a column has no name' },
      { field: 'header', message: 'column "cost_code" appears twice' },
    ]);
    await expectNothingWritten(() => csv(pm, ''), 422, 'empty_file');
    await expectNothingWritten(() => file(pm, ''), 422, 'empty_file');
    await expectNothingWritten(() => csv(pm, '\n\n'), 422, 'empty_file');
    await expectNothingWritten(() => file(pm, `${HEADER}\r\n\r\n`), 422, 'empty_file');
  });

  it('refuses quoting it would have to guess at, naming the line', async () => {
    const open = await expectNothingWritten(() => csv(pm, `${HEADER}\n03-300,Fine,1.00,labor\n03-300,"never closed,1.00,labor\n`), 422, 'validation_failed');
    expect(open.body.error.details).toEqual({ fields: [{ field: 'file', message: 'has a quoted field opened on line 3 that is never closed' }], line: 3 });
    const after = await expectNothingWritten(() => csv(pm, `${HEADER}\n03-300,"Say "hi"",1.00,labor\n`), 422, 'validation_failed');
    expect(after.body.error.details.line).toBe(2);
  });

  it('refuses 100,000 rows and a file over 8 MiB with 413, reading no further, writing nothing', async () => {
    const huge = [HEADER, ...Array.from({ length: 100_000 }, (_, i) => `03-300,Row ${i},1.00,labor`)].join('\n');
    for (const send of [csv, file]) {
      const res = await expectNothingWritten(() => send(pm, huge), 413, 'file_too_large');
      expect(res.body.error.details).toEqual({ max_rows: 10_000 });
    }
    const oversized = Buffer.alloc(8 * 1024 * 1024 + 1, 'a');
    expect((await expectNothingWritten(() => file(pm, oversized), 413, 'file_too_large')).body.error.details).toMatchObject({ limit_bytes: 8 * 1024 * 1024 });
    await expectNothingWritten(() => csv(pm, oversized), 413, 'request_too_large');
  });

  it('takes only the part `file`, and CSV only on this route', async () => {
    const only = [{ name: 'file', filename: 'budget.csv', data: `${HEADER}\n03-300,x,1.00,labor\n` }];
    expect(fieldsOf(await expectNothingWritten(() => form(pm, [{ name: 'note', data: 'hi' }, ...only]), 422, 'validation_failed'))).toEqual(['note']);
    expect(fieldsOf(await expectNothingWritten(() => form(pm, [{ ...only[0], name: 'attachments[]' }]), 422, 'validation_failed'))).toEqual(['attachments[]']);
    expect(fieldsOf(await expectNothingWritten(() => form(pm, []), 422, 'validation_failed'))).toEqual(['file']);
    await expectNothingWritten(() => file(pm, 'x', '../budget.csv'), 422, 'unsafe_file_name');
    await expectNothingWritten(() => pm.post(url, { file: HEADER }), 400, 'invalid_request');
    const elsewhere = await pm.request('POST', `/rest/v1.0/projects/${p}/budget/line_items`, { headers: { 'content-type': 'text/csv' }, raw: Buffer.from('a,b\n') });
    expectError(elsewhere, 400, 'invalid_request');
  });

  it('replays an import sent again with the same Idempotency-Key, and refuses the key with another file', async () => {
    const text = `${HEADER}\n03-300,Once,5.00,labor\n`;
    const first = await csv(pm, text, { 'idempotency-key': 'import-once' });
    expect(first.status).toBe(201);
    const before = await written();
    const again = await csv(pm, text, { 'idempotency-key': 'import-once' });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(await written()).toEqual(before);
    await expectNothingWritten(() => csv(pm, `${HEADER}\n03-300,Twice,5.00,labor\n`, { 'idempotency-key': 'import-once' }), 422, 'idempotency_key_reused');
  });

  it('is refused while the budget is locked and for those without the permission', async () => {
    const text = `${HEADER}\n03-300,Not now,1.00,labor\n`;
    expect((await pm.post(`/rest/v1.0/projects/${p}/budget/lock`)).status).toBe(200);
    await expectNothingWritten(() => file(pm, text), 423, 'budget_locked');
    await expectNothingWritten(() => csv(pm, text), 423, 'budget_locked');
    expect((await pm.delete(`/rest/v1.0/projects/${p}/budget/lock`)).status).toBe(200);
    await expectNothingWritten(async () => file(await sb.as('superintendent'), text), 403, 'permission_denied');
    // The subcontractor is on the first project only, and has no access to its budget.
    const sub = await sb.as('subcontractor');
    const first = `/rest/v1.0/projects/${sb.project('first')}/budget/imports`;
    const { body, contentType } = multipartBody([{ name: 'file', filename: 'budget.csv', data: text }]);
    const before = (await t.db.query('SELECT count(*)::int AS n FROM budget_line_items WHERE project_id = $1', [sb.project('first')])).rows[0].n;
    expectError(await sub.request('POST', first, { headers: { 'content-type': contentType }, raw: body }), 403, 'permission_denied');
    expect((await t.db.query('SELECT count(*)::int AS n FROM budget_line_items WHERE project_id = $1', [sb.project('first')])).rows[0].n).toBe(before);
    await expectNothingWritten(() => file(sub, text), 403, 'not_project_member');
  });
});
