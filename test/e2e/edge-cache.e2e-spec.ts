import { ApiClient } from '../support/api-client';
import { TrainingSandbox } from '../support/sandbox';
import { TestApp } from '../support/test-app';

describe('the edge cache', () => {
  let t: TestApp;
  let api: ApiClient;
  let sb: TrainingSandbox;
  let url: string;

  beforeAll(async () => {
    t = await TestApp.start();
    api = t.client();
    sb = await TrainingSandbox.create(api, 'edge');
    await sb.relaxLimits();
    url = `/rest/v1.0/projects/${sb.project()}/users?per_page=2`;
  });
  afterAll(() => t.stop());

  it('is off by default: no cache headers', async () => {
    const pm = await sb.as('gc_project_manager');
    const res = await pm.get(url);
    expect(res.headers['x-cache']).toBeUndefined();
  });

  describe('when switched on', () => {
    beforeAll(async () => {
      await api.patch(`/_sim/sandboxes/${sb.info.id}/settings`, { edge_cache: { enabled: true, ttl_seconds: 300 } });
    });

    it('answers a repeat GET from the cache with Age and X-Cache, paging headers included', async () => {
      const pm = await sb.as('gc_project_manager');
      const miss = await pm.get(`${url}&probe=1`);
      expect(miss.headers['x-cache']).toBe('MISS');
      const hit = await pm.get(`${url}&probe=1`);
      expect(hit.headers['x-cache']).toBe('HIT');
      expect(Number(hit.headers.age)).toBeGreaterThanOrEqual(0);
      expect(hit.body).toEqual(miss.body);
      expect(hit.headers.total).toBe(miss.headers.total);
      expect(hit.headers.link).toBe(miss.headers.link);
    });

    it('serves the old copy after a change until a no-cache request refreshes it', async () => {
      const pm = await sb.as('gc_project_manager');
      const listUrl = `/rest/v1.0/projects/${sb.project()}/users?per_page=100`;
      const before = await pm.get(listUrl);
      const admin = await sb.as('company_admin');
      await admin.delete(`/rest/v1.0/projects/${sb.project()}/users/${sb.userId('owner_rep')}`);
      const stale = await pm.get(listUrl);
      expect(stale.headers['x-cache']).toBe('HIT');
      expect(stale.body).toEqual(before.body);
      const fresh = await pm.get(listUrl, { headers: { 'cache-control': 'no-cache' } });
      expect(fresh.headers['x-cache']).toBe('BYPASS');
      expect(fresh.body.map((m: { id: number }) => m.id)).not.toContain(sb.userId('owner_rep'));
      const after = await pm.get(listUrl);
      expect(after.headers['x-cache']).toBe('HIT');
      expect(after.body).toEqual(fresh.body);
    });

    it('never serves one user the answer made for another', async () => {
      const pm = await sb.as('gc_project_manager');
      const sup = await sb.as('superintendent');
      const mine = await pm.get('/rest/v1.0/me');
      const theirs = await sup.get('/rest/v1.0/me');
      expect(theirs.headers['x-cache']).toBe('MISS');
      expect(theirs.body.id).toBe(sb.userId('superintendent'));
      expect((await pm.get('/rest/v1.0/me')).body.id).toBe(mine.body.id);
    });

    it('still applies permissions before a cached answer', async () => {
      const sup = await sb.as('superintendent');
      const p = `/rest/v1.0/projects/${sb.project()}`;
      expect((await sup.get(p)).status).toBe(200);
      const admin = await sb.as('company_admin');
      await admin.delete(`/rest/v1.0/projects/${sb.project()}/users/${sb.userId('superintendent')}`);
      const res = await sup.get(p);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('not_project_member');
    });
  });
});
