import { ApiClient } from '../support/api-client';
import { TrainingSandbox } from '../support/sandbox';
import { TestApp } from '../support/test-app';

describe('a training sandbox end to end', () => {
  let t: TestApp;
  let api: ApiClient;
  let sb: TrainingSandbox;

  beforeAll(async () => {
    t = await TestApp.start();
    api = t.client();
    sb = await TrainingSandbox.create(api);
  });
  afterAll(() => t.stop());

  it('signs a persona in and answers /me with the company', async () => {
    const pm = await sb.as('gc_project_manager');
    const me = await pm.get('/rest/v1.0/me');
    expect(me.status).toBe(200);
    expect(me.body).toEqual({
      id: sb.userId('gc_project_manager'),
      login: sb.persona('gc_project_manager').email,
      name: 'Morgan Reyes',
      company_ids: [sb.companyId],
    });
  });

  it('answers health with every dependency up', async () => {
    const res = await api.get('/health');
    expect(res.status).toBe(200);
    expect(res.body.checks.postgres.ok).toBe(true);
    expect(res.body.checks.redis.ok).toBe(true);
  });
});

describe('docs and metrics', () => {
  let t: TestApp;
  let api: ApiClient;
  beforeAll(async () => {
    t = await TestApp.start();
    api = t.client();
  });
  afterAll(() => t.stop());

  it('serves Swagger UI and an OpenAPI document that names each operation’s action and who may perform it', async () => {
    const ui = await api.get('/docs');
    expect(ui.status).toBe(200);
    expect(String(ui.headers['content-type'])).toContain('text/html');
    const doc = await api.get('/docs/openapi.json');
    expect(doc.status).toBe(200);
    const op = doc.body.paths['/rest/v1.0/projects/{project_id}/users'].post;
    expect(op.description).toContain('`directory.add_user`');
    expect(op.description).toContain("granular 'directory.add_from_company_directory'");
  });

  it('exports request durations by route pattern', async () => {
    await api.get('/health');
    const metrics = await api.get('/metrics');
    expect(metrics.text).toMatch(/sitesim_http_request_duration_seconds_count\{method="GET",route="\/health",status="200"\} [1-9]/);
  });
});
