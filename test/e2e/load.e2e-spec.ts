import { ApiClient } from '../support/api-client';
import { expectError, fieldsOf } from '../support/assertions';
import { Receiver } from '../support/receiver';
import { TrainingSandbox } from '../support/sandbox';
import { TestApp } from '../support/test-app';

describe('simulated load', () => {
  let t: TestApp;
  let api: ApiClient;
  let sb: TrainingSandbox;
  let admin: ApiClient;
  let receiver: Receiver;
  let token: { token: string };

  beforeAll(async () => {
    t = await TestApp.start();
    api = t.client();
    sb = await TrainingSandbox.create(api, 'load');
    await sb.relaxLimits();
    await api.patch(`/_sim/sandboxes/${sb.info.id}/settings`, { latency_profile: 'instant' });
    admin = await sb.as('company_admin');
    receiver = await Receiver.start();
    token = { token: sb.info.sandbox_token };
  });
  afterAll(async () => {
    await receiver.stop();
    await t.stop();
  });
  afterEach(async () => {
    await api.delete('/_sim/load', token);
  });

  it.each([
    [{ backlog_jobs: -1, worker_slowdown: 1, http_503_rate: 0 }, 'backlog_jobs'],
    [{ backlog_jobs: 10, worker_slowdown: 0, http_503_rate: 0 }, 'worker_slowdown'],
    [{ backlog_jobs: 10, worker_slowdown: 1, http_503_rate: 1.5 }, 'http_503_rate'],
    [{ backlog_jobs: 10, worker_slowdown: 1, http_503_rate: 0, queue: 'mail' }, 'queue'],
  ])('refuses %j with 422 naming %s', async (body, field) => {
    const res = await api.post('/_sim/load', body, token);
    expectError(res, 422, 'validation_failed');
    expect(fieldsOf(res)).toContain(field);
  });

  it('takes every field as optional: an omitted one is its documented default', async () => {
    const started = await api.post('/_sim/load', { backlog_jobs: 0, http_503_rate: 1, project_id: sb.project('first') }, token);
    expect(started.status).toBe(200);
    expect(started.body).toMatchObject({ active: true, backlog_jobs: 0, worker_slowdown: 1, http_503_rate: 1, queue: 'all', project_id: sb.project('first') });
    expectError(await admin.get(`/rest/v1.0/projects/${sb.project('first')}`), 503, 'system_overloaded');

    const empty = await api.post('/_sim/load', {}, token);
    expect(empty.status).toBe(200);
    expect(empty.body).toMatchObject({ active: true, backlog_jobs: 0, worker_slowdown: 1, http_503_rate: 0, project_id: null });
    expect((await admin.get(`/rest/v1.0/projects/${sb.project('first')}`)).status).toBe(200);
  });

  it('makes an update wait behind a real backlog, named by diagnose, until the backlog drains', async () => {
    const p1 = sb.project();
    const hook = await admin.post(`/rest/v1.0/projects/${p1}/webhooks/hooks`, { namespace: 'load', destination_url: receiver.url });
    await admin.post(`/rest/v1.0/projects/${p1}/webhooks/hooks/${hook.body.id}/triggers`, { resource_name: 'Projects', event_type: 'update' });
    const started = await api.post('/_sim/load', { backlog_jobs: 400, worker_slowdown: 1, http_503_rate: 0, queue: 'webhooks' }, token);
    expect(started.status).toBe(200);
    expect(started.body.queues.webhooks.waiting + started.body.queues.webhooks.active).toBeGreaterThan(100);

    expect((await admin.patch(`/rest/v1.0/projects/${p1}`, { address: '400 Backlog Boulevard' })).status).toBe(200);
    const diagnosis = await api.get(`/_sim/diagnose?project_id=${p1}&symptom=not_updating`, token);
    const load = diagnosis.body.findings.find((f: { cause: string }) => f.cause === 'system_load');
    expect(load.evidence.total).toBeGreaterThan(100);
    expect(receiver.received).toHaveLength(0);

    const settled = await api.post(`/_sim/settle?project_id=${p1}&timeout_ms=60000`, undefined, token);
    expect(settled.status).toBe(200);
    expect(receiver.received).toHaveLength(1);
    await admin.delete(`/rest/v1.0/projects/${p1}/webhooks/hooks/${hook.body.id}`);
  }, 90000);

  it('refuses the loaded project’s requests with 503 system_overloaded and Retry-After, and stops when the load ends', async () => {
    await api.post('/_sim/load', { backlog_jobs: 0, worker_slowdown: 1, http_503_rate: 1, project_id: sb.project('first') }, token);
    const refused = await admin.get(`/rest/v1.0/projects/${sb.project('first')}`);
    expectError(refused, 503, 'system_overloaded');
    expect(refused.headers['retry-after']).toBe('2');
    expect((await admin.get(`/rest/v1.0/projects/${sb.project('second')}`)).status).toBe(200);
    const state = await api.get('/_sim/load', token);
    expect(state.body).toMatchObject({ active: true, http_503_rate: 1, project_id: sb.project('first') });
    expect((await api.delete('/_sim/load', token)).status).toBe(204);
    expect((await admin.get(`/rest/v1.0/projects/${sb.project('first')}`)).status).toBe(200);
    expect((await api.get('/_sim/load', token)).body.active).toBe(false);
  });

  it('refuses a share of requests that is reproducible for the same seed', async () => {
    async function pattern(): Promise<number[]> {
      await api.post('/_sim/load', { backlog_jobs: 0, worker_slowdown: 1, http_503_rate: 0.4 }, token);
      const out: number[] = [];
      for (let i = 0; i < 20; i++) out.push((await admin.get('/rest/v1.0/me')).status);
      await api.delete('/_sim/load', token);
      return out;
    }
    const a = await pattern();
    expect(a).toEqual(await pattern());
    expect(a.filter((s) => s === 503).length).toBeGreaterThan(2);
    expect(a.filter((s) => s === 200).length).toBeGreaterThan(2);
  });
});
