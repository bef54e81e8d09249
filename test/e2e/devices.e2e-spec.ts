import { ApiClient } from '../support/api-client';
import { TrainingSandbox } from '../support/sandbox';
import { TestApp } from '../support/test-app';

describe('devices (X-Device-Id)', () => {
  let t: TestApp;
  let api: ApiClient;
  let sb: TrainingSandbox;
  let sim: { token: string };
  let p1: number;
  let templates: Record<string, number>;

  beforeAll(async () => {
    t = await TestApp.start();
    api = t.client();
    sb = await TrainingSandbox.create(api, 'devices');
    await sb.relaxLimits();
    sim = { token: sb.info.sandbox_token };
    p1 = sb.project();
    const admin = await sb.as('company_admin');
    const list = await admin.get(`/rest/v1.0/projects/${p1}/permission_templates`);
    templates = Object.fromEntries(list.body.map((x: { name: string; id: number }) => [x.name, x.id]));
  });
  afterAll(() => t.stop());

  const device = async (persona: 'gc_project_manager' | 'subcontractor', id: string) => (await sb.as(persona)).as(await sb.token(persona), sb.companyId);

  async function waitUntilSynced(id: string): Promise<Record<string, any>> {
    for (let i = 0; i < 200; i++) {
      const [d] = (await api.get('/_sim/devices', sim)).body.filter((x: { id: string }) => x.id === id);
      if (d && d.changes_not_seen === 0 && !d.sync_pending) return d;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`device ${id} never synced`);
  }

  it('reads live the first time, then the copy it has as of its last sync, until a sync reaches it', async () => {
    await api.patch(`/_sim/sandboxes/${sb.info.id}/settings`, { latency_profile: { sync: { distribution: 'fixed', ms: 60000 } } });
    const pm = await device('gc_project_manager', 'tablet-1');
    const h = { 'x-device-id': 'tablet-1' };
    const first = await pm.get(`/rest/v1.0/projects/${p1}/users`, { headers: h });
    expect(first.headers['x-device-view']).toBe('live');
    expect(first.headers['x-synced-at']).toEqual(expect.any(String));

    const admin = await sb.as('company_admin');
    await admin.delete(`/rest/v1.0/projects/${p1}/users/${sb.userId('owner_rep')}`);
    const stale = await pm.get(`/rest/v1.0/projects/${p1}/users`, { headers: h });
    expect(stale.headers['x-device-view']).toBe('synced');
    expect(stale.body.map((m: { id: number }) => m.id)).toContain(sb.userId('owner_rep'));
    const live = await pm.get(`/rest/v1.0/projects/${p1}/users`);
    expect(live.body.map((m: { id: number }) => m.id)).not.toContain(sb.userId('owner_rep'));

    const diagnosis = await api.get(`/_sim/diagnose?project_id=${p1}&user_id=${sb.userId('gc_project_manager')}&symptom=not_updating`, sim);
    const finding = diagnosis.body.findings.find((f: { cause: string }) => f.cause === 'device_not_synced');
    expect(finding.evidence).toMatchObject({ id: 'tablet-1', online: true, sync_pending: true });
    expect(finding.evidence.changes_not_seen).toBeGreaterThan(0);
    const job = (await api.get(`/_sim/jobs?project_id=${p1}`, sim)).body.find((j: { name: string }) => j.name === 'sync.device');
    expect(job).toMatchObject({ state: 'delayed', delay_ms: 60000 });

    await api.patch(`/_sim/sandboxes/${sb.info.id}/settings`, { latency_profile: 'instant' });
    expect((await api.post('/_sim/devices/tablet-1/actions/sync', undefined, sim)).status).toBe(200);
    await waitUntilSynced('tablet-1');
    const redundant = (await api.get('/_sim/jobs', sim)).body.filter((j: { name: string; state: string }) => j.name === 'sync.device' && j.state === 'delayed');
    expect(redundant).toEqual([]);
    const fresh = await pm.get(`/rest/v1.0/projects/${p1}/users`, { headers: h });
    expect(fresh.headers['x-device-view']).toBe('live');
    expect(fresh.body.map((m: { id: number }) => m.id)).not.toContain(sb.userId('owner_rep'));
  });

  it('keeps an offline device’s writes in order (202), applies them online with permissions checked then, and records a conflict', async () => {
    await api.patch(`/_sim/sandboxes/${sb.info.id}/settings`, { latency_profile: 'instant' });
    const pm = await device('gc_project_manager', 'phone-7');
    const h = { 'x-device-id': 'phone-7' };
    const membership = await pm.get(`/rest/v1.0/projects/${p1}/users/${sb.userId('architect')}`, { headers: h });
    expect((await api.post('/_sim/devices/phone-7/actions/go_offline', undefined, sim)).body[0]).toMatchObject({ online: false });

    const queued = await pm.post(`/rest/v1.0/projects/${p1}/users`, { user_id: sb.userId('owner_rep'), permission_template_id: templates.Owner }, { headers: h });
    expect(queued.status).toBe(202);
    expect(queued.headers['x-queued-offline']).toBe('true');
    expect(queued.body).toMatchObject({ queued: true, position: 1 });
    const stale = await pm.patch(`/rest/v1.0/projects/${p1}/users/${sb.userId('architect')}`, { permission_template_id: templates.Subcontractor }, { headers: { ...h, 'if-match': `"${membership.body.version}"` } });
    expect(stale.status).toBe(202);
    expect(stale.body.position).toBe(2);
    // Nothing has happened yet; meanwhile the office changes the same membership.
    const admin = await sb.as('company_admin');
    expect((await admin.get(`/rest/v1.0/projects/${p1}/users/${sb.userId('owner_rep')}`)).status).toBe(404);
    expect((await admin.patch(`/rest/v1.0/projects/${p1}/users/${sb.userId('architect')}`, { permission_template_id: templates.Owner })).status).toBe(200);

    const listed = (await api.get('/_sim/devices', sim)).body.find((d: { id: string }) => d.id === 'phone-7');
    expect(listed).toMatchObject({ online: false, queued_writes: 2 });
    expect((await api.post('/_sim/devices/phone-7/actions/go_online', undefined, sim)).status).toBe(200);
    const settled = await api.post(`/_sim/settle?timeout_ms=20000`, undefined, sim);
    expect(settled.status).toBe(200);

    const writes = (await api.get('/_sim/devices/phone-7/writes', sim)).body;
    expect(writes.map((w: { status: string }) => w.status)).toEqual(['applied', 'conflict']);
    expect(writes[1]).toMatchObject({ response_status: 409, response: { error: { code: 'edit_conflict' } } });
    expect((await admin.get(`/rest/v1.0/projects/${p1}/users/${sb.userId('owner_rep')}`)).status).toBe(200);
    const architect = await admin.get(`/rest/v1.0/projects/${p1}/users/${sb.userId('architect')}`);
    expect(architect.body.permission_template.name).toBe('Owner');
  });

  it('refuses at apply time what the user may not do, and records it', async () => {
    await api.patch(`/_sim/sandboxes/${sb.info.id}/settings`, { latency_profile: 'instant' });
    const sub = await device('subcontractor', 'sub-phone');
    await sub.get('/rest/v1.0/me', { headers: { 'x-device-id': 'sub-phone' } });
    await api.post('/_sim/devices/sub-phone/actions/go_offline', undefined, sim);
    const queued = await sub.post(`/rest/v1.0/projects/${p1}/users`, { user_id: sb.userId('company_admin'), permission_template_id: templates.Owner }, { headers: { 'x-device-id': 'sub-phone' } });
    expect(queued.status).toBe(202);
    await api.post('/_sim/devices/sub-phone/actions/go_online', undefined, sim);
    const settled = await api.post(`/_sim/settle?timeout_ms=20000`, undefined, sim);
    expect(settled.status).toBe(200);
    const [write] = (await api.get('/_sim/devices/sub-phone/writes', sim)).body;
    expect(write).toMatchObject({ status: 'refused', response_status: 403, response: { error: { code: 'permission_denied' } } });
  });

  it('answers 404 for a device of another sandbox and 422 for a malformed device id', async () => {
    const other = await TrainingSandbox.create(api, 'devices-other');
    expect((await api.post('/_sim/devices/tablet-1/actions/sync', undefined, { token: other.info.sandbox_token })).status).toBe(404);
    const pm = await sb.as('gc_project_manager');
    const bad = await pm.get('/rest/v1.0/me', { headers: { 'x-device-id': 'has spaces!' } });
    expect(bad.status).toBe(422);
  });
});
