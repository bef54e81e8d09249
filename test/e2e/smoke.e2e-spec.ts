import { hostname } from 'node:os';
import { DataSource } from 'typeorm';
import { ApiClient } from '../support/api-client';
import { expectError } from '../support/assertions';
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
    // One process runs the API and the jobs here (SIM_ROLE=all), and says so.
    expect(res.body.process).toEqual({ name: 'all', role: 'all', pid: process.pid, host: hostname() });
    expect(res.headers['x-sim-process']).toBe(`all/${process.pid}@${hostname()}`);
  });

  it('answers health 503 service_unavailable, naming the dependency that failed, and 200 again once it is back', async () => {
    const db = t.app.get(DataSource);
    const query = db.query.bind(db);
    const spy = jest.spyOn(db, 'query').mockImplementation(((sql: string, ...rest: unknown[]) =>
      sql === 'SELECT 1' ? Promise.reject(new Error('connection refused')) : query(sql, ...(rest as []))) as typeof db.query);
    try {
      const res = await api.get('/health');
      expectError(res, 503, 'service_unavailable');
      expect(res.headers['retry-after']).toBe('2');
      expect(res.body.error.message).toContain('postgres (connection refused)');
      expect(res.body.error.details).toMatchObject({ status: 'degraded', checks: { postgres: { ok: false, error: 'connection refused' }, redis: { ok: true }, queues: { ok: true } } });
    } finally {
      spy.mockRestore();
    }
    expect((await api.get('/health')).status).toBe(200);
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
    // Whose metrics these are, where several processes answer on one port.
    expect(metrics.text).toContain(`sitesim_process_info{name="all",role="all",pid="${process.pid}",host="${hostname()}"} 1`);
    expect(metrics.headers['x-sim-process']).toBe(`all/${process.pid}@${hostname()}`);
  });

  it('answers health and metrics to any Accept that admits their type, and 406 not_acceptable to one that does not', async () => {
    for (const accept of ['*/*', 'application/json', 'application/*;q=0.5, text/html']) {
      expect((await api.get('/health', { headers: { accept } })).status).toBe(200);
    }
    const html = await api.get('/health', { headers: { accept: 'text/html' } });
    expectError(html, 406, 'not_acceptable');
    expect(html.body.error.details).toEqual({ accept: 'text/html', available: ['application/json'] });
    expectError(await api.get('/health', { headers: { accept: 'application/json;q=0, */*' } }), 406, 'not_acceptable');

    const prometheus = 'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';
    for (const accept of [prometheus, 'text/plain', 'text/*']) {
      const res = await api.get('/metrics', { headers: { accept } });
      expect(res.status).toBe(200);
      expect(String(res.headers['content-type'])).toMatch(/^text\/plain; version=0\.0\.4/);
    }
    const json = await api.get('/metrics', { headers: { accept: 'application/json' } });
    expectError(json, 406, 'not_acceptable');
    expect(json.body.error.details.available).toEqual(['text/plain']);
  });
});
