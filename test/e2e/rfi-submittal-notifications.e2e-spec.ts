import { ApiClient } from '../support/api-client';
import { expectError } from '../support/assertions';
import { Receiver } from '../support/receiver';
import { TrainingSandbox } from '../support/sandbox';
import { TestApp } from '../support/test-app';

/** Ball-in-court moves reach integrations (webhooks) and devices; private items reach neither a subcontractor's lists nor their device. */
describe('RFI and submittal notifications and privacy beyond the list', () => {
  let t: TestApp;
  let api: ApiClient;
  let sb: TrainingSandbox;
  let receiver: Receiver;
  let p1: number;
  let rfis: string;
  let subs: string;
  let sim: { token: string };

  beforeAll(async () => {
    t = await TestApp.start();
    api = t.client();
    sb = await TrainingSandbox.create(api, 'notifications');
    await sb.relaxLimits();
    sim = { token: sb.info.sandbox_token };
    await api.patch(`/_sim/sandboxes/${sb.info.id}/settings`, { latency_profile: 'instant' });
    receiver = await Receiver.start();
    p1 = sb.project();
    rfis = `/rest/v1.0/projects/${p1}/rfis`;
    subs = `/rest/v1.0/projects/${p1}/submittals`;
  });
  afterAll(async () => {
    await receiver.stop();
    await t.stop();
  });

  async function hook(triggers: [string, string][]): Promise<number> {
    const admin = await sb.as('company_admin');
    const h = await admin.post(`/rest/v1.0/projects/${p1}/webhooks/hooks`, { namespace: `rfi-sub-${Date.now()}`, destination_url: receiver.url });
    expect(h.status).toBe(201);
    for (const [resource_name, event_type] of triggers) {
      expect((await admin.post(`/rest/v1.0/projects/${p1}/webhooks/hooks/${h.body.id}/triggers`, { resource_name, event_type })).status).toBe(201);
    }
    return h.body.id;
  }
  const settle = async () => expect((await api.post(`/_sim/settle?project_id=${p1}&timeout_ms=20000`)).status).toBe(200);
  const events = () => receiver.received.map((r) => r.body as { resource_name: string; resource_id: number; event_type: string } & Record<string, unknown>);

  it('announces court moves on RFIs, replies and submittals, and not a draft reply; payloads carry ids, never content', async () => {
    await hook([['RFIs', 'update'], ['RFI Replies', 'create'], ['Submittals', 'update']]);
    receiver.received.length = 0;
    const pm = await sb.as('gc_project_manager');
    const arch = await sb.as('architect');
    const rfi = await pm.post(rfis, { subject: 'Secret scope', question: 'Confidential pricing', rfi_manager_id: sb.userId('gc_project_manager'), assignee_ids: [sb.userId('architect')], private: true, draft: false });
    const draft = await arch.post(`${rfis}/${rfi.body.id}/replies`, { body: 'thinking', draft: true });
    await settle();
    expect(events().filter((e) => e.resource_name === 'RFI Replies')).toEqual([]);

    expect((await arch.patch(`${rfis}/${rfi.body.id}/replies/${draft.body.id}`, { draft: false })).status).toBe(200);
    const s = await pm.post(subs, { title: 'Pump curves', submittal_manager_id: sb.userId('gc_project_manager'), workflow: [{ approvers: [{ user_id: sb.userId('architect') }] }] });
    await pm.post(`${subs}/${s.body.id}/actions/submit`);
    await arch.post(`${subs}/${s.body.id}/responses`, { response: 'approved' });
    await settle();
    const seen = events();
    expect(seen).toEqual(expect.arrayContaining([
      expect.objectContaining({ resource_name: 'RFI Replies', resource_id: draft.body.id, event_type: 'create' }),
      expect.objectContaining({ resource_name: 'RFIs', resource_id: rfi.body.id, event_type: 'update' }),
      expect.objectContaining({ resource_name: 'Submittals', resource_id: s.body.id, event_type: 'update' }),
    ]));
    // Two Submittals updates: submitted (court to the architect), then approved (court back to the manager).
    expect(seen.filter((e) => e.resource_name === 'Submittals' && e.resource_id === s.body.id)).toHaveLength(2);
    for (const e of seen) expect(Object.keys(e).sort()).toEqual(['api_version', 'company_id', 'event_type', 'id', 'project_id', 'resource_id', 'resource_name', 'timestamp', 'ulid', 'user_id']);
    expect(JSON.stringify(seen)).not.toMatch(/Confidential|Secret scope/);

    const sub = await sb.as('subcontractor');
    expectError(await sub.post(`/rest/v1.0/projects/${p1}/webhooks/hooks`, { namespace: 'peek', destination_url: receiver.url }), 403, 'permission_denied');
    expectError(await sub.get(`${rfis}/${rfi.body.id}`), 403, 'permission_denied');
  });

  it('keeps another company’s private RFI out of a subcontractor’s device feed, before and after sync', async () => {
    const sub = await sb.as('subcontractor');
    const h = { 'x-device-id': 'sub-tablet' };
    const first = await sub.get(`${rfis}?per_page=1000`, { headers: h });
    expect(first.headers['x-device-view']).toBe('live');
    const pm = await sb.as('gc_project_manager');
    const secret = await pm.post(rfis, { subject: 'Owner contingency', question: 'q', rfi_manager_id: sb.userId('gc_project_manager'), assignee_ids: [sb.userId('owner_rep')], private: true, draft: false });
    const open = await pm.post(rfis, { subject: 'Public question', question: 'q', rfi_manager_id: sb.userId('gc_project_manager'), assignee_ids: [sb.userId('architect')], draft: false });
    await settle();
    expect((await api.post('/_sim/devices/sub-tablet/actions/sync', undefined, sim)).status).toBe(200);
    await settle();
    const after = await sub.get(`${rfis}?per_page=1000`, { headers: h });
    const ids = after.body.map((r: { id: number }) => r.id);
    expect(ids).toContain(open.body.id);
    expect(ids).not.toContain(secret.body.id);
    expect(Number(after.headers.total)).toBe(after.body.length);
    expectError(await sub.get(`${rfis}/${secret.body.id}`, { headers: h }), 403, 'permission_denied');
    const search = await sub.get(`${rfis}?filters[query]=contingency`, { headers: h });
    expect(search.body).toEqual([]);
  });
});
