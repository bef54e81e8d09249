import { ApiClient } from '../support/api-client';
import { expectError, fieldsOf } from '../support/assertions';
import { TrainingSandbox } from '../support/sandbox';
import { TestApp } from '../support/test-app';

describe('OAuth apps (company_admin.manage_apps)', () => {
  let t: TestApp;
  let api: ApiClient;
  let sb: TrainingSandbox;
  let admin: ApiClient;
  let url: string;

  beforeAll(async () => {
    t = await TestApp.start();
    api = t.client();
    sb = await TrainingSandbox.create(api, 'apps');
    await sb.relaxLimits();
    admin = await sb.as('company_admin');
    url = `/rest/v1.0/companies/${sb.companyId}/apps`;
  });
  afterAll(() => t.stop());

  it('creates a service account app whose secret is shown once and whose tokens act as its own user', async () => {
    const created = await admin.post(url, { name: 'Scheduler Sync', service_account: true });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Scheduler Sync', client_id: expect.stringMatching(/^app-/), client_secret: expect.any(String), service_account_user_id: expect.any(Number) });
    const listed = (await admin.get(url)).body.find((a: { id: number }) => a.id === created.body.id);
    expect(listed.client_secret).toBeUndefined();
    const token = await api.post('/oauth/token', { grant_type: 'client_credentials', client_id: created.body.client_id, client_secret: created.body.client_secret });
    expect(token.status).toBe(200);
    const me = await api.get('/rest/v1.0/me', { token: token.body.access_token });
    expect(me.body.id).toBe(created.body.service_account_user_id);

    expect((await admin.delete(`${url}/${created.body.id}`)).status).toBe(204);
    expect((await api.get('/rest/v1.0/me', { token: token.body.access_token })).status).toBe(401);
    const again = await api.post('/oauth/token', { grant_type: 'client_credentials', client_id: created.body.client_id, client_secret: created.body.client_secret });
    expect(again.status).toBe(401);
  });

  it('refuses bad redirect URIs and an app with neither redirect nor service account', async () => {
    const bad = await admin.post(url, { name: 'Bad', redirect_uris: ['ftp://x/cb', 'not a url', 'https://ok.example/cb#frag'] });
    expectError(bad, 422, 'validation_failed');
    expect(fieldsOf(bad)).toEqual(['redirect_uris[0]', 'redirect_uris[1]', 'redirect_uris[2]']);
    expect(fieldsOf(await admin.post(url, { name: 'Nothing' }))).toEqual(['redirect_uris']);
    expect((await t.db.query(`SELECT count(*)::int AS n FROM oauth_apps WHERE name IN ('Bad', 'Nothing')`)).rows[0].n).toBe(0);
  });

  it('lets only Admin on company Admin manage apps', async () => {
    const pm = await sb.as('gc_project_manager');
    const res = await pm.get(url);
    expectError(res, 403, 'permission_denied');
    expect(res.body.error.details).toMatchObject({ action: 'company_admin.manage_apps', layer: 'general_level' });
  });
});
