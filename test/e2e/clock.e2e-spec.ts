import { ApiClient } from '../support/api-client';
import { expectError, fieldsOf } from '../support/assertions';
import { Receiver } from '../support/receiver';
import { TrainingSandbox } from '../support/sandbox';
import { TestApp } from '../support/test-app';

const DAY = 86_400;
const HOUR = 3_600;

/** `n` business days (Monday to Friday) after the day `from` (YYYY-MM-DD), as YYYY-MM-DD. */
function businessDaysAfter(from: string, n: number): string {
  const d = new Date(`${from}T00:00:00Z`);
  for (let left = n; left > 0; ) {
    d.setUTCDate(d.getUTCDate() + 1);
    if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6) left -= 1;
  }
  return d.toISOString().slice(0, 10);
}

/** The documented webhook schedule: the k-th retry waits 1 s × 2^(k-1), at most an hour. */
function backoffSeconds(retry: number): number {
  return Math.min(HOUR, 2 ** (retry - 1));
}

describe('the sandbox clock', () => {
  let t: TestApp;
  let api: ApiClient;
  let a: TrainingSandbox;
  let b: TrainingSandbox;

  beforeAll(async () => {
    t = await TestApp.start();
    api = t.client();
    a = await TrainingSandbox.create(api, 'clock-a');
    b = await TrainingSandbox.create(api, 'clock-b');
    for (const sb of [a, b]) {
      await sb.relaxLimits();
      await api.patch(`/_sim/sandboxes/${sb.info.id}/settings`, { latency_profile: 'instant' });
    }
  });
  afterAll(() => t.stop());

  const clockOf = async (sb: TrainingSandbox) => (await api.get(`/_sim/sandboxes/${sb.info.id}/clock`)).body as { now: string; frozen: boolean; offset_seconds: number };
  const advance = (sb: TrainingSandbox, seconds: unknown) => api.post(`/_sim/sandboxes/${sb.info.id}/clock/actions/advance`, { seconds });

  it('runs on real time in a new sandbox', async () => {
    const before = Date.now();
    const clock = await clockOf(a);
    expect(clock.frozen).toBe(false);
    expect(Math.abs(clock.offset_seconds)).toBeLessThan(1);
    expect(Date.parse(clock.now)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(clock.now)).toBeLessThanOrEqual(Date.now() + 1000);
  });

  it('refuses an advance that is not a positive number of seconds up to a year, naming the field', async () => {
    for (const seconds of [0, -5, 'soon', null, 31_536_001, Number.MAX_SAFE_INTEGER]) {
      const res = await advance(a, seconds);
      expectError(res, 422, 'validation_failed');
      expect(fieldsOf(res)).toEqual(['seconds']);
    }
    expectError(await api.post(`/_sim/sandboxes/${a.info.id}/clock/actions/advance`, {}), 422, 'validation_failed');
    expectError(await api.post(`/_sim/sandboxes/${a.info.id}/clock/actions/advance`, { seconds: 60, extra: true }), 422, 'validation_failed');
    expect(Math.abs((await clockOf(a)).offset_seconds)).toBeLessThan(1);
    expectError(await api.get('/_sim/sandboxes/999999/clock'), 404, 'not_found');
  });

  it("answers 403 to another sandbox's token, and lets a sandbox token drive its own clock", async () => {
    const own = api.as(a.info.sandbox_token);
    expect((await own.get(`/_sim/sandboxes/${a.info.id}/clock`)).status).toBe(200);
    const res = await own.post(`/_sim/sandboxes/${b.info.id}/clock/actions/freeze`);
    expectError(res, 403, 'permission_denied');
    expect((await clockOf(b)).frozen).toBe(false);
  });

  it('freezes, advances while frozen, resumes where it stood, and keeps two sandboxes apart', async () => {
    const frozen = await api.post(`/_sim/sandboxes/${a.info.id}/clock/actions/freeze`);
    expect(frozen.status).toBe(200);
    expect(frozen.body.frozen).toBe(true);
    await new Promise((r) => setTimeout(r, 50));
    expect((await clockOf(a)).now).toBe(frozen.body.now);

    const moved = await advance(a, 90);
    expect(moved.status).toBe(200);
    expect(Date.parse(moved.body.now) - Date.parse(frozen.body.now)).toBe(90_000);
    expect(moved.body.frozen).toBe(true);

    const resumed = await api.post(`/_sim/sandboxes/${a.info.id}/clock/actions/resume`);
    expect(resumed.body.frozen).toBe(false);
    expect(Date.parse(resumed.body.now)).toBeGreaterThanOrEqual(Date.parse(moved.body.now));
    expect(Date.parse(resumed.body.now) - Date.parse(moved.body.now)).toBeLessThan(1000);
    expect(resumed.body.offset_seconds).toBeGreaterThan(80);

    // b never moved
    expect(Math.abs((await clockOf(b)).offset_seconds)).toBeLessThan(1);
    // and a's items carry a's time
    const pm = await a.as('gc_project_manager');
    const rfi = await pm.post(`/rest/v1.0/projects/${a.project()}/rfis`, { subject: 'Stamped in sandbox time', question: 'When?', rfi_manager_id: a.userId('gc_project_manager'), draft: true });
    expect(rfi.status).toBe(201);
    const now = Date.parse((await clockOf(a)).now);
    expect(Math.abs(Date.parse(rfi.body.created_at) - now)).toBeLessThan(5000);
    expect(Date.parse(rfi.body.created_at) - Date.now()).toBeGreaterThan(80_000);
  });

  it('makes an open RFI overdue two business days later, in its fields and in the overdue filter', async () => {
    let pm = await a.as('gc_project_manager');
    const p = a.project();
    const today = (await clockOf(a)).now.slice(0, 10);
    const due = businessDaysAfter(today, 1);
    const created = await pm.post(`/rest/v1.0/projects/${p}/rfis`, {
      subject: 'Footing depth at grid C4',
      question: 'Geotech report says 1.2 m; S-101 says 0.9 m. Which governs?',
      rfi_manager_id: a.userId('gc_project_manager'),
      assignee_ids: [a.userId('architect')],
      due_date: due,
      draft: false,
    });
    expect(created.status).toBe(201);
    expect(created.body.overdue).toBe(false);
    const id = created.body.id;
    const overdueIds = async () => ((await pm.get(`/rest/v1.0/projects/${p}/rfis?filters[overdue]=true&per_page=100`)).body as { id: number }[]).map((r) => r.id);
    const onTimeIds = async () => ((await pm.get(`/rest/v1.0/projects/${p}/rfis?filters[overdue]=false&per_page=100`)).body as { id: number }[]).map((r) => r.id);
    expect(await overdueIds()).not.toContain(id);
    expect(await onTimeIds()).toContain(id);

    const target = businessDaysAfter(today, 2);
    const days = (Date.parse(`${target}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000;
    expect((await advance(a, days * DAY)).status).toBe(200);
    expect((await clockOf(a)).now.slice(0, 10)).toBe(target);
    // days later the sign-in of before has expired
    expectError(await pm.get(`/rest/v1.0/projects/${p}/rfis/${id}`), 401, 'session_expired');
    a.forget('gc_project_manager');
    pm = await a.as('gc_project_manager');

    expect((await pm.get(`/rest/v1.0/projects/${p}/rfis/${id}`)).body.overdue).toBe(true);
    expect(await overdueIds()).toContain(id);
    expect(await onTimeIds()).not.toContain(id);
    // a due date is checked against the sandbox's today: yesterday there is refused
    const late = await pm.patch(`/rest/v1.0/projects/${p}/rfis/${id}`, { due_date: today });
    expectError(late, 422, 'validation_failed');
    expect(fieldsOf(late)).toEqual(['due_date']);
    // and the default due date counts business days from the sandbox's today
    const dflt = await pm.post(`/rest/v1.0/projects/${p}/rfis`, { subject: 'Default due', question: 'q', rfi_manager_id: a.userId('gc_project_manager'), assignee_ids: [a.userId('architect')], draft: false });
    expect(dflt.body.due_date).toBe(businessDaysAfter(target, 7));
  });

  it('expires an access token when the clock passes it: 401 session_expired, named by diagnose; the refresh token still works', async () => {
    const p = b.persona('superintendent');
    const login = await api.post('/oauth/token', { grant_type: 'password', username: p.email, password: p.password });
    expect(login.status).toBe(200);
    const me = api.as(login.body.access_token, b.companyId);
    expect((await me.get('/rest/v1.0/me')).status).toBe(200);
    expect((await me.get('/oauth/token/info')).body.expires_in_seconds).toBeGreaterThan(login.body.expires_in - 10);

    expect((await advance(b, login.body.expires_in + 60)).status).toBe(200);
    expectError(await me.get('/rest/v1.0/me'), 401, 'session_expired');
    const diagnosis = await api.get(`/_sim/diagnose?user_id=${p.user_id}&symptom=denied`);
    expect(diagnosis.status).toBe(200);
    expect(diagnosis.body.findings[0]).toMatchObject({ cause: 'session_expired', evidence: { refresh_token_valid: true } });

    const refreshed = await api.post('/oauth/token', { grant_type: 'refresh_token', refresh_token: login.body.refresh_token });
    expect(refreshed.status).toBe(200);
    expect((await api.as(refreshed.body.access_token, b.companyId).get('/rest/v1.0/me')).status).toBe(200);
  });

  it('unlocks an account fifteen sandbox minutes after five failed sign-ins', async () => {
    const p = b.persona('owner_rep');
    for (let i = 0; i < 5; i++) await api.post('/oauth/token', { grant_type: 'password', username: p.email, password: 'wrong-password' });
    const locked = await api.post('/oauth/token', { grant_type: 'password', username: p.email, password: p.password });
    expect(locked.status).toBe(423);
    expect((await advance(b, 14 * 60)).status).toBe(200);
    expect((await api.post('/oauth/token', { grant_type: 'password', username: p.email, password: p.password })).status).toBe(423);
    expect((await advance(b, 61)).status).toBe(200);
    expect((await api.post('/oauth/token', { grant_type: 'password', username: p.email, password: p.password })).status).toBe(200);
  });

  it('goes back to real time on reset', async () => {
    expect((await clockOf(a)).offset_seconds).toBeGreaterThan(DAY);
    expect((await api.post(`/_sim/sandboxes/${a.info.id}/actions/reset`)).status).toBe(200);
    const clock = await clockOf(a);
    expect(clock.frozen).toBe(false);
    expect(Math.abs(clock.offset_seconds)).toBeLessThan(1);
  });

  it('stamps every timestamp column with the sandbox time by default (no column defaults to the database clock)', async () => {
    const { rows: defaults } = await t.db.query(
      `SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = current_schema() AND (column_default ILIKE '%now()%' OR column_default ILIKE '%current_timestamp%') AND column_default <> 'sim_now()'`,
    );
    expect(defaults).toEqual([]);
  });
});

describe('the sandbox clock and webhook retries', () => {
  let t: TestApp;
  let api: ApiClient;
  let sb: TrainingSandbox;
  let receiver: Receiver;

  beforeAll(async () => {
    t = await TestApp.start();
    api = t.client();
    sb = await TrainingSandbox.create(api, 'clock-webhooks');
    await sb.relaxLimits();
    // Webhook jobs start at once; retries follow the documented backoff (1 s doubling to 1 h).
    await api.patch(`/_sim/sandboxes/${sb.info.id}/settings`, { latency_profile: { webhooks: { distribution: 'fixed', ms: 0 } } });
    receiver = await Receiver.start();
  });
  afterAll(async () => {
    await receiver.stop();
    await t.stop();
  });

  it('runs every attempt of a failing delivery on its schedule within 13 hours, then discards it at 12 hours', async () => {
    receiver.behaviour = () => ({ status: 500 });
    const admin = await sb.as('company_admin');
    const p = sb.project();
    const hook = await admin.post(`/rest/v1.0/projects/${p}/webhooks/hooks`, { namespace: 'clock-retries', destination_url: receiver.url });
    expect(hook.status).toBe(201);
    expect((await admin.post(`/rest/v1.0/projects/${p}/webhooks/hooks/${hook.body.id}/triggers`, { resource_name: 'RFIs', event_type: 'create' })).status).toBe(201);

    // Frozen, the first attempt runs at once and every retry waits for the clock.
    expect((await api.post(`/_sim/sandboxes/${sb.info.id}/clock/actions/freeze`)).status).toBe(200);
    const pm = await sb.as('gc_project_manager');
    const rfi = await pm.post(`/rest/v1.0/projects/${p}/rfis`, { subject: 'Retry me', question: 'q', rfi_manager_id: sb.userId('gc_project_manager'), draft: true });
    expect(rfi.status).toBe(201);
    const deliveries = `/rest/v1.0/projects/${p}/webhooks/hooks/${hook.body.id}/deliveries`;
    for (let i = 0; i < 200 && receiver.received.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
    expect(receiver.received.length).toBe(1);

    const advanced = await api.post(`/_sim/sandboxes/${sb.info.id}/clock/actions/advance`, { seconds: 13 * HOUR });
    expect(advanced.status).toBe(200);
    expect((await api.post(`/_sim/settle?project_id=${p}&timeout_ms=20000`)).status).toBe(200);

    // 13 hours on, the administrator signs in again
    sb.forget('company_admin');
    const [delivery] = (await (await sb.as('company_admin')).get(deliveries)).body;
    expect(delivery.status).toBe('discarded');
    expect(delivery.last_error).toBe('not delivered within 12 hours');
    const log: { attempt: number; at: string; response_status: number | null }[] = delivery.attempt_log;
    const created = Date.parse(delivery.created_at);
    // attempts at 0, 1, 3, 7 … 4095 s, then hourly; the one due after 12 h is not made
    const expected: number[] = [0];
    while (expected[expected.length - 1] + backoffSeconds(expected.length) <= 12 * HOUR) expected.push(expected[expected.length - 1] + backoffSeconds(expected.length));
    expect(log.map((l) => l.attempt)).toEqual(expected.map((_, i) => i + 1));
    expect(log.map((l) => (Date.parse(l.at) - created) / 1000)).toEqual(expected);
    expect(log.every((l) => l.response_status === 500)).toBe(true);
    expect(delivery.attempts).toBe(expected.length);
    expect(receiver.received.length).toBe(expected.length);
    // the advance answered each attempt it ran, in due order
    const ran = (advanced.body.jobs_run as { name: string; due_at: string }[]).filter((j) => j.name === 'webhooks.deliver');
    expect(ran.length).toBe(expected.length);
    const dues = ran.map((j) => Date.parse(j.due_at));
    expect([...dues].sort((x, y) => x - y)).toEqual(dues);
    expect(Date.parse(advanced.body.now) - created).toBe(13 * HOUR * 1000);
  });
});
