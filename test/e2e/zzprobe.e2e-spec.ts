import { ApiClient } from '../support/api-client';
import { TrainingSandbox } from '../support/sandbox';
import { TestApp } from '../support/test-app';

describe('probe', () => {
  let t: TestApp;
  let api: ApiClient;
  let sb: TrainingSandbox;
  beforeAll(async () => {
    t = await TestApp.start({ env: { SIM_BODY_LIMIT_BYTES: '4096' } });
    api = t.client();
    sb = await TrainingSandbox.create(api);
    await sb.relaxLimits();
  });
  afterAll(() => t.stop());

  it('probes', async () => {
    const a = await sb.as('company_admin');
    const cid = sb.companyId;
    const show = (label: string, r: { status: number; headers: unknown; text: string }) =>
      console.log(label, r.status, JSON.stringify(r.headers), r.text.slice(0, 600));
    show('malformed', await a.request('POST', `/rest/v1.0/companies/${cid}/vendors`, { raw: '{"name":' }));
    show('ctype', await a.request('POST', `/rest/v1.0/companies/${cid}/vendors`, { raw: 'name=x', headers: { 'content-type': 'text/plain' } }));
    show('ctype-form', await a.request('POST', `/rest/v1.0/companies/${cid}/vendors`, { raw: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }));
    show('big', await a.request('POST', `/rest/v1.0/companies/${cid}/vendors`, { body: { name: 'x'.repeat(5000) } }));
    show('array', await a.request('POST', `/rest/v1.0/companies/${cid}/vendors`, { raw: '[1,2]' }));
    show('string', await a.request('POST', `/rest/v1.0/companies/${cid}/vendors`, { raw: '"abc"' }));
    show('types', await a.post(`/rest/v1.0/companies/${cid}/vendors`, { name: 5, bogus: 1 }));
    show('nohdr', await a.get(`/rest/v1.0/companies/${cid}/vendors`, { company: null }));
    show('badhdr', await a.get(`/rest/v1.0/companies/${cid}/vendors`, { headers: { 'procore-company-id': 'abc' } }));
    show('unknown', await a.get(`/rest/v1.0/nope`));
    show('unknown2', await api.get(`/nope`));
    show('nonnum', await a.get(`/rest/v1.0/companies/${cid}/vendors/abc`));
    show('nonnumproj', await a.get(`/rest/v1.0/projects/abc`));
    show('page', await a.get(`/rest/v1.0/companies/${cid}/vendors?page=-1&per_page=0`));
    show('proto', await a.request('POST', `/rest/v1.0/companies/${cid}/vendors`, { raw: '{"__proto__":{"x":1},"name":"p"}' }));
    show('put', await a.request('PUT', `/rest/v1.0/companies/${cid}/vendors`, { body: {} }));
    show('noauth', await api.get(`/rest/v1.0/companies/${cid}/vendors`));
  });
});
