import { ApiClient } from '../support/api-client';
import { routeTable, RouteInfo } from '../../src/permissions/route-inventory';
import { TrainingSandbox } from '../support/sandbox';
import { TestApp } from '../support/test-app';

/**
 * Every project route called with the id of another company's project, and of
 * a project of the same company the caller is not on: 404 or 403, never data.
 */
describe('tenant isolation sweep', () => {
  let t: TestApp;
  let api: ApiClient;
  let sb: TrainingSandbox;
  let other: TrainingSandbox;
  let routes: RouteInfo[];

  beforeAll(async () => {
    t = await TestApp.start();
    api = t.client();
    sb = await TrainingSandbox.create(api, 'ours');
    other = await TrainingSandbox.create(api, 'theirs');
    await sb.relaxLimits();
    routes = routeTable(t.app);
  });
  afterAll(() => t.stop());

  function url(route: RouteInfo, projectId: number, companyId: number): string {
    const path = route.path
      .replace(':project_id', String(projectId))
      .replace(':company_id', String(companyId))
      .replace(':user_id', String(sb.userId('architect')))
      .replace(':tool', 'rfis')
      .replace(/:[a-z_]+/g, '1');
    const query = route.access?.kind === 'action' && route.access.projectFrom === 'query' ? `?project_id=${projectId}` : '';
    const explain = path.endsWith('/permissions/explain') ? `${query ? '&' : '?'}action=rfis.view` : '';
    return `${path}${query}${explain}`;
  }

  const projectRoutes = (): RouteInfo[] =>
    routes.filter((r) => r.path.includes(':project_id') || (r.access?.kind === 'action' && r.access.projectFrom === 'query'));

  function body(method: string): Record<string, unknown> | undefined {
    return method === 'POST' || method === 'PATCH' ? { name: 'x', user_id: 1, permission_template_id: 1 } : undefined;
  }

  it('covers the project routes', () => {
    expect(projectRoutes().length).toBeGreaterThan(10);
  });

  it("answers 404 for another company's project on every project route, even for a company admin", async () => {
    const admin = await sb.as('company_admin');
    const leaks: string[] = [];
    for (const route of projectRoutes()) {
      const res = await admin.request(route.method, url(route, other.project(), sb.companyId), { body: body(route.method) });
      if (res.status !== 404 || res.body?.error?.code !== 'not_found') leaks.push(`${route.method} ${route.path} → ${res.status} ${res.text.slice(0, 120)}`);
    }
    expect(leaks).toEqual([]);
  });

  it('answers 403 not_project_member for a project of the same company the caller is not on', async () => {
    const sub = await sb.as('subcontractor');
    const leaks: string[] = [];
    for (const route of projectRoutes().filter((r) => r.access?.kind === 'action')) {
      const res = await sub.request(route.method, url(route, sb.project('second'), sb.companyId), { body: body(route.method) });
      if (res.status !== 403 || res.body?.error?.code !== 'not_project_member') leaks.push(`${route.method} ${route.path} → ${res.status} ${res.text.slice(0, 120)}`);
    }
    expect(leaks).toEqual([]);
  });

  it('explains a non-member their own access without showing project data', async () => {
    const sub = await sb.as('subcontractor');
    const res = await sub.get(`/rest/v1.0/projects/${sb.project('second')}/permissions/explain?action=directory.view`);
    expect(res.status).toBe(200);
    expect(res.body.allowed).toBe(false);
    expect(res.body.denied_at.code).toBe('not_project_member');
    expect(JSON.stringify(res.body)).not.toContain('Harbor Logistics Warehouse');
  });

  it("answers 403 not_in_company on every company route with another company's id", async () => {
    const admin = await sb.as('company_admin');
    const leaks: string[] = [];
    for (const route of routes.filter((r) => r.path.includes(':company_id'))) {
      const res = await admin.request(route.method, url(route, sb.project(), other.companyId), { body: body(route.method) });
      if (res.status !== 403 || res.body?.error?.code !== 'not_in_company') leaks.push(`${route.method} ${route.path} → ${res.status}`);
    }
    expect(leaks).toEqual([]);
  });

  it("never shows another company's users, vendors or templates by id", async () => {
    const admin = await sb.as('company_admin');
    const their = other.userId('gc_project_manager');
    for (const path of [
      `/rest/v1.0/companies/${sb.companyId}/users/${their}`,
      `/rest/v1.0/projects/${sb.project()}/users/${their}`,
    ]) {
      const res = await admin.get(path);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
    const patch = await admin.patch(`/rest/v1.0/companies/${sb.companyId}/users/${their}`, { name: 'Hijacked' });
    expect(patch.status).toBe(404);
    const row = await t.db.query('SELECT name FROM users WHERE id = $1', [their]);
    expect(row.rows[0].name).not.toBe('Hijacked');
  });
});
