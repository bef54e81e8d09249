import { ApiClient } from '../support/api-client';
import { expectError, fieldsOf } from '../support/assertions';
import { Receiver } from '../support/receiver';
import { TrainingSandbox } from '../support/sandbox';
import { TestApp } from '../support/test-app';

describe('fault rules', () => {
  let t: TestApp;
  let api: ApiClient;
  let sb: TrainingSandbox;
  let other: TrainingSandbox;
  let admin: ApiClient;
  let receiver: Receiver;
  let p1: number;

  beforeAll(async () => {
    t = await TestApp.start();
    api = t.client();
    sb = await TrainingSandbox.create(api, 'faults');
    other = await TrainingSandbox.create(api, 'faults-other');
    await sb.relaxLimits();
    await api.patch(`/_sim/sandboxes/${sb.info.id}/settings`, { latency_profile: 'instant' });
    admin = await sb.as('company_admin');
    receiver = await Receiver.start();
    p1 = sb.project('first');
  });
  afterAll(async () => {
    await receiver.stop();
    await t.stop();
  });
  afterEach(async () => {
    for (const rule of (await api.get('/_sim/faults', { token: sb.info.sandbox_token })).body) {
      await api.delete(`/_sim/faults/${rule.id}`, { token: sb.info.sandbox_token });
    }
    for (const hook of (await admin.get(`/rest/v1.0/projects/${p1}/webhooks/hooks`)).body) {
      await admin.delete(`/rest/v1.0/projects/${p1}/webhooks/hooks/${hook.id}`);
    }
    receiver.received.length = 0;
  });

  const rule = (body: Record<string, unknown>) => api.post('/_sim/faults', body, { token: sb.info.sandbox_token });

  async function deliveryOnNextProjectEdit(address: string): Promise<{ hookId: number }> {
    const hook = await admin.post(`/rest/v1.0/projects/${p1}/webhooks/hooks`, { namespace: 'faults', destination_url: receiver.url });
    await admin.post(`/rest/v1.0/projects/${p1}/webhooks/hooks/${hook.body.id}/triggers`, { resource_name: 'Projects', event_type: 'update' });
    expect((await admin.patch(`/rest/v1.0/projects/${p1}`, { address })).status).toBe(200);
    return { hookId: hook.body.id };
  }

  it.each([
    [{ target: 'job', effect: 'explode', probability: 1 }, ['effect']],
    [{ target: 'job', effect: 'fail', probability: 1.5 }, ['probability']],
    [{ target: 'job', effect: 'fail', probability: -0.1 }, ['probability']],
    [{ target: 'job', effect: 'delay', probability: 1, delay_ms: -5 }, ['delay_ms']],
    [{ target: 'job', effect: 'delay', probability: 1 }, ['delay_ms']],
    [{ target: 'job', effect: 'fail', probability: 1, route: '/rest/v1.0/me' }, ['route']],
    [{ target: 'job', effect: 'fail', probability: 1, job_name: 'nope.never' }, ['job_name']],
    [{ target: 'http', effect: 'http_error', probability: 1 }, ['status']],
    [{ target: 'http', effect: 'drop', probability: 1 }, ['effect']],
    [{ target: 'http', effect: 'http_error', status: 700, probability: 1 }, ['status']],
    [{ target: 'satellite', effect: 'fail', probability: 1 }, ['target']],
  ])('refuses %j with 422 naming %j', async (body, fields) => {
    const res = await rule(body);
    expectError(res, 422, 'validation_failed');
    expect(fieldsOf(res)).toEqual(expect.arrayContaining(fields));
  });

  it('needs a sandbox for a rule made with open controls, and keeps a sandbox token to its own sandbox', async () => {
    const open = await api.post('/_sim/faults', { target: 'job', effect: 'fail', probability: 1 });
    expect(fieldsOf(open)).toEqual(['sandbox_id']);
    const theirs = await rule({ target: 'job', effect: 'fail', probability: 1, project_id: other.project() });
    expect(fieldsOf(theirs)).toEqual(['project_id']);
    const wrong = await rule({ target: 'job', effect: 'fail', probability: 1, sandbox_id: other.info.id });
    expectError(wrong, 403, 'permission_denied');
    const mine = await rule({ target: 'job', effect: 'fail', probability: 1 });
    expect(mine.status).toBe(201);
    const listed = await api.get('/_sim/faults', { token: other.info.sandbox_token });
    expect(listed.body.map((r: { id: number }) => r.id)).not.toContain(mine.body.id);
    expectError(await api.delete(`/_sim/faults/${mine.body.id}`, { token: other.info.sandbox_token }), 404, 'not_found');
  });

  it('infers the sandbox from user_id or project_id when open controls name no sandbox_id', async () => {
    const byUser = await api.post('/_sim/faults', { target: 'http', route: '/rest/v1.0/me', effect: 'http_error', status: 502, probability: 1, user_id: sb.userId('architect') });
    expect(byUser.status).toBe(201);
    expect(byUser.body).toMatchObject({ user_id: sb.userId('architect'), active: true });
    const mine = (await api.get('/_sim/faults', { token: sb.info.sandbox_token })).body.map((r: { id: number }) => r.id);
    expect(mine).toContain(byUser.body.id);
    expectError(await (await sb.as('architect')).get('/rest/v1.0/me'), 502, expect.any(String));
    expect((await (await sb.as('company_admin')).get('/rest/v1.0/me')).status).toBe(200);

    const byProject = await api.post('/_sim/faults', { target: 'job', effect: 'fail', probability: 1, project_id: p1 });
    expect(byProject.status).toBe(201);
    expect((await api.get('/_sim/faults', { token: sb.info.sandbox_token })).body.map((r: { id: number }) => r.id)).toContain(byProject.body.id);
  });

  it('refuses a user_id and a project_id of two different sandboxes, and a user of another sandbox with a sandbox token', async () => {
    const mixed = await api.post('/_sim/faults', { target: 'job', effect: 'fail', probability: 1, project_id: p1, user_id: other.userId('architect') });
    expectError(mixed, 422, 'validation_failed');
    expect(fieldsOf(mixed)).toEqual(['user_id']);
    const theirs = await rule({ target: 'job', effect: 'fail', probability: 1, user_id: other.userId('architect') });
    expect(fieldsOf(theirs)).toEqual(['user_id']);
    const unknown = await api.post('/_sim/faults', { target: 'job', effect: 'fail', probability: 1, user_id: 999_999_999 });
    expect(fieldsOf(unknown)).toEqual(['user_id']);
  });

  it('fails a job through the real retry path, then lets it succeed once the rule is spent', async () => {
    const created = await rule({ target: 'job', job_name: 'webhooks.deliver', effect: 'fail', probability: 1, count: 2 });
    expect(created.body).toMatchObject({ queue: 'webhooks', remaining: 2, active: true });
    const { hookId } = await deliveryOnNextProjectEdit('1 Fault Lane');
    expect((await api.post(`/_sim/settle?project_id=${p1}&timeout_ms=20000`)).status).toBe(200);

    expect(receiver.received).toHaveLength(1);
    const [delivery] = (await admin.get(`/rest/v1.0/projects/${p1}/webhooks/hooks/${hookId}/deliveries`)).body;
    expect(delivery.status).toBe('delivered');
    const job = (await api.get(`/_sim/jobs?project_id=${p1}`)).body.find((j: { payload: { deliveryId?: number } }) => j.payload.deliveryId === delivery.id);
    expect(job).toMatchObject({ state: 'completed', attempts_made: 3 });
    const [spent] = (await api.get('/_sim/faults', { token: sb.info.sandbox_token })).body;
    expect(spent).toMatchObject({ hits: 2, remaining: 0, active: false });
  });

  it('ends in the failed set when every retry fails, with the injected reason', async () => {
    await rule({ target: 'job', job_name: 'webhooks.deliver', effect: 'fail', probability: 1 });
    const { hookId } = await deliveryOnNextProjectEdit('2 Fault Lane');
    expect((await api.post(`/_sim/settle?project_id=${p1}&timeout_ms=30000`)).status).toBe(200);
    const [delivery] = (await admin.get(`/rest/v1.0/projects/${p1}/webhooks/hooks/${hookId}/deliveries`)).body;
    const job = (await api.get(`/_sim/jobs?project_id=${p1}`)).body.find((j: { payload: { deliveryId?: number } }) => j.payload.deliveryId === delivery.id);
    expect(job).toMatchObject({ state: 'failed', attempts_made: 30, attempts_max: 30 });
    expect(job.error).toMatch(/injected fault \(rule \d+\)/);
    expect(receiver.received).toHaveLength(0);
  }, 60000);

  it.each([
    ['stall', 'the job stalled'],
    ['delay', null],
  ])('%s: holds the job, then it still delivers once', async (effect, reason) => {
    await rule({ target: 'job', job_name: 'webhooks.deliver', effect, delay_ms: 50, probability: 1, count: 1 });
    const { hookId } = await deliveryOnNextProjectEdit(`4 ${effect} Lane`);
    expect((await api.post(`/_sim/settle?project_id=${p1}&timeout_ms=20000`)).status).toBe(200);
    const [delivery] = (await admin.get(`/rest/v1.0/projects/${p1}/webhooks/hooks/${hookId}/deliveries`)).body;
    expect(delivery.status).toBe('delivered');
    expect(receiver.received).toHaveLength(1);
    const job = (await api.get(`/_sim/jobs?project_id=${p1}`)).body.find((j: { payload: { deliveryId?: number } }) => j.payload.deliveryId === delivery.id);
    // A stall costs the job an attempt (it is retried); a delay does not.
    expect(job.attempts_made).toBe(effect === 'stall' ? 2 : 1);
    if (reason) expect(job.error ?? '').toMatch(/stalled|injected/);
  });

  it('drops a job: it completes without its effect', async () => {
    await rule({ target: 'job', queue: 'webhooks', effect: 'drop', probability: 1, count: 1 });
    const { hookId } = await deliveryOnNextProjectEdit('3 Fault Lane');
    expect((await api.post(`/_sim/settle?project_id=${p1}&timeout_ms=20000`)).status).toBe(200);
    const [delivery] = (await admin.get(`/rest/v1.0/projects/${p1}/webhooks/hooks/${hookId}/deliveries`)).body;
    expect(delivery.status).toBe('queued');
    const job = (await api.get(`/_sim/jobs?project_id=${p1}`)).body.find((j: { payload: { deliveryId?: number } }) => j.payload.deliveryId === delivery.id);
    expect(job).toMatchObject({ state: 'completed', result: { dropped: true, injected: true } });
    expect(receiver.received).toHaveLength(0);
  });

  it('answers an injected HTTP error, marked injected, only as often as the rule says', async () => {
    const route = '/rest/v1.0/projects/:project_id/users';
    await rule({ target: 'http', route, method: 'GET', effect: 'http_error', status: 503, probability: 1, count: 1 });
    const first = await admin.get(`/rest/v1.0/projects/${p1}/users`);
    expect(first.status).toBe(503);
    expect(first.body.error).toMatchObject({ status: 503, details: { injected: true } });
    expect((await admin.get(`/rest/v1.0/projects/${p1}/users`)).status).toBe(200);
    expect((await admin.get(`/rest/v1.0/projects/${p1}/users`)).status).toBe(200);
  });

  it('matches requests by user and by route prefix', async () => {
    await rule({ target: 'http', route: '/rest/v1.0/projects/*', effect: 'http_error', status: 500, probability: 1, user_id: sb.userId('superintendent') });
    const sup = await sb.as('superintendent');
    const hit = await sup.get(`/rest/v1.0/projects/${p1}`);
    expect(hit.status).toBe(500);
    expect(hit.body.error).toMatchObject({ code: 'injected_fault', details: { injected: true } });
    expect((await admin.get(`/rest/v1.0/projects/${p1}`)).status).toBe(200);
    expect((await sup.get('/rest/v1.0/me')).status).toBe(200);
  });

  it('hits the same requests for the same seed in another run', async () => {
    async function pattern(): Promise<boolean[]> {
      const created = await rule({ target: 'http', route: '/rest/v1.0/me', effect: 'http_error', status: 502, probability: 0.5, seed: 99 });
      const out: boolean[] = [];
      for (let i = 0; i < 16; i++) out.push((await admin.get('/rest/v1.0/me')).status === 502);
      await api.delete(`/_sim/faults/${created.body.id}`, { token: sb.info.sandbox_token });
      return out;
    }
    const a = await pattern();
    const b = await pattern();
    expect(a).toEqual(b);
    expect(a.filter(Boolean).length).toBeGreaterThan(2);
    expect(a.filter(Boolean).length).toBeLessThan(14);
  });

  it('stops matching once a rule has expired', async () => {
    const created = await rule({ target: 'http', route: '/rest/v1.0/me', effect: 'http_error', status: 500, probability: 1, expires_in_seconds: 60 });
    expect((await admin.get('/rest/v1.0/me')).status).toBe(500);
    await t.db.query("UPDATE fault_rules SET expires_at = now() - interval '1 second' WHERE id = $1", [created.body.id]);
    const listed = (await api.get('/_sim/faults', { token: sb.info.sandbox_token })).body.find((r: { id: number }) => r.id === created.body.id);
    expect(listed.active).toBe(false);
    // The cache of active rules lives a second at most; the rule must be skipped after that.
    let status = 500;
    for (let i = 0; i < 40 && status === 500; i++) {
      status = (await admin.get('/rest/v1.0/me')).status;
      if (status === 500) await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe(200);
  });
});
