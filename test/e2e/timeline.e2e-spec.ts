import { ApiClient } from '../support/api-client';
import { expectError, fieldsOf } from '../support/assertions';
import { Receiver } from '../support/receiver';
import { TrainingSandbox } from '../support/sandbox';
import { TestApp } from '../support/test-app';

interface Entry {
  at: string;
  kind: string;
  title: string;
  status: string;
  since_previous_ms: number | null;
  since_first_ms: number;
  details: Record<string, any>;
}

/** An item's timeline: its changes, the jobs and webhook deliveries behind them, and the devices that synced or wrote it. */
describe('item timelines', () => {
  let t: TestApp;
  let api: ApiClient;
  let sb: TrainingSandbox;
  let receiver: Receiver;
  let p1: number;
  let sim: { token: string };

  beforeAll(async () => {
    t = await TestApp.start();
    api = t.client();
    sb = await TrainingSandbox.create(api, 'timeline');
    p1 = sb.project();
    sim = { token: sb.info.sandbox_token };
    await api.patch(`/_sim/sandboxes/${sb.info.id}/settings`, { latency_profile: 'instant' });
    receiver = await Receiver.start();
  });
  afterAll(async () => {
    await receiver?.stop();
    await t?.stop();
  });

  const timeline = (resource: string, id: number, extra = '') => api.get(`/_sim/timeline?project_id=${p1}&resource=${encodeURIComponent(resource)}&resource_id=${id}${extra}`, sim);

  it('shows an RFI edit, the webhook job it committed (retried after an injected failure) and each delivery attempt, in order', async () => {
    const admin = await sb.as('company_admin');
    const hook = await admin.post(`/rest/v1.0/projects/${p1}/webhooks/hooks`, { namespace: 'timeline', destination_url: receiver.url });
    await admin.post(`/rest/v1.0/projects/${p1}/webhooks/hooks/${hook.body.id}/triggers`, { resource_name: 'RFIs', event_type: 'update' });
    let n = 0;
    receiver.behaviour = () => ({ status: ++n === 1 ? 500 : 200 });
    await api.post('/_sim/faults', { target: 'job', job_name: 'webhooks.deliver', effect: 'fail', probability: 1, count: 1, sandbox_id: sb.info.id });

    const pm = await sb.as('gc_project_manager');
    const rfi = (await pm.post(`/rest/v1.0/projects/${p1}/rfis`, { subject: 'Beam size at grid C4', question: 'W10 or W12?', rfi_manager_id: sb.userId('gc_project_manager'), assignee_ids: [sb.userId('architect')], draft: false })).body;
    expect(rfi.status).toBe('open');
    const edited = await pm.patch(`/rest/v1.0/projects/${p1}/rfis/${rfi.id}`, { subject: 'Beam size at grid C4 (revised)' });
    expect(edited.status).toBe(200);
    expect((await api.post(`/_sim/settle?project_id=${p1}&timeout_ms=30000`)).status).toBe(200);

    const res = await timeline('RFIs', rfi.id);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ resource: 'RFIs', resource_id: rfi.id, project_id: p1, waiting: 0 });
    const entries: Entry[] = res.body.entries;
    const times = entries.map((e) => Date.parse(e.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(entries[0].since_previous_ms).toBeNull();
    expect(entries.slice(1).every((e) => e.since_previous_ms! >= 0)).toBe(true);

    const edit = entries.filter((e) => e.kind === 'change').at(-1)!;
    expect(edit.details).toMatchObject({ resource: 'RFIs', event_type: 'update', version: edited.body.version, actor: { id: sb.userId('gc_project_manager') } });
    expect(edit.details.changed).toContainEqual({ field: 'subject', from: rfi.subject, to: 'Beam size at grid C4 (revised)' });

    const job = entries.find((e) => e.kind === 'job' && e.details.name === 'webhooks.deliver')!;
    expect(job).toMatchObject({ status: 'done', details: { state: 'completed', queue: 'webhooks' } });
    expect(job.details.attempts_made).toBeGreaterThanOrEqual(2);
    expect(job.details.phases.map((p: { phase: string }) => p.phase)).toEqual(['committed', 'queued', 'started', 'finished']);

    const attempts = entries.filter((e) => e.kind === 'webhook' && e.details.step === 'attempt');
    expect(attempts.map((a) => a.details.response_status)).toEqual([500, 200]);
    expect(attempts.map((a) => a.status)).toEqual(['failed', 'done']);
    // the delivery comes after the change that made it
    expect(entries.indexOf(attempts[0])).toBeGreaterThan(entries.indexOf(edit));
  }, 60000);

  it('shows the devices that synced the item, and an offline write kept and sent later', async () => {
    const sup = await sb.as('gc_project_manager');
    const h = { 'x-device-id': 'site-tablet' };
    const rfi = (await sup.post(`/rest/v1.0/projects/${p1}/rfis`, { subject: 'Stair nosing', question: 'Which profile?', rfi_manager_id: sb.userId('gc_project_manager'), draft: false })).body;
    await sup.get(`/rest/v1.0/projects/${p1}/rfis/${rfi.id}`, { headers: h });
    await api.post('/_sim/devices/site-tablet/actions/go_offline', undefined, sim);
    const kept = await sup.patch(`/rest/v1.0/projects/${p1}/rfis/${rfi.id}`, { question: 'Asked again from the site' }, { headers: h });
    expect(kept.status).toBe(202);

    let entries: Entry[] = (await timeline('RFIs', rfi.id)).body.entries;
    expect(entries.filter((e) => e.kind === 'device').map((e) => [e.details.step, e.status])).toEqual(expect.arrayContaining([['kept_offline', 'done'], ['held', 'waiting']]));

    await api.post('/_sim/devices/site-tablet/actions/go_online', undefined, sim);
    expect((await api.post(`/_sim/settle?timeout_ms=30000`, undefined, sim)).status).toBe(200);
    const after = (await timeline('RFIs', rfi.id)).body;
    entries = after.entries;
    const devices = entries.filter((e) => e.kind === 'device');
    expect(devices.find((e) => e.details.step === 'replayed')).toMatchObject({ status: 'done', details: { status: 'applied', response_status: 200 } });
    expect(devices.find((e) => e.details.device === 'site-tablet' && e.details.step === 'synced')).toBeDefined();
    const replayedChange = entries.filter((e) => e.kind === 'change').at(-1)!;
    expect(replayedChange.details.changed.map((c: { field: string }) => c.field)).toContain('question');
  }, 60000);

  it("answers a persona only for an item they may open, with the fields that changed but not their values", async () => {
    const sub = await sb.as('subcontractor');
    const pm = await sb.as('gc_project_manager');
    const all = (await pm.get(`/rest/v1.0/projects/${p1}/rfis?per_page=100`)).body;
    const visible = (await sub.get(`/rest/v1.0/projects/${p1}/rfis?per_page=100`)).body.map((r: { id: number }) => r.id);
    const hidden = all.find((r: { id: number }) => !visible.includes(r.id));
    expect(hidden).toBeDefined();
    const edited = all.find((r: { subject: string }) => r.subject === 'Beam size at grid C4 (revised)');

    const mine = await sub.get(`/_sim/training/timeline?project_id=${p1}&resource=RFIs&resource_id=${edited.id}`);
    expect(mine.status).toBe(200);
    const change = mine.body.entries.filter((e: Entry) => e.kind === 'change').at(-1);
    expect(change.details.changed).toEqual([{ field: 'subject' }]);
    for (const c of change.details.changed) expect(Object.keys(c)).toEqual(['field']);
    // What the API keeps from them stays out: webhook deliveries (their address, answers and errors), others' devices, job errors.
    const operator = (await timeline('RFIs', edited.id)).body.entries as Entry[];
    expect(operator.some((e) => e.kind === 'webhook')).toBe(true);
    expect(operator.some((e) => e.kind === 'device')).toBe(true);
    const theirs = mine.body.entries as Entry[];
    expect(theirs.filter((e) => e.kind === 'webhook' || e.kind === 'device' || (e.kind === 'job' && e.details.name === 'webhooks.deliver'))).toEqual([]);
    expect(JSON.stringify(mine.body)).not.toContain(receiver.url);
    expect(theirs.filter((e) => e.kind === 'job' && e.details.error !== null)).toEqual([]);
    expectError(await sub.get(`/rest/v1.0/projects/${p1}/webhooks/hooks`), 403, 'permission_denied');
    // Whoever the webhooks API answers sees the deliveries in their timeline too.
    const admin = await sb.as('company_admin');
    const adminView = (await admin.get(`/_sim/training/timeline?project_id=${p1}&resource=RFIs&resource_id=${edited.id}`)).body.entries as Entry[];
    expect(adminView.filter((e) => e.kind === 'webhook').length).toBe(operator.filter((e) => e.kind === 'webhook').length);

    const refused = await sub.get(`/_sim/training/timeline?project_id=${p1}&resource=RFIs&resource_id=${hidden.id}`);
    expect([403, 404]).toContain(refused.status);
    const direct = await sub.get(`/rest/v1.0/projects/${p1}/rfis/${hidden.id}`);
    expect(refused.body.error.code).toBe(direct.body.error.code);
    // a tool the persona may not open at all
    const co = (await pm.get(`/rest/v1.0/projects/${p1}/change_orders`)).body[0];
    expectError(await sub.get(`/_sim/training/timeline?project_id=${p1}&resource=${encodeURIComponent('Change Orders')}&resource_id=${co.id}`), 403, 'permission_denied');
    expectError(await api.get(`/_sim/training/timeline?project_id=${p1}&resource=RFIs&resource_id=${edited.id}`), 401, 'unauthenticated');
  }, 60000);

  it("keeps to the caller's sandbox and refuses bad questions with 422", async () => {
    const other = await TrainingSandbox.create(api, 'other');
    const theirs = (await (await other.as('gc_project_manager')).get(`/rest/v1.0/projects/${other.project()}/rfis`)).body[0];
    expect((await api.get(`/_sim/timeline?project_id=${other.project()}&resource=RFIs&resource_id=${theirs.id}`, sim)).status).toBe(422);
    const sub = await sb.as('subcontractor');
    expect([403, 404]).toContain((await sub.get(`/_sim/training/timeline?project_id=${other.project()}&resource=RFIs&resource_id=${theirs.id}`)).status);
    expect(fieldsOf(await timeline('Nope', 1))).toEqual(['resource']);
    expect(fieldsOf(await api.get(`/_sim/timeline?project_id=${p1}&resource=RFIs`, sim))).toEqual(['resource_id']);
    expect(fieldsOf(await timeline('RFIs', 1, '&x=1'))).toEqual(['x']);
    expectError(await timeline('RFIs', 999999), 404, 'not_found');
  }, 60000);
});
