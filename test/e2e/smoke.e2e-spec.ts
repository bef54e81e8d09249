import { ApiClient } from '../support/api-client';
import { TrainingSandbox } from '../support/sandbox';
import { TestApp } from '../support/test-app';

describe('a training sandbox end to end', () => {
  let t: TestApp;
  let api: ApiClient;
  let sb: TrainingSandbox;

  beforeAll(async () => {
    t = await TestApp.start();
    api = t.client();
    sb = await TrainingSandbox.create(api);
  });
  afterAll(() => t.stop());

  it('signs a persona in and answers /me with the company', async () => {
    const pm = await sb.as('gc_project_manager');
    const me = await pm.get('/rest/v1.0/me');
    expect(me.status).toBe(200);
    expect(me.body).toEqual({
      id: sb.userId('gc_project_manager'),
      login: sb.persona('gc_project_manager').email,
      name: 'Morgan Reyes',
      company_ids: [sb.companyId],
    });
  });

  it('answers health with every dependency up', async () => {
    const res = await api.get('/health');
    expect(res.status).toBe(200);
    expect(res.body.checks.postgres.ok).toBe(true);
    expect(res.body.checks.redis.ok).toBe(true);
  });
});
