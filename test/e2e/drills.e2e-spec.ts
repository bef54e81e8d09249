import { ApiClient } from '../support/api-client';
import { expectError, fieldsOf } from '../support/assertions';
import { TrainingSandbox } from '../support/sandbox';
import { TestApp } from '../support/test-app';

/** Drills: a trainee runs a scenario with their own persona token, sees symptom, findings and fix, and applies it. */
describe('training drills', () => {
  let t: TestApp;
  let api: ApiClient;
  let sb: TrainingSandbox;
  let sub: ApiClient;

  beforeAll(async () => {
    t = await TestApp.start();
    api = t.client();
    sb = await TrainingSandbox.create(api, 'drills');
    sub = await sb.as('subcontractor');
  });
  afterAll(() => t.stop());

  it('lists the catalogue by number and title, without the causes to find', async () => {
    const res = await sub.get('/_sim/training/scenarios');
    expect(res.status).toBe(200);
    expect(res.body[0]).toEqual({ key: 'budget_change_order_pending', number: 1, title: expect.any(String) });
    expect(res.body.length).toBe((await api.get('/_sim/scenarios')).body.length);
  });

  it('runs scenario 1 in a sandbox of its own, shows the symptom and findings, and its fix removes the symptom', async () => {
    const before = Number((await t.db.query('SELECT count(*) FROM sandboxes')).rows[0].count);
    const run = await sub.post('/_sim/training/drills', { scenario: 'budget_change_order_pending' });
    expect(run.status).toBe(201);
    expect(run.body).toMatchObject({ scenario: 'budget_change_order_pending', number: 1, status: 'symptom_shown', symptom: { present: true }, fix_performed: [], resolved: null, fixed_at: null });
    expect(run.body.findings[0].cause).toBe('change_order_not_approved');
    expect(run.body.fix_steps.length).toBeGreaterThan(0);
    expect(run.text).not.toMatch(/sbx_/);
    expect(Number((await t.db.query('SELECT count(*) FROM sandboxes')).rows[0].count)).toBe(before + 1);
    // the trainee's own sandbox is untouched by it
    expect((await t.db.query('SELECT count(*) FROM change_orders WHERE company_id = $1', [sb.companyId])).rows[0].count).toBe('3');

    const fixed = await sub.post(`/_sim/training/drills/${run.body.id}/actions/fix`);
    expect(fixed.status).toBe(200);
    expect(fixed.body).toMatchObject({ status: 'resolved', resolved: true, symptom_after: { present: false } });
    expect(fixed.body.fix_performed.length).toBeGreaterThan(0);
    expectError(await sub.post(`/_sim/training/drills/${run.body.id}/actions/fix`), 422, 'invalid_transition');
    expect((await sub.get('/_sim/training/drills')).body.map((d: { id: number }) => d.id)).toEqual([run.body.id]);
  }, 90000);

  it("keeps a drill to its trainee's sandbox, and refuses bad input", async () => {
    const run = await sub.post('/_sim/training/drills', { scenario: 'tool_hidden' });
    const other = await TrainingSandbox.create(api, 'other trainee');
    const them = await other.as('subcontractor');
    expectError(await them.get(`/_sim/training/drills/${run.body.id}`), 404, 'not_found');
    expectError(await them.post(`/_sim/training/drills/${run.body.id}/actions/fix`), 404, 'not_found');
    expect((await them.get('/_sim/training/drills')).body).toEqual([]);
    expect(fieldsOf(await sub.post('/_sim/training/drills', { scenario: 'no_such_scenario' }))).toEqual(['scenario']);
    expect(fieldsOf(await sub.post('/_sim/training/drills', { scenario: 'Bad Key!' }))).toEqual(['scenario']);
    expect([...new Set(fieldsOf(await sub.post('/_sim/training/drills', {})))]).toEqual(['scenario']);
    expectError(await api.post('/_sim/training/drills', { scenario: 'tool_hidden' }), 401, 'unauthenticated');
    const blank = await api.post('/_sim/sandboxes', { name: 'blank', template: 'blank' });
    const admin = blank.body.personas[0];
    const token = (await api.post('/oauth/token', { grant_type: 'password', username: admin.email, password: admin.password })).body.access_token;
    expectError(await api.post('/_sim/training/drills', { scenario: 'tool_hidden' }, { token }), 403, 'permission_denied');
  }, 90000);

  it('keeps the newest five drills, deleting the oldest with its sandbox', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) ids.push((await sub.post('/_sim/training/drills', { scenario: 'tool_hidden' })).body.id);
    const kept = (await sub.get('/_sim/training/drills')).body.map((d: { id: number }) => d.id);
    expect(kept).toEqual([...ids].reverse());
    const drillSandboxes = Number((await t.db.query(`SELECT count(*) FROM sandboxes WHERE name LIKE 'scenario %'`)).rows[0].count);
    // only the five kept still have their sandboxes
    expect(drillSandboxes).toBe(5);
  }, 120000);
});
