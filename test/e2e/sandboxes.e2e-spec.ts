import { ApiClient } from '../support/api-client';
import { PERSONA_KEYS, TrainingSandbox } from '../support/sandbox';
import { TestApp } from '../support/test-app';

describe('sandboxes', () => {
  let t: TestApp;
  let api: ApiClient;

  beforeAll(async () => {
    t = await TestApp.start();
    api = t.client();
  });
  afterAll(() => t.stop());

  it('creates a training sandbox with the six personas, two projects and the API.md templates', async () => {
    const sb = await TrainingSandbox.create(api, 'training');
    expect(sb.info.sandbox_token).toMatch(/^sbx_/);
    expect(sb.info.personas.map((p) => p.key).sort()).toEqual([...PERSONA_KEYS].sort());
    const templates = Object.fromEntries(sb.info.personas.map((p) => [p.key, p.template]));
    expect(templates).toEqual({
      company_admin: 'Company Directory Admin',
      gc_project_manager: 'Project Manager',
      superintendent: 'Superintendent',
      subcontractor: 'Subcontractor',
      architect: 'Architect',
      owner_rep: 'Owner',
    });
    expect(sb.info.projects.map((p) => p.key)).toEqual(['first', 'second']);
    expect(sb.info.apps.map((a) => a.key).sort()).toEqual(['service_account', 'training']);
    expect(sb.info.apps.every((a) => a.client_secret.length > 20)).toBe(true);

    const admin = await sb.as('company_admin');
    const first = await admin.get(`/rest/v1.0/projects/${sb.project('first')}/users`);
    expect(first.body.map((u: { id: number }) => u.id).sort()).toEqual(
      ['gc_project_manager', 'superintendent', 'subcontractor', 'architect', 'owner_rep'].map((k) => sb.userId(k as never)).concat(sb.info.apps.find((a) => a.key === 'service_account')!.user_id!).sort(),
    );
    const second = await admin.get(`/rest/v1.0/projects/${sb.project('second')}/users`);
    expect(second.body.map((u: { id: number }) => u.id).sort()).toEqual(
      ['gc_project_manager', 'superintendent', 'owner_rep'].map((k) => sb.userId(k as never)).sort(),
    );
    const users = await admin.get(`/rest/v1.0/companies/${sb.companyId}/users?filters[ids][]=${sb.userId('subcontractor')}`);
    expect(users.body[0].permission_template.name).toBe('Vendor User');
    expect(users.body[0].vendor.name).toBe('Summit Electrical');
  });

  it('creates a blank sandbox with an administrator and no projects', async () => {
    const res = await api.post('/_sim/sandboxes', { name: 'empty', template: 'blank' });
    expect(res.status).toBe(201);
    expect(res.body.personas.map((p: { key: string }) => p.key)).toEqual(['company_admin']);
    expect(res.body.projects).toEqual([]);
  });

  it('refuses bad sandbox input with 422 naming the fields', async () => {
    const res = await api.post('/_sim/sandboxes', { name: '', template: 'fancy', seed: -1, extra: true });
    expect(res.status).toBe(422);
    expect(res.body.error.details.fields.map((f: { field: string }) => f.field).sort()).toEqual(['extra', 'name', 'seed', 'template']);
  });

  it('resets to the seeded state with the same persona ids and logins, and revokes tokens', async () => {
    const sb = await TrainingSandbox.create(api, 'resettable');
    const admin = await sb.as('company_admin');
    const created = await admin.post(`/rest/v1.0/companies/${sb.companyId}/vendors`, { name: 'Temporary Vendor' });
    expect(created.status).toBe(201);
    await admin.delete(`/rest/v1.0/projects/${sb.project()}/users/${sb.userId('architect')}`);

    const reset = await api.post(`/_sim/sandboxes/${sb.info.id}/actions/reset`);
    expect(reset.status).toBe(200);
    expect(reset.body.personas).toEqual(sb.info.personas.map((p) => ({ ...p, description: expect.any(String), company_template: expect.any(String), name: expect.any(String) })));
    expect(reset.body.projects).toEqual(sb.info.projects);
    expect(reset.body.sandbox_token).toBeUndefined();

    const stale = await admin.get(`/rest/v1.0/companies/${sb.companyId}/vendors`);
    expect(stale.status).toBe(401);
    sb.forget('company_admin');
    const again = await sb.as('company_admin');
    const vendors = await again.get(`/rest/v1.0/companies/${sb.companyId}/vendors`);
    expect(vendors.body.map((v: { name: string }) => v.name)).not.toContain('Temporary Vendor');
    const members = await again.get(`/rest/v1.0/projects/${sb.project()}/users`);
    expect(members.body.map((m: { id: number }) => m.id)).toContain(sb.userId('architect'));

    const trainingApp = sb.info.apps.find((a) => a.key === 'service_account')!;
    const cc = await api.post('/oauth/token', { grant_type: 'client_credentials', client_id: trainingApp.client_id, client_secret: trainingApp.client_secret });
    expect(cc.status).toBe(200);
  });

  it('keeps two sandboxes apart', async () => {
    const a = await TrainingSandbox.create(api, 'a');
    const b = await TrainingSandbox.create(api, 'b');
    expect(a.companyId).not.toBe(b.companyId);
    const aAdmin = await a.as('company_admin');
    const list = await aAdmin.get(`/rest/v1.0/companies/${a.companyId}/users`);
    const emails: string[] = list.body.map((u: { login: string }) => u.login);
    expect(emails.every((e) => e.endsWith(`@sbx${a.info.id}.sitesim.test`))).toBe(true);
    expect((await aAdmin.get(`/rest/v1.0/projects/${b.project()}`)).status).toBe(404);
  });

  it('deletes a sandbox and everything in it', async () => {
    const sb = await TrainingSandbox.create(api, 'doomed');
    const token = await sb.token('gc_project_manager');
    expect((await api.delete(`/_sim/sandboxes/${sb.info.id}`)).status).toBe(204);
    expect((await api.get(`/_sim/sandboxes/${sb.info.id}`)).status).toBe(404);
    expect((await api.get('/rest/v1.0/me', { token })).status).toBe(401);
    const left = await t.db.query('SELECT count(*)::int AS n FROM users WHERE company_id = $1', [sb.companyId]);
    expect(left.rows[0].n).toBe(0);
  });

  it('validates settings and applies partial updates', async () => {
    const sb = await TrainingSandbox.create(api, 'settings');
    const ok = await api.patch(`/_sim/sandboxes/${sb.info.id}/settings`, { edge_cache: { enabled: true }, require_if_match: true });
    expect(ok.status).toBe(200);
    expect(ok.body.edge_cache).toEqual({ enabled: true, ttl_seconds: 60 });
    expect(ok.body.rate_limit).toEqual({ hourly: 3600, spike_10s: 100 });
    const bad = await api.patch(`/_sim/sandboxes/${sb.info.id}/settings`, {
      latency_profile: 'slow',
      rate_limit: { hourly: 0, burst: 3 },
      nope: 1,
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.fields.map((f: { field: string }) => f.field).sort()).toEqual(['latency_profile', 'nope', 'rate_limit.burst', 'rate_limit.hourly']);
    const after = await api.get(`/_sim/sandboxes/${sb.info.id}/settings`);
    expect(after.body.latency_profile).toBe('realistic');
  });
});

describe('simulator controls when they are not open', () => {
  const OPERATOR = 'operator-token-for-tests-0123456789';
  let t: TestApp;
  let api: ApiClient;
  let a: Record<string, any>;
  let b: Record<string, any>;

  beforeAll(async () => {
    t = await TestApp.start({ env: { SIM_OPEN_CONTROLS: 'false', SIM_OPERATOR_TOKEN: OPERATOR } });
    api = t.client();
    a = (await api.post('/_sim/sandboxes', { name: 'a', template: 'training' }, { token: OPERATOR })).body;
    b = (await api.post('/_sim/sandboxes', { name: 'b', template: 'blank' }, { token: OPERATOR })).body;
  });
  afterAll(() => t.stop());

  it('refuses a call without a token with 401', async () => {
    const res = await api.get(`/_sim/sandboxes/${a.id}`);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthenticated');
  });

  it('refuses a platform access token: it is not enough', async () => {
    const persona = a.personas[0];
    const login = await api.post('/oauth/token', { grant_type: 'password', username: persona.email, password: persona.password });
    const res = await api.get(`/_sim/sandboxes/${a.id}`, { token: login.body.access_token });
    expect(res.status).toBe(401);
  });

  it("lets a sandbox token manage its own sandbox and refuses another sandbox's with 403", async () => {
    expect((await api.get(`/_sim/sandboxes/${a.id}`, { token: a.sandbox_token })).status).toBe(200);
    const res = await api.post(`/_sim/sandboxes/${b.id}/actions/reset`, undefined, { token: a.sandbox_token });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('permission_denied');
  });

  it('lets only the operator create sandboxes', async () => {
    const res = await api.post('/_sim/sandboxes', { name: 'c', template: 'blank' }, { token: a.sandbox_token });
    expect(res.status).toBe(403);
  });

  it('shows a sandbox token only its own sandbox in the list', async () => {
    const res = await api.get('/_sim/sandboxes', { token: b.sandbox_token });
    expect(res.body.map((s: { id: number }) => s.id)).toEqual([b.id]);
  });

  it('shows the queue board to the operator only', async () => {
    expect((await api.get('/_sim/queues/ui')).status).toBe(401);
    expect((await api.get('/_sim/queues/ui', { token: b.sandbox_token })).status).toBe(403);
    const board = await api.get(`/_sim/queues/ui?token=${OPERATOR}`);
    expect(board.status).toBe(200);
    expect(board.text).toMatch(/<html/i);
  });

  it('rotates credentials: the old sandbox token and app secret stop working', async () => {
    const rotated = await api.post(`/_sim/sandboxes/${a.id}/actions/rotate_credentials`, undefined, { token: a.sandbox_token });
    expect(rotated.status).toBe(200);
    expect(rotated.body.sandbox_token).not.toBe(a.sandbox_token);
    expect((await api.get(`/_sim/sandboxes/${a.id}`, { token: a.sandbox_token })).status).toBe(401);
    expect((await api.get(`/_sim/sandboxes/${a.id}`, { token: rotated.body.sandbox_token })).status).toBe(200);
    const oldApp = a.apps.find((x: { key: string }) => x.key === 'service_account');
    const newApp = rotated.body.apps.find((x: { key: string }) => x.key === 'service_account');
    expect((await api.post('/oauth/token', { grant_type: 'client_credentials', client_id: oldApp.client_id, client_secret: oldApp.client_secret })).status).toBe(401);
    expect((await api.post('/oauth/token', { grant_type: 'client_credentials', client_id: newApp.client_id, client_secret: newApp.client_secret })).status).toBe(200);
  });
});
