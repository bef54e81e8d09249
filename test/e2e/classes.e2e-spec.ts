import { ApiClient } from '../support/api-client';
import { expectError, fieldsOf } from '../support/assertions';
import { TestApp } from '../support/test-app';

/** Training classes: a sandbox per trainee in one request, one class token, who is signed in, reset and delete. */
describe('training classes', () => {
  let t: TestApp;
  let api: ApiClient;
  let closed: TestApp;
  let closedApi: ApiClient;
  const OPERATOR = 'operator-token-for-classes-0123456789';

  beforeAll(async () => {
    t = await TestApp.start();
    api = t.client();
    // A second app on the same database whose controls are not open: tokens decide there.
    closed = await TestApp.start({ sharing: t, workers: false, env: { SIM_OPEN_CONTROLS: 'false', SIM_OPERATOR_TOKEN: OPERATOR } });
    closedApi = closed.client();
  });
  afterAll(async () => {
    await closed?.stop();
    await t?.stop();
  });

  const sandboxCount = async () => Number((await t.db.query('SELECT count(*) FROM sandboxes')).rows[0].count);
  const signIn = async (email: string, password: string, clientId?: string) =>
    api.post('/oauth/token', { grant_type: 'password', username: email, password, ...(clientId ? { client_id: clientId } : {}) });

  it('refuses a class of 0 or 500 trainees with a clear error, and makes nothing', async () => {
    const before = await sandboxCount();
    for (const trainees of [0, 500, 2.5]) {
      const res = await api.post('/_sim/classes', { name: 'Too big', trainees });
      expectError(res, 422, 'validation_failed');
      expect(fieldsOf(res)).toEqual(['trainees']);
    }
    expect((await api.post('/_sim/classes', { name: 'Too big', trainees: 500 })).body.error.details.fields[0].message).toMatch(/at most 30/);
    expect((await api.post('/_sim/classes', { name: 'Nobody', trainees: 0 })).body.error.details.fields[0].message).toMatch(/at least 1/);
    expect(fieldsOf(await api.post('/_sim/classes', { name: '  ', trainees: 2 }))).toEqual(['name']);
    expect(fieldsOf(await api.post('/_sim/classes', { name: 'x', trainees: 2, extra: true }))).toEqual(['extra']);
    expect(await sandboxCount()).toBe(before);
  });

  it('makes a sandbox per trainee with its logins and token, and says who is signed in through the training app', async () => {
    const created = await api.post('/_sim/classes', { name: 'Monday onboarding', trainees: 3 });
    expect(created.status).toBe(201);
    expect(created.headers.location).toMatch(new RegExp(`/_sim/classes/${created.body.id}$`));
    expect(created.body.class_token).toMatch(/^cls_/);
    expect(created.body.trainees.map((x: { trainee: number }) => x.trainee)).toEqual([1, 2, 3]);
    const ids = created.body.trainees.map((x: { sandbox_id: number }) => x.sandbox_id);
    expect(new Set(ids).size).toBe(3);
    const first = created.body.trainees[0];
    expect(first).toMatchObject({ sandbox_name: 'Monday onboarding · trainee 1', client_id: `sbx${first.sandbox_id}-training`, signed_in: [], sandbox_token: expect.stringMatching(/^sbx_/) });
    expect(first.personas.map((p: { key: string }) => p.key)).toContain('subcontractor');

    const asClass = closedApi.as(created.body.class_token);
    const read = await asClass.get(`/_sim/classes/${created.body.id}`);
    expect(read.status).toBe(200);
    expect(read.body.trainees).toHaveLength(3);
    expect(read.body.trainees[0]).not.toHaveProperty('sandbox_token');
    expect((await asClass.get('/_sim/classes')).body).toEqual([{ id: created.body.id, name: 'Monday onboarding', trainees: 3, created_at: expect.any(String) }]);

    const sheet = await asClass.get(`/_sim/classes/${created.body.id}/logins`);
    const sub = sheet.body.trainees[1].personas.find((p: { key: string }) => p.key === 'subcontractor');
    expect(sub).toEqual({ key: 'subcontractor', name: expect.any(String), email: expect.stringContaining(`@sbx${ids[1]}.`), password: expect.any(String), template: 'Subcontractor' });

    // Signed in through the training app: listed; a script's password grant without the app is not a console session.
    const token = await signIn(sub.email, sub.password, sheet.body.trainees[1].client_id);
    expect(token.status).toBe(200);
    await signIn(sub.email, sub.password);
    const after = await asClass.get(`/_sim/classes/${created.body.id}`);
    expect(after.body.trainees[0].signed_in).toEqual([]);
    expect(after.body.trainees[1].signed_in).toEqual([
      { persona: 'subcontractor', user_id: sub && expect.any(Number), name: sub.name, signed_in_at: expect.any(String), expires_at: expect.any(String), last_activity_at: expect.any(String) },
    ]);

    // Revoked, or expired on the sandbox's clock: no longer signed in.
    await api.post('/oauth/revoke', { token: token.body.access_token });
    expect((await asClass.get(`/_sim/classes/${created.body.id}`)).body.trainees[1].signed_in).toEqual([]);
    await signIn(sub.email, sub.password, sheet.body.trainees[1].client_id);
    expect((await asClass.get(`/_sim/classes/${created.body.id}`)).body.trainees[1].signed_in).toHaveLength(1);
    await api.post(`/_sim/sandboxes/${ids[1]}/clock/actions/advance`, { seconds: 5401 });
    expect((await asClass.get(`/_sim/classes/${created.body.id}`)).body.trainees[1].signed_in).toEqual([]);
  }, 60000);

  it('keeps a class token to its own class, and the class routes to the operator or that token', async () => {
    const a = await api.post('/_sim/classes', { name: 'A', trainees: 1 });
    const b = await api.post('/_sim/classes', { name: 'B', trainees: 1 });
    const asA = closedApi.as(a.body.class_token);
    expectError(await asA.get(`/_sim/classes/${b.body.id}`), 403, 'permission_denied');
    expectError(await asA.post(`/_sim/classes/${b.body.id}/actions/reset`), 403, 'permission_denied');
    // Not a way into the sandboxes' own controls, nor into creating classes.
    expectError(await asA.get(`/_sim/sandboxes/${a.body.trainees[0].sandbox_id}`), 403, 'permission_denied');
    expectError(await asA.get('/_sim/faults'), 403, 'permission_denied');
    expectError(await asA.post('/_sim/classes', { name: 'C', trainees: 1 }), 403, 'permission_denied');
    // A trainee sandbox's own token drives that sandbox, not the class.
    const sbx = closedApi.as(a.body.trainees[0].sandbox_token);
    expect((await sbx.get(`/_sim/sandboxes/${a.body.trainees[0].sandbox_id}`)).status).toBe(200);
    expectError(await sbx.get(`/_sim/classes/${a.body.id}`), 403, 'permission_denied');
    expectError(await closedApi.get(`/_sim/classes/${a.body.id}`), 401, 'unauthenticated');
    expect((await closedApi.as(OPERATOR).get(`/_sim/classes/${b.body.id}`)).status).toBe(200);
    expectError(await closedApi.as(OPERATOR).get('/_sim/classes/999999'), 404, 'not_found');
  }, 60000);

  it('resets or deletes one trainee or the whole class', async () => {
    const c = await api.post('/_sim/classes', { name: 'Reset me', trainees: 2 });
    const [one, two] = c.body.trainees;
    const pm = one.personas.find((p: { key: string }) => p.key === 'gc_project_manager');
    const session = await signIn(pm.email, pm.password, one.client_id);
    const project = one.projects.find((p: { key: string }) => p.key === 'first').id;
    const rfi = await api.as(session.body.access_token, one.company_id).post(`/rest/v1.0/projects/${project}/rfis`, { subject: 'Made in class', question: 'Kept?', rfi_manager_id: pm.user_id });
    expect(rfi.status).toBe(201);

    const reset = await api.post(`/_sim/classes/${c.body.id}/trainees/1/actions/reset`);
    expect(reset.status).toBe(200);
    expect(reset.body).toMatchObject({ trainee: 1, sandbox_id: one.sandbox_id, signed_in: [] });
    expectError(await api.as(session.body.access_token, one.company_id).get(`/rest/v1.0/projects/${project}/rfis/${rfi.body.id}`), 401, 'unauthenticated');
    // Same logins after the reset.
    expect((await signIn(pm.email, pm.password, one.client_id)).status).toBe(200);

    const all = await api.post(`/_sim/classes/${c.body.id}/actions/reset`);
    expect(all.body.trainees.map((x: { signed_in: unknown[] }) => x.signed_in)).toEqual([[], []]);

    // A trainee's drill sandbox goes with theirs.
    const sub2 = two.personas.find((p: { key: string }) => p.key === 'subcontractor');
    const subToken = (await signIn(sub2.email, sub2.password, two.client_id)).body.access_token;
    const drill = await api.post('/_sim/training/drills', { scenario: 'tool_hidden' }, { token: subToken });
    expect(drill.status).toBe(201);
    const drillSandbox = (await t.db.query('SELECT sandbox_id FROM scenario_runs WHERE id = $1', [drill.body.id])).rows[0].sandbox_id;
    expect((await api.delete(`/_sim/classes/${c.body.id}/trainees/2`)).status).toBe(204);
    expectError(await api.get(`/_sim/sandboxes/${drillSandbox}`), 404, 'not_found');
    expectError(await api.get(`/_sim/sandboxes/${two.sandbox_id}`), 404, 'not_found');
    expect((await api.get(`/_sim/classes/${c.body.id}`)).body.trainees.map((x: { trainee: number }) => x.trainee)).toEqual([1]);
    expectError(await api.delete(`/_sim/classes/${c.body.id}/trainees/2`), 404, 'not_found');

    expect((await api.delete(`/_sim/classes/${c.body.id}`)).status).toBe(204);
    expectError(await api.get(`/_sim/sandboxes/${one.sandbox_id}`), 404, 'not_found');
    expectError(await closedApi.as(c.body.class_token).get(`/_sim/classes/${c.body.id}`), 401, 'unauthenticated');
  }, 90000);
});
