import { ApiClient } from '../support/api-client';
import { PrivateRedis, WorkerProcess } from '../support/processes';
import { Receiver } from '../support/receiver';
import { TrainingSandbox } from '../support/sandbox';
import { TestApp } from '../support/test-app';

async function hookOn(admin: ApiClient, projectId: number, url: string): Promise<number> {
  const hook = await admin.post(`/rest/v1.0/projects/${projectId}/webhooks/hooks`, { namespace: 'resilience', destination_url: url });
  await admin.post(`/rest/v1.0/projects/${projectId}/webhooks/hooks/${hook.body.id}/triggers`, { resource_name: 'Projects', event_type: 'update' });
  return hook.body.id;
}

async function deliveries(admin: ApiClient, projectId: number, hookId: number): Promise<Record<string, any>[]> {
  return (await admin.get(`/rest/v1.0/projects/${projectId}/webhooks/hooks/${hookId}/deliveries`)).body;
}

describe('when Redis restarts mid-run', () => {
  let redis: PrivateRedis;
  let t: TestApp;
  let api: ApiClient;
  let receiver: Receiver;

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    t = await TestApp.start({ env: { REDIS_URL: redis.url } });
    api = t.client();
    receiver = await Receiver.start();
  });
  afterAll(async () => {
    await receiver.stop();
    await t.stop();
    await redis.down();
  });

  it('keeps answering, keeps every committed write’s job in the outbox, and delivers it once Redis is back', async () => {
    const sb = await TrainingSandbox.create(api, 'redis-restart');
    await sb.relaxLimits();
    await api.patch(`/_sim/sandboxes/${sb.info.id}/settings`, { latency_profile: 'instant' });
    const admin = await sb.as('company_admin');
    const p1 = sb.project();
    const hookId = await hookOn(admin, p1, receiver.url);

    await redis.down();
    const write = await admin.patch(`/rest/v1.0/projects/${p1}`, { address: '1 Outage Street' });
    expect(write.status).toBe(200);
    const read = await admin.get(`/rest/v1.0/projects/${p1}`);
    expect(read.status).toBe(200);
    expect(read.body.address).toBe('1 Outage Street');
    const outbox = await t.db.query('SELECT count(*)::int AS n FROM outbox WHERE relayed_at IS NULL AND project_id = $1', [p1]);
    expect(outbox.rows[0].n).toBe(1);
    // A write that needs Redis to be safe (an Idempotency-Key) is refused clearly, not half done.
    const keyed = await admin.post(`/rest/v1.0/companies/${sb.companyId}/vendors`, { name: 'Outage Co' }, { headers: { 'idempotency-key': 'outage-1' } });
    expect(keyed.status).toBe(503);
    expect(keyed.body.error.code).toBe('service_unavailable');
    expect(keyed.headers['retry-after']).toBeDefined();
    expect((await t.db.query(`SELECT count(*)::int AS n FROM vendors WHERE name = 'Outage Co'`)).rows[0].n).toBe(0);

    await redis.up();
    // The API recovers by itself: until its connection is back, queue-dependent calls answer 503.
    let settled = await api.post(`/_sim/settle?project_id=${p1}&timeout_ms=30000`);
    for (let i = 0; i < 100 && settled.status === 503; i++) {
      await new Promise((r) => setTimeout(r, 100));
      settled = await api.post(`/_sim/settle?project_id=${p1}&timeout_ms=30000`);
    }
    expect(settled.status).toBe(200);
    const [delivery] = await deliveries(admin, p1, hookId);
    expect(delivery.status).toBe('delivered');
    expect(receiver.received.map((r) => r.body.id)).toEqual([delivery.id]);
  }, 60000);
});

describe('when a worker process is killed mid-job', () => {
  let t: TestApp;
  let api: ApiClient;
  let receiver: Receiver;
  let first: WorkerProcess | null = null;
  let second: WorkerProcess | null = null;

  beforeAll(async () => {
    t = await TestApp.start({ workers: false, env: { SIM_JOB_LOCK_MS: '1500' } });
    api = t.client();
    receiver = await Receiver.start();
  });
  afterAll(async () => {
    await first?.kill('SIGKILL').catch(() => undefined);
    await second?.kill('SIGTERM').catch(() => undefined);
    await receiver.stop();
    await t.stop();
  });

  it('hands the stalled job to another worker, and its effect applies once', async () => {
    const env = t.processEnv({ SIM_JOB_LOCK_MS: '1500' });
    first = await WorkerProcess.start(env);
    const sb = await TrainingSandbox.create(api, 'sigkill');
    await sb.relaxLimits();
    await api.patch(`/_sim/sandboxes/${sb.info.id}/settings`, { latency_profile: 'instant' });
    const admin = await sb.as('company_admin');
    const p1 = sb.project();
    const hookId = await hookOn(admin, p1, receiver.url);
    // The first attempt hangs at the receiver; the worker dies holding the job.
    receiver.behaviour = (n) => (n === 1 ? { status: 200, delayMs: 60000 } : { status: 200 });
    expect((await admin.patch(`/rest/v1.0/projects/${p1}`, { address: '9 Kill Street' })).status).toBe(200);
    for (let i = 0; i < 200 && receiver.received.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
    expect(receiver.received).toHaveLength(1);
    await first.kill('SIGKILL');
    first = null;

    second = await WorkerProcess.start(env);
    const settled = await api.post(`/_sim/settle?project_id=${p1}&timeout_ms=30000`);
    expect(settled.status).toBe(200);
    const [delivery] = await deliveries(admin, p1, hookId);
    expect(delivery).toMatchObject({ status: 'delivered', response_status: 200 });
    // At-least-once on the wire (the receiver saw the same event twice), once in effect: one delivery, one event id.
    expect(new Set(receiver.received.map((r) => r.body.id))).toEqual(new Set([delivery.id]));
    expect((await t.db.query('SELECT count(*)::int AS n FROM webhook_deliveries WHERE hook_id = $1', [hookId])).rows[0].n).toBe(1);
  }, 90000);
});
