import { routeTable } from '../../src/permissions/route-inventory';
import { Answer, ApiClient } from '../support/api-client';
import { expectError } from '../support/assertions';
import { TrainingSandbox } from '../support/sandbox';
import { TestApp } from '../support/test-app';

/**
 * Every editable RFI and submittal route (PATCH, DELETE, actions) refuses a
 * stale If-Match with 409 and changes nothing. The table must name every such
 * route the app declares, under v1.0 and v1.1.
 */
describe('a stale If-Match on every editable RFI and submittal route', () => {
  let t: TestApp;
  let sb: TrainingSandbox;
  let pm: ApiClient;
  let p: number;

  beforeAll(async () => {
    t = await TestApp.start();
    sb = await TrainingSandbox.create(t.client(), 'if-match');
    await sb.relaxLimits();
    pm = await sb.as('gc_project_manager');
    p = sb.project();
  });
  afterAll(() => t.stop());

  const ok = (res: Answer, what: string) => {
    if (res.status >= 300) throw new Error(`setup ${what}: ${res.status} ${res.text}`);
    return res.body;
  };
  const rfis = () => `/rest/v1.0/projects/${p}/rfis`;
  const subs = (v = '1.0') => `/rest/v1.${v === '1.1' ? '1' : '0'}/projects/${p}/submittals`;

  async function rfi(state: 'draft' | 'open' | 'closed') {
    const r = ok(await pm.post(rfis(), { subject: 'If-Match', question: 'q', rfi_manager_id: sb.userId('gc_project_manager'), draft: state === 'draft' }), 'rfi');
    if (state === 'closed') ok(await pm.post(`${rfis()}/${r.id}/actions/close`), 'close');
    return r.id as number;
  }
  async function submittal(state: 'draft' | 'in_review' | 'complete' | 'closed') {
    const s = ok(await pm.post(subs(), { title: 'If-Match', submittal_manager_id: sb.userId('gc_project_manager'), workflow: [{ approvers: [{ user_id: sb.userId('gc_project_manager') }] }] }), 'submittal');
    if (state !== 'draft') ok(await pm.post(`${subs()}/${s.id}/actions/submit`), 'submit');
    if (state === 'complete' || state === 'closed') ok(await pm.post(`${subs()}/${s.id}/responses`, { response: 'approved' }), 'respond');
    if (state === 'closed') ok(await pm.post(`${subs()}/${s.id}/actions/close`), 'close');
    return s.id as number;
  }

  /** Route pattern → the concrete path of an item in the state the route needs, and the path that shows its state. */
  const setups: Record<string, (v: string) => Promise<{ path: string; read: string }>> = {
    'PATCH /rfis/:rfi_id': async () => ({ path: `${rfis()}/${await rfi('draft')}`, read: '' }),
    'DELETE /rfis/:rfi_id': async () => ({ path: `${rfis()}/${await rfi('open')}`, read: '' }),
    'POST /rfis/:rfi_id/actions/open': async () => ({ path: `${rfis()}/${await rfi('draft')}/actions/open`, read: '' }),
    'POST /rfis/:rfi_id/actions/close': async () => ({ path: `${rfis()}/${await rfi('open')}/actions/close`, read: '' }),
    'POST /rfis/:rfi_id/actions/reopen': async () => ({ path: `${rfis()}/${await rfi('closed')}/actions/reopen`, read: '' }),
    'PATCH /rfis/:rfi_id/replies/:reply_id': async () => {
      const id = await rfi('open');
      const reply = ok(await pm.post(`${rfis()}/${id}/replies`, { body: 'draft', draft: true }), 'reply');
      return { path: `${rfis()}/${id}/replies/${reply.id}`, read: `${rfis()}/${id}/replies` };
    },
    'POST /rfis/:rfi_id/replies/:reply_id/actions/mark_official': async () => {
      const id = await rfi('open');
      const reply = ok(await pm.post(`${rfis()}/${id}/replies`, { body: 'answer' }), 'reply');
      return { path: `${rfis()}/${id}/replies/${reply.id}/actions/mark_official`, read: `${rfis()}/${id}` };
    },
    'PATCH /submittals/:submittal_id': async (v) => ({ path: `${subs(v)}/${await submittal('draft')}`, read: '' }),
    'DELETE /submittals/:submittal_id': async (v) => ({ path: `${subs(v)}/${await submittal('in_review')}`, read: '' }),
    'POST /submittals/:submittal_id/actions/submit': async (v) => ({ path: `${subs(v)}/${await submittal('draft')}/actions/submit`, read: '' }),
    'POST /submittals/:submittal_id/actions/distribute': async (v) => ({ path: `${subs(v)}/${await submittal('complete')}/actions/distribute`, read: '' }),
    'POST /submittals/:submittal_id/actions/close': async (v) => ({ path: `${subs(v)}/${await submittal('in_review')}/actions/close`, read: '' }),
    'POST /submittals/:submittal_id/actions/revise': async (v) => ({ path: `${subs(v)}/${await submittal('closed')}/actions/revise`, read: '' }),
    'PATCH /submittals/:submittal_id/responses/:response_id': async (v) => {
      const id = await submittal('in_review');
      const r = ok(await pm.post(`${subs()}/${id}/responses`, { response: 'approved', draft: true }), 'response');
      return { path: `${subs(v)}/${id}/responses/${r.id}`, read: `${subs()}/${id}` };
    },
    'PATCH /submittal_packages/:package_id': async (v) => ({ path: `/rest/v1.${v === '1.1' ? 1 : 0}/projects/${p}/submittal_packages/${ok(await pm.post(`/rest/v1.0/projects/${p}/submittal_packages`, { title: 'P' }), 'package').id}`, read: '' }),
    'DELETE /submittal_packages/:package_id': async (v) => ({ path: `/rest/v1.${v === '1.1' ? 1 : 0}/projects/${p}/submittal_packages/${ok(await pm.post(`/rest/v1.0/projects/${p}/submittal_packages`, { title: 'P' }), 'package').id}`, read: '' }),
  };

  /** The editable routes the app declares for RFIs, submittals and packages. */
  function editableRoutes(): { method: string; version: string; key: string }[] {
    return routeTable(t.app)
      .filter((r) => /^\/rest\/v1\.[01]\/projects\/:project_id\/(rfis|submittals|submittal_packages)\//.test(r.path))
      .filter((r) => r.method === 'PATCH' || r.method === 'DELETE' || (r.method === 'POST' && r.path.includes('/actions/')))
      .map((r) => ({ method: r.method, version: r.path.slice(6, 9), key: `${r.method} ${r.path.replace(/^\/rest\/v1\.[01]\/projects\/:project_id/, '')}` }));
  }

  it('covers every editable route the app declares', () => {
    expect([...new Set(editableRoutes().map((r) => r.key))].sort()).toEqual(Object.keys(setups).sort());
  });

  it('answers 409 edit_conflict to a stale If-Match and changes nothing, on each route', async () => {
    const routes = editableRoutes();
    expect(routes.length).toBeGreaterThan(20);
    for (const route of routes) {
      const { path, read } = await setups[route.key](route.version);
      const show = read || path.replace(/\/actions\/\w+$/, '');
      const before = await pm.get(show);
      const res = await pm.request(route.method, path, { headers: { 'if-match': '"999"' }, body: route.method === 'DELETE' ? undefined : {} });
      expectError(res, 409, 'edit_conflict');
      expect(`${route.method} ${path}: ${JSON.stringify((await pm.get(show)).body)}`).toBe(`${route.method} ${path}: ${JSON.stringify(before.body)}`);
    }
  });
});
