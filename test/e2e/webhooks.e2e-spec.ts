import { ApiClient } from '../support/api-client';
import { expectError, fieldsOf } from '../support/assertions';
import { Receiver } from '../support/receiver';
import { TrainingSandbox } from '../support/sandbox';
import { TestApp } from '../support/test-app';

describe('webhooks, delivered by real HTTP from queued jobs', () => {
  let t: TestApp;
  let api: ApiClient;
  let sb: TrainingSandbox;
  let admin: ApiClient;
  let receiver: Receiver;
  let p1: number;
  let projectTemplate: number;

  beforeAll(async () => {
    t = await TestApp.start();
    api = t.client();
    sb = await TrainingSandbox.create(api, 'webhooks');
    await sb.relaxLimits();
    await api.patch(`/_sim/sandboxes/${sb.info.id}/settings`, { latency_profile: 'instant' });
    admin = await sb.as('company_admin');
    receiver = await Receiver.start();
    p1 = sb.project('first');
    const templates = await admin.get(`/rest/v1.0/projects/${p1}/permission_templates`);
    projectTemplate = templates.body.find((x: { name: string }) => x.name === 'Owner').id;
  });
  afterAll(async () => {
    await receiver.stop();
    await t.stop();
  });
  beforeEach(() => {
    receiver.received.length = 0;
    receiver.behaviour = () => ({ status: 200 });
  });
  afterEach(async () => {
    for (const hook of (await admin.get(`/rest/v1.0/projects/${p1}/webhooks/hooks`)).body) {
      await admin.delete(`/rest/v1.0/projects/${p1}/webhooks/hooks/${hook.id}`);
    }
  });

  async function hookOn(resource: string, event: 'create' | 'update' | 'delete'): Promise<number> {
    const hook = await admin.post(`/rest/v1.0/projects/${p1}/webhooks/hooks`, { namespace: `test-${resource.replace(/ /g, '-')}-${event}`, destination_url: receiver.url });
    expect(hook.status).toBe(201);
    const trigger = await admin.post(`/rest/v1.0/projects/${p1}/webhooks/hooks/${hook.body.id}/triggers`, { resource_name: resource, event_type: event });
    expect(trigger.status).toBe(201);
    return hook.body.id;
  }

  async function settle(timeout = 20000): Promise<any> {
    const res = await api.post(`/_sim/settle?project_id=${p1}&timeout_ms=${timeout}`);
    if (res.status !== 200 && process.env.DEBUG_SETTLE) console.log(JSON.stringify(res.body, null, 1));
    return res;
  }

  async function newUser(name: string): Promise<number> {
    const res = await admin.post(`/rest/v1.0/companies/${sb.companyId}/users`, { name, email: `${name.toLowerCase().replace(/\W/g, '.')}@example.com` });
    expect(res.status).toBe(201);
    return res.body.id;
  }

  it('delivers a change to the destination with the reference platform body, once', async () => {
    const hookId = await hookOn('Project Users', 'create');
    const userId = await newUser('Webhook Person');
    const added = await admin.post(`/rest/v1.0/projects/${p1}/users`, { user_id: userId, permission_template_id: projectTemplate });
    expect(added.status).toBe(201);
    expect((await settle()).status).toBe(200);

    expect(receiver.received).toHaveLength(1);
    const event = receiver.received[0].body;
    expect(event).toEqual({
      id: expect.any(Number),
      ulid: expect.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/),
      timestamp: expect.any(String),
      company_id: sb.companyId,
      project_id: p1,
      user_id: sb.userId('company_admin'),
      resource_name: 'Project Users',
      resource_id: userId,
      event_type: 'create',
      api_version: 'v2',
    });
    const deliveries = await admin.get(`/rest/v1.0/projects/${p1}/webhooks/hooks/${hookId}/deliveries`);
    expect(deliveries.body[0]).toMatchObject({ id: event.id, status: 'delivered', attempts: 1, response_status: 200 });
  });

  it('retries a failing receiver with backoff and delivers on a later attempt, same event id', async () => {
    const hookId = await hookOn('Projects', 'update');
    receiver.behaviour = (n) => ({ status: n <= 2 ? 503 : 200 });
    expect((await admin.patch(`/rest/v1.0/projects/${p1}`, { address: '5 Retry Road' })).status).toBe(200);
    expect((await settle()).status).toBe(200);

    expect(receiver.received.map((r) => r.body.id)).toEqual(Array(3).fill(receiver.received[0].body.id));
    const [delivery] = (await admin.get(`/rest/v1.0/projects/${p1}/webhooks/hooks/${hookId}/deliveries`)).body;
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 3, response_status: 200, last_error: null });
    const jobs = await api.get(`/_sim/jobs?project_id=${p1}`);
    const job = jobs.body.find((j: { payload: { deliveryId?: number } }) => j.payload.deliveryId === delivery.id);
    expect(job).toMatchObject({ name: 'webhooks.deliver', queue: 'webhooks', state: 'completed', attempts_made: 3 });
  });

  it('gives up on a receiver slower than 5 s for that attempt and records why', async () => {
    const hookId = await hookOn('Projects', 'update');
    receiver.behaviour = (n) => (n === 1 ? { status: 200, delayMs: 7000 } : { status: 200 });
    expect((await admin.patch(`/rest/v1.0/projects/${p1}`, { address: '6 Slow Street' })).status).toBe(200);
    expect((await settle(30000)).status).toBe(200);
    const [delivery] = (await admin.get(`/rest/v1.0/projects/${p1}/webhooks/hooks/${hookId}/deliveries`)).body;
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 2 });
    expect(receiver.received).toHaveLength(2);
  }, 40000);

  it('leaves no delivery and no job for a write that was refused', async () => {
    const hookId = await hookOn('Project Users', 'create');
    const before = await t.db.query('SELECT count(*)::int AS n FROM outbox');
    const refused = await admin.post(`/rest/v1.0/projects/${p1}/users`, { user_id: sb.userId('architect'), permission_template_id: projectTemplate });
    expect(refused.status).toBe(409);
    expect((await t.db.query('SELECT count(*)::int AS n FROM outbox')).rows[0].n).toBe(before.rows[0].n);
    expect((await admin.get(`/rest/v1.0/projects/${p1}/webhooks/hooks/${hookId}/deliveries`)).body).toEqual([]);
  });

  it('refuses destinations the operator has not allowed, and bad triggers', async () => {
    for (const url of ['http://example.com/hook', 'ftp://127.0.0.1/x', 'not a url', 'http://user:pw@127.0.0.1/x']) {
      const res = await admin.post(`/rest/v1.0/projects/${p1}/webhooks/hooks`, { namespace: 'bad', destination_url: url });
      expectError(res, 422, 'validation_failed');
      expect(fieldsOf(res)).toEqual(['destination_url']);
    }
    const hook = await admin.post(`/rest/v1.0/projects/${p1}/webhooks/hooks`, { namespace: 'triggers', destination_url: receiver.url });
    const url = `/rest/v1.0/projects/${p1}/webhooks/hooks/${hook.body.id}/triggers`;
    expectError(await admin.post(url, { resource_name: 'Spaceships', event_type: 'create' }), 422, 'validation_failed');
    expectError(await admin.post(url, { resource_name: 'RFIs', event_type: 'explode' }), 422, 'validation_failed');
    expect((await admin.post(url, { resource_name: 'RFIs', event_type: 'create' })).status).toBe(201);
    expectError(await admin.post(url, { resource_name: 'RFIs', event_type: 'create' }), 409, 'duplicate');
  });

  it('keeps every write in the change log with its version, snapshot and actor, secrets left out', async () => {
    const user = await newUser('Logged Person');
    await admin.patch(`/rest/v1.0/companies/${sb.companyId}/users/${user}`, { job_title: 'Estimator', password: 'a-new-password-1' });
    const res = await api.get(`/_sim/changes?sandbox_id=${sb.info.id}&resource=Users&resource_id=${user}`);
    expect(res.status).toBe(200);
    expect(res.body.map((c: { event_type: string; version: number }) => [c.event_type, c.version])).toEqual([['create', 1], ['update', 2]]);
    expect(res.body[1]).toMatchObject({ actor_id: sb.userId('company_admin'), snapshot: { jobTitle: 'Estimator' } });
    expect(JSON.stringify(res.body)).not.toMatch(/passwordHash|argon2/);
    const other = await api.get(`/_sim/changes?sandbox_id=${sb.info.id}&after_id=${res.body[1].id}&resource=Users&resource_id=${user}`);
    expect(other.body).toEqual([]);
  });

  it('lets only Admin on the project Admin tool manage webhooks', async () => {
    const pm = await sb.as('gc_project_manager');
    const res = await pm.get(`/rest/v1.0/projects/${p1}/webhooks/hooks`);
    expectError(res, 403, 'permission_denied');
    expect(res.body.error.details.action).toBe('admin.manage_webhooks');
  });

  it('answers settle with 408 settle_timeout naming the job it waited for', async () => {
    const hookId = await hookOn('Projects', 'update');
    await api.patch(`/_sim/sandboxes/${sb.info.id}/settings`, { latency_profile: { webhooks: { distribution: 'fixed', ms: 60000 } } });
    try {
      expect((await admin.patch(`/rest/v1.0/projects/${p1}`, { address: '7 Waiting Way' })).status).toBe(200);
      const res = await settle(300);
      expectError(res, 408, 'settle_timeout');
      expect(res.body.error.details.pending[0]).toMatchObject({ queue: 'webhooks', name: 'webhooks.deliver', state: 'delayed' });
      const jobs = await api.get(`/_sim/jobs?project_id=${p1}`);
      expect(jobs.body.some((j: { state: string; delay_ms: number }) => j.state === 'delayed' && j.delay_ms === 60000)).toBe(true);
    } finally {
      await api.patch(`/_sim/sandboxes/${sb.info.id}/settings`, { latency_profile: 'instant' });
      await admin.delete(`/rest/v1.0/projects/${p1}/webhooks/hooks/${hookId}`);
    }
  });
});
