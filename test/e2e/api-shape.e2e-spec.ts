import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import type { Client } from 'pg';
import { Answer, ApiClient, RequestOptions } from '../support/api-client';
import { TrainingSandbox } from '../support/sandbox';
import { TestApp } from '../support/test-app';
import { expectError, fieldsOf, header } from '../support/assertions';

/**
 * The shared API behaviour (API.md: Errors, Lists, Writes, Rate limits) and bad
 * input. Every answer any test receives is recorded, and no test may see a 5xx.
 */

interface Seen {
  method: string;
  url: string;
  status: number;
  text: string;
}

/** An ApiClient that records every answer, so that a 5xx anywhere fails the test that caused it. */
class RecordingClient extends ApiClient {
  constructor(
    private readonly appRef: NestFastifyApplication,
    private readonly log: Seen[],
    private readonly preset: RequestOptions = {},
  ) {
    super(appRef, preset);
  }

  override as(token: string, company?: number): ApiClient {
    return new RecordingClient(this.appRef, this.log, { ...this.preset, token, company });
  }

  override async request<T = any>(method: string, url: string, options: RequestOptions = {}): Promise<Answer<T>> {
    const res = await super.request<T>(method, url, options);
    this.log.push({ method, url: url.slice(0, 200), status: res.status, text: res.text.slice(0, 300) });
    return res;
  }
}

async function count(db: Client, sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await db.query(`SELECT count(*)::int AS n FROM ${sql}`, params);
  return rows[0].n as number;
}

function parseLinks(value: string | undefined): Record<string, URL> {
  const out: Record<string, URL> = {};
  for (const part of (value ?? '').split(',')) {
    const m = /<([^>]+)>;\s*rel="(\w+)"/.exec(part.trim());
    if (m) out[m[2]] = new URL(m[1]);
  }
  return out;
}

const unique = (prefix: string): string => `${prefix} ${randomBytes(4).toString('hex')}`;

describe('the shared API shape and bad input', () => {
  let t: TestApp;
  let api: ApiClient;
  let sb: TrainingSandbox;
  let other: TrainingSandbox;
  let admin: ApiClient;
  let cid: number;
  const seen: Seen[] = [];

  beforeAll(async () => {
    t = await TestApp.start();
    api = new RecordingClient(t.app, seen);
    sb = await TrainingSandbox.create(api, 'shape');
    other = await TrainingSandbox.create(api, 'other company');
    await sb.relaxLimits();
    await other.relaxLimits();
    admin = await sb.as('company_admin');
    cid = sb.companyId;
  });
  afterAll(() => t.stop());

  beforeEach(() => {
    seen.length = 0;
  });
  afterEach(() => {
    expect(seen.filter((s) => s.status >= 500)).toEqual([]);
  });

  const vendors = (): string => `/rest/v1.0/companies/${cid}/vendors`;

  describe('bodies', () => {
    it('answers malformed JSON with 400 invalid_request and creates nothing', async () => {
      const before = await count(t.db, 'vendors');
      const res = await admin.request('POST', vendors(), { raw: '{"name": "Half' });
      expectError(res, 400, 'invalid_request');
      expect(await count(t.db, 'vendors')).toBe(before);
    });

    it('answers a POST with a non-JSON content type with 400 invalid_request and creates nothing', async () => {
      const before = await count(t.db, 'vendors');
      for (const type of ['text/plain', 'application/xml', 'text/csv', 'application/x-www-form-urlencoded']) {
        const res = await admin.request('POST', vendors(), { raw: 'name=Plain Text Co', headers: { 'content-type': type } });
        expectError(res, 400, 'invalid_request');
      }
      expect(await count(t.db, 'vendors')).toBe(before);
    });

    it('says in plain words that the content type is not supported', async () => {
      const res = await admin.request('POST', vendors(), { raw: '<vendor/>', headers: { 'content-type': 'application/xml' } });
      expect(res.body.error.message).toMatch(/Content-Type is not supported; send application\/json/);
    });

    it('answers a JSON array or string body with 422 validation_failed', async () => {
      const before = await count(t.db, 'vendors');
      for (const raw of ['[{"name":"In An Array"}]', '"just a string"', '42', 'true']) {
        const res = await admin.request('POST', vendors(), { raw });
        expectError(res, 422, 'validation_failed');
        expect(fieldsOf(res)).toEqual(['(body)']);
      }
      expect(await count(t.db, 'vendors')).toBe(before);
    });

    it('refuses a body with a prototype-polluting key as invalid JSON', async () => {
      const res = await admin.request('POST', vendors(), { raw: '{"__proto__": {"admin": true}, "name": "Proto Co"}' });
      expectError(res, 400, 'invalid_request');
      expect(await count(t.db, 'vendors WHERE name = $1', ['Proto Co'])).toBe(0);
    });

    it('names every wrong-typed and unknown field in details.fields with 422 validation_failed', async () => {
      const before = await count(t.db, 'vendors');
      const res = await admin.post(vendors(), { name: 5, bogus: 1, trade: ['x'], email_address: 'not-an-email' });
      expectError(res, 422, 'validation_failed');
      const fields = res.body.error.details.fields as { field: string; message: string }[];
      for (const f of fields) expect(f).toEqual({ field: expect.any(String), message: expect.any(String) });
      expect(new Set(fieldsOf(res))).toEqual(new Set(['name', 'bogus', 'trade', 'email_address']));
      expect(fields.find((f) => f.field === 'bogus')!.message).toMatch(/not a known field/);
      expect(await count(t.db, 'vendors')).toBe(before);
    });

    it('rejects unknown and wrong-typed fields on user, template and project creation too', async () => {
      const users = await t.db.query('SELECT count(*)::int AS n FROM users');
      const cases: [string, unknown, string[]][] = [
        [`/rest/v1.0/companies/${cid}/users`, { name: 'A', email: 7, admin: true }, ['email', 'admin']],
        [`/rest/v1.0/companies/${cid}/permission_templates`, { name: 'T', scope: 'galaxy', levels: 'all', extra: 1 }, ['scope', 'levels', 'extra']],
        [`/rest/v1.0/companies/${cid}/projects`, { name: 'P', rfi_due_days: '7', budget: 10 }, ['rfi_due_days', 'budget']],
      ];
      for (const [url, body, expected] of cases) {
        const res = await admin.post(url, body);
        expectError(res, 422, 'validation_failed');
        expect(new Set(fieldsOf(res))).toEqual(new Set(expected));
      }
      expect((await t.db.query('SELECT count(*)::int AS n FROM users')).rows[0].n).toBe(users.rows[0].n);
    });

    it('answers a 1 MB name with 422 on vendor, user, template and project creation (not 413, not 500)', async () => {
      const huge = 'x'.repeat(1024 * 1024);
      const cases: [string, Record<string, unknown>, string][] = [
        [vendors(), { name: huge }, 'vendors'],
        [`/rest/v1.0/companies/${cid}/users`, { name: huge, email: 'huge.name@example.com' }, 'users'],
        [`/rest/v1.0/companies/${cid}/permission_templates`, { name: huge, scope: 'project', levels: {} }, 'permission_templates'],
        [`/rest/v1.0/companies/${cid}/projects`, { name: huge }, 'projects'],
      ];
      for (const [url, body, table] of cases) {
        const before = await count(t.db, table);
        const res = await admin.post(url, body);
        expectError(res, 422, 'validation_failed');
        expect(fieldsOf(res)).toContain('name');
        expect(await count(t.db, table)).toBe(before);
      }
    });

    it('answers a body over the configured limit with 413 in the standard shape and creates nothing', async () => {
      const small = await TestApp.start({ env: { SIM_BODY_LIMIT_BYTES: '4096' } });
      const log: Seen[] = [];
      try {
        const client = new RecordingClient(small.app, log);
        const s = await TrainingSandbox.create(client, 'small body limit');
        await s.relaxLimits();
        const a = await s.as('company_admin');
        const before = await count(small.db, 'vendors');
        const res = await a.post(`/rest/v1.0/companies/${s.companyId}/vendors`, { name: 'Big Body Co', trade: 'y'.repeat(5000) });
        expect(res.status).toBe(413);
        expect(res.body.error).toMatchObject({ status: 413, code: expect.any(String), request_id: header(res, 'x-request-id') });
        expect(await count(small.db, 'vendors')).toBe(before);
        // Under the limit, the same app accepts the request.
        const fits = await a.post(`/rest/v1.0/companies/${s.companyId}/vendors`, { name: 'Small Body Co' });
        expect(fits.status).toBe(201);
      } finally {
        await small.stop();
      }
      expect(log.filter((s) => s.status >= 500)).toEqual([]);
    });
  });

  describe('values PostgreSQL cannot take', () => {
    it('answers a NUL character in any body string with 422 naming the field, writing nothing', async () => {
      const project = sb.project('first');
      const cases: [string, string, Record<string, unknown>, string, string][] = [
        ['POST', vendors(), { name: 'Nul\u0000Co' }, 'name', 'vendors'],
        ['POST', vendors(), { name: unique('Nul Trade'), trade: 'a\u0000b' }, 'trade', 'vendors'],
        ['POST', `/rest/v1.0/companies/${cid}/users`, { name: 'Nul', email: 'nul@example.com', job_title: '\u0000' }, 'job_title', 'users'],
        ['POST', `/rest/v1.0/companies/${cid}/permission_templates`, { name: 'Nul\u0000T', scope: 'project', levels: {} }, 'name', 'permission_templates'],
        ['POST', `/rest/v1.0/companies/${cid}/projects`, { name: 'Nul P', address: 'x\u0000' }, 'address', 'projects'],
        ['PATCH', `/rest/v1.0/projects/${project}`, { name: 'Nul\u0000Rename' }, 'name', 'projects'],
      ];
      for (const [method, url, body, field, table] of cases) {
        const before = await t.db.query(`SELECT count(*)::int AS n, max(version)::int AS v FROM ${table}`);
        const res = await admin.request(method, url, { body });
        expectError(res, 422, 'validation_failed');
        expect(fieldsOf(res)).toEqual([field]);
        expect((await t.db.query(`SELECT count(*)::int AS n, max(version)::int AS v FROM ${table}`)).rows).toEqual(before.rows);
      }
    });

    it('answers a NUL character in a text filter with 422', async () => {
      const res = await admin.get(`${vendors()}?filters[query]=a%00b`);
      expectError(res, 422, 'validation_failed');
      expect(fieldsOf(res)).toEqual(['filters[query]']);
    });

    it('answers ids beyond the integer range in bodies and filters with 422, not 500', async () => {
      const big = 2 ** 31;
      const project = sb.project('first');
      const member = await admin.post(`/rest/v1.0/projects/${project}/users`, { user_id: big, permission_template_id: big });
      expectError(member, 422, 'validation_failed');
      expect(new Set(fieldsOf(member))).toEqual(new Set(['user_id', 'permission_template_id']));
      const user = await admin.post(`/rest/v1.0/companies/${cid}/users`, { name: 'Big', email: 'big.ids@example.com', vendor_id: 99999999999, permission_template_id: big });
      expectError(user, 422, 'validation_failed');
      expect(new Set(fieldsOf(user))).toEqual(new Set(['vendor_id', 'permission_template_id']));
      expect(await count(t.db, 'users WHERE email = $1', ['big.ids@example.com'])).toBe(0);
      const change = await admin.patch(`/rest/v1.0/projects/${project}/users/${sb.userId('architect')}`, { permission_template_id: big });
      expectError(change, 422, 'validation_failed');
      for (const [url, field] of [
        [`/rest/v1.0/companies/${cid}/users?filters[vendor_id]=${big}`, 'filters[vendor_id]'],
        [`/rest/v1.0/companies/${cid}/users?filters[ids]=1,${big}`, 'filters[ids]'],
        [`/rest/v1.0/companies/${cid}/permission_templates?filters[project_id]=99999999999`, 'filters[project_id]'],
        [`/rest/v1.0/projects/${project}/users?filters[vendor_id]=${big}`, 'filters[vendor_id]'],
      ]) {
        const res = await admin.get(url);
        expectError(res, 422, 'validation_failed');
        expect(fieldsOf(res)).toEqual([field]);
      }
      // The largest id is still a valid (unknown) reference.
      const largest = await admin.get(`/rest/v1.0/companies/${cid}/users?filters[vendor_id]=2147483647`);
      expect(largest.status).toBe(200);
      expect(largest.body).toEqual([]);
    });

    it('answers null for a field that cannot be empty with 422 and writes nothing, while null clears a clearable field', async () => {
      const vendor = (await admin.post(vendors(), { name: unique('Null Target'), trade: 'Glazing' })).body;
      const user = (await admin.post(`/rest/v1.0/companies/${cid}/users`, { name: 'Null Target', email: `null.${randomBytes(3).toString('hex')}@example.com`, job_title: 'Glazier' })).body;
      const tpl = (await admin.post(`/rest/v1.0/companies/${cid}/permission_templates`, { name: unique('Null Target'), scope: 'project', levels: { rfis: 'read_only' } })).body;
      const project = (await admin.post(`/rest/v1.0/companies/${cid}/projects`, { name: unique('Null Target') })).body;
      const cases: [string, Record<string, unknown>, string][] = [
        [`${vendors()}/${vendor.id}`, { name: null }, 'name'],
        [`${vendors()}/${vendor.id}`, { is_active: null }, 'is_active'],
        [`/rest/v1.0/companies/${cid}/users/${user.id}`, { name: null }, 'name'],
        [`/rest/v1.0/companies/${cid}/users/${user.id}`, { email: null }, 'email'],
        [`/rest/v1.0/projects/${project.id}`, { name: null }, 'name'],
        [`/rest/v1.0/projects/${project.id}`, { active: null }, 'active'],
        [`/rest/v1.0/companies/${cid}/permission_templates/${tpl.id}`, { name: null }, 'name'],
        [`/rest/v1.0/companies/${cid}/permission_templates/${tpl.id}`, { assignable: null }, 'assignable'],
        [`/rest/v1.0/companies/${cid}/permission_templates/${tpl.id}`, { levels: null }, 'levels'],
        [`/rest/v1.0/companies/${cid}/permission_templates/${tpl.id}`, { granular: null }, 'granular'],
      ];
      for (const [url, body, field] of cases) {
        const res = await admin.patch(url, body);
        expectError(res, 422, 'validation_failed');
        expect(new Set(fieldsOf(res))).toEqual(new Set([field]));
      }
      const versions = await t.db.query(
        `SELECT (SELECT version FROM vendors WHERE id = $1) AS v, (SELECT version FROM users WHERE id = $2) AS u,
                (SELECT version FROM permission_templates WHERE id = $3) AS t, (SELECT version FROM projects WHERE id = $4) AS p`,
        [vendor.id, user.id, tpl.id, project.id],
      );
      expect(versions.rows[0]).toEqual({ v: 1, u: 1, t: 1, p: 1 });

      const clearTrade = await admin.patch(`${vendors()}/${vendor.id}`, { trade: null });
      expect(clearTrade.status).toBe(200);
      expect(clearTrade.body.trade_name).toBeNull();
      const clearTitle = await admin.patch(`/rest/v1.0/companies/${cid}/users/${user.id}`, { job_title: null });
      expect(clearTitle.status).toBe(200);
      expect(clearTitle.body.job_title).toBeNull();
    });

    it('refuses keys named after Object.prototype members instead of dropping them or failing', async () => {
      const before = await count(t.db, 'permission_templates');
      for (const key of ['toString', 'hasOwnProperty', 'constructor', 'valueOf']) {
        const res = await admin.post(`/rest/v1.0/companies/${cid}/permission_templates`, { name: unique('Proto'), scope: 'project', levels: { [key]: 'admin' } });
        expectError(res, 422, 'validation_failed');
        expect(fieldsOf(res)).toEqual([`levels.${key}`]);
        const top = await admin.post(vendors(), { name: unique('Proto'), [key]: 'x' });
        expectError(top, 422, 'validation_failed');
        expect(fieldsOf(top)).toEqual([key]);
      }
      expect(await count(t.db, 'permission_templates')).toBe(before);
    });

    it('answers a deeply nested body with 422', async () => {
      const deep = '['.repeat(5000) + ']'.repeat(5000);
      const res = await admin.request('POST', vendors(), { raw: `{"name": "Deep Co", "bogus": ${deep}}` });
      expectError(res, 422, 'validation_failed');
      const levels = await admin.request('POST', `/rest/v1.0/companies/${cid}/permission_templates`, {
        raw: `{"name": "Deep", "scope": "project", "levels": {"rfis": ${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}}}`,
      });
      expectError(levels, 422, 'validation_failed');
      expect(await count(t.db, 'vendors WHERE name = $1', ['Deep Co'])).toBe(0);
    });
  });

  describe('company context', () => {
    it('answers a request without Procore-Company-Id with 400 company_header_missing', async () => {
      const token = await sb.token('company_admin');
      const res = await api.get(vendors(), { token });
      expectError(res, 400, 'company_header_missing');
    });

    it('answers a non-numeric Procore-Company-Id with 400 invalid_request', async () => {
      const token = await sb.token('company_admin');
      for (const company of ['abc', '-1', '0', '1.5', `${cid}abc`]) {
        const res = await api.get(vendors(), { token, company });
        expectError(res, 400, 'invalid_request');
      }
    });

    it("answers another company's id in the header or the path with 403 not_in_company", async () => {
      const token = await sb.token('company_admin');
      const otherCid = other.companyId;
      const headerOnly = await api.get(vendors(), { token, company: otherCid });
      expectError(headerOnly, 403, 'not_in_company');
      const pathOnly = await admin.get(`/rest/v1.0/companies/${otherCid}/vendors`);
      expectError(pathOnly, 403, 'not_in_company');
      const both = await api.get(`/rest/v1.0/companies/${otherCid}/vendors`, { token, company: otherCid });
      expectError(both, 403, 'not_in_company');
      const writeBefore = await count(t.db, 'vendors WHERE company_id = $1', [otherCid]);
      const write = await api.post(`/rest/v1.0/companies/${otherCid}/vendors`, { name: 'Intruder Co' }, { token, company: otherCid });
      expectError(write, 403, 'not_in_company');
      expect(await count(t.db, 'vendors WHERE company_id = $1', [otherCid])).toBe(writeBefore);
    });

    it('answers /projects?company_id= naming another company with 403 not_in_company, not with its own list', async () => {
      const own = await admin.get(`/rest/v1.0/projects?company_id=${cid}`);
      expect(own.status).toBe(200);
      expect(own.body.map((p: { id: number }) => p.id)).toEqual(expect.arrayContaining([sb.project('first'), sb.project('second')]));
      expectError(await admin.get(`/rest/v1.0/projects?company_id=${other.companyId}`), 403, 'not_in_company');
      const bad = await admin.get('/rest/v1.0/projects?company_id=abc');
      expectError(bad, 422, 'validation_failed');
      expect(fieldsOf(bad)).toEqual(['company_id']);
    });

    it("answers ids of another company's project, user, vendor and template with 404 not_found", async () => {
      const oa = await other.as('company_admin');
      const otherVendor = (await oa.get(`/rest/v1.0/companies/${other.companyId}/vendors?per_page=1`)).body[0].id as number;
      const otherTemplate = (await oa.get(`/rest/v1.0/companies/${other.companyId}/permission_templates?per_page=1`)).body[0].id as number;
      const otherProject = other.project('first');
      const otherUser = other.userId('gc_project_manager');
      const reads = [
        `/rest/v1.0/projects/${otherProject}`,
        `/rest/v1.0/projects/${otherProject}/users`,
        `/rest/v1.0/projects/${otherProject}/tools`,
        `/rest/v1.0/companies/${cid}/users/${otherUser}`,
        `/rest/v1.0/companies/${cid}/vendors/${otherVendor}`,
        `/rest/v1.0/companies/${cid}/permission_templates/${otherTemplate}`,
      ];
      for (const url of reads) expectError(await admin.get(url), 404, 'not_found');

      const vendorRow = await t.db.query('SELECT name, version FROM vendors WHERE id = $1', [otherVendor]);
      expectError(await admin.patch(`/rest/v1.0/companies/${cid}/vendors/${otherVendor}`, { name: 'Hijacked' }), 404, 'not_found');
      expectError(await admin.patch(`/rest/v1.0/companies/${cid}/users/${otherUser}`, { name: 'Hijacked' }), 404, 'not_found');
      expectError(await admin.patch(`/rest/v1.0/projects/${otherProject}`, { name: 'Hijacked' }), 404, 'not_found');
      expectError(await admin.delete(`/rest/v1.0/companies/${cid}/permission_templates/${otherTemplate}`), 404, 'not_found');
      expect((await t.db.query('SELECT name, version FROM vendors WHERE id = $1', [otherVendor])).rows).toEqual(vendorRow.rows);
      expect(await count(t.db, 'users WHERE id = $1 AND name = $2', [otherUser, 'Hijacked'])).toBe(0);
      expect(await count(t.db, 'projects WHERE id = $1 AND name = $2', [otherProject, 'Hijacked'])).toBe(0);
      expect(await count(t.db, 'permission_templates WHERE id = $1', [otherTemplate])).toBe(1);
    });

    it('answers non-numeric, zero and out-of-range ids in the path with 404 not_found', async () => {
      for (const id of ['abc', '0', '-3', '1.5', '99999999999', '1e3', "1'%20OR%20'1'='1"]) {
        expectError(await admin.get(`/rest/v1.0/companies/${cid}/vendors/${id}`), 404, 'not_found');
        expectError(await admin.get(`/rest/v1.0/companies/${cid}/users/${id}`), 404, 'not_found');
        expectError(await admin.get(`/rest/v1.0/companies/${cid}/permission_templates/${id}`), 404, 'not_found');
        expectError(await admin.get(`/rest/v1.0/projects/${id}`), 404, 'not_found');
      }
    });

    it('answers an unknown route with 404 not_found in the standard shape', async () => {
      expectError(await admin.get('/rest/v1.0/no_such_resource'), 404, 'not_found');
      expectError(await api.get('/definitely/not/here'), 404, 'not_found');
      expectError(await admin.request('PUT', vendors(), { body: { name: 'x' } }), 404, 'not_found');
    });
  });

  describe('lists', () => {
    const prefix = unique('Paging Vendor');
    const names = Array.from({ length: 7 }, (_, i) => `${prefix} ${String.fromCharCode(65 + i)}`);

    beforeAll(async () => {
      for (const name of names) {
        const res = await admin.post(vendors(), { name });
        if (res.status !== 201) throw new Error(`vendor ${name}: ${res.status} ${res.text}`);
      }
    });

    const list = (query: string): Promise<Answer> => admin.get(`${vendors()}?filters[query]=${encodeURIComponent(prefix)}&${query}`);

    it('answers Total, Per-Page and first/next/last links on the first page', async () => {
      const res = await list('per_page=2&page=1');
      expect(res.status).toBe(200);
      expect(res.body.map((v: { name: string }) => v.name)).toEqual(names.slice(0, 2));
      expect(header(res, 'total')).toBe('7');
      expect(header(res, 'per-page')).toBe('2');
      const links = parseLinks(header(res, 'link'));
      expect(Object.keys(links).sort()).toEqual(['first', 'last', 'next']);
      expect([links.first, links.next, links.last].map((u) => [u.searchParams.get('page'), u.searchParams.get('per_page')])).toEqual([
        ['1', '2'],
        ['2', '2'],
        ['4', '2'],
      ]);
      // The links keep the filter, so following them pages through the same list.
      expect(links.next.searchParams.get('filters[query]')).toBe(prefix);
    });

    it('answers all four links on a middle page and no next on the last page', async () => {
      const middle = await list('per_page=2&page=2');
      expect(middle.body.map((v: { name: string }) => v.name)).toEqual(names.slice(2, 4));
      const links = parseLinks(header(middle, 'link'));
      expect(Object.fromEntries(Object.entries(links).map(([rel, u]) => [rel, u.searchParams.get('page')]))).toEqual({
        first: '1',
        prev: '1',
        next: '3',
        last: '4',
      });

      const last = await list('per_page=2&page=4');
      expect(last.body.map((v: { name: string }) => v.name)).toEqual(names.slice(6));
      expect(header(last, 'total')).toBe('7');
      const lastLinks = parseLinks(header(last, 'link'));
      expect(Object.keys(lastLinks).sort()).toEqual(['first', 'last', 'prev']);
      expect(lastLinks.prev.searchParams.get('page')).toBe('3');
    });

    it('follows the next links through every item exactly once', async () => {
      const collected: string[] = [];
      let next: string | undefined = `${vendors()}?filters[query]=${encodeURIComponent(prefix)}&per_page=2`;
      for (let guard = 0; next && guard < 10; guard++) {
        const res: Answer = await admin.get(next);
        expect(res.status).toBe(200);
        collected.push(...res.body.map((v: { name: string }) => v.name));
        const link: URL | undefined = parseLinks(header(res, 'link')).next;
        next = link ? `${link.pathname}${link.search}` : undefined;
      }
      expect(collected).toEqual(names);
    });

    it('orders descending with sort=-name and ascending with sort=name', async () => {
      const desc = await list('sort=-name');
      expect(desc.status).toBe(200);
      expect(desc.body.map((v: { name: string }) => v.name)).toEqual([...names].reverse());
      const asc = await list('sort=name');
      expect(asc.body.map((v: { name: string }) => v.name)).toEqual(names);
    });

    it('filters with the bracket form filters[query]=', async () => {
      const res = await admin.get(`${vendors()}?filters[query]=${encodeURIComponent(names[3])}`);
      expect(res.status).toBe(200);
      expect(res.body.map((v: { name: string }) => v.name)).toEqual([names[3]]);
      expect(header(res, 'total')).toBe('1');
      // Percent-encoded brackets are the same filter.
      const encoded = await admin.get(`${vendors()}?filters%5Bquery%5D=${encodeURIComponent(names[3])}`);
      expect(encoded.body.map((v: { name: string }) => v.name)).toEqual([names[3]]);
    });

    it.each([
      ['page=-1', 'page'],
      ['page=0', 'page'],
      ['page=1000000001', 'page'],
      ['page=abc', 'page'],
      ['page=1.5', 'page'],
      ['per_page=-5', 'per_page'],
      ['per_page=0', 'per_page'],
      ['per_page=1001', 'per_page'],
      ['per_page=ten', 'per_page'],
      ['per_page=99999999999999999999', 'per_page'],
      ['page[]=1', 'page'],
    ])('answers %s with 422 naming %s', async (query, field) => {
      const res = await admin.get(`${vendors()}?${query}`);
      expectError(res, 422, 'validation_failed');
      expect(fieldsOf(res)).toEqual([field]);
    });

    it('accepts the bounds per_page=1 and per_page=1000', async () => {
      const one = await list('per_page=1');
      expect(one.status).toBe(200);
      expect(one.body).toHaveLength(1);
      const max = await list('per_page=1000');
      expect(max.status).toBe(200);
      expect(max.body).toHaveLength(7);
    });

    it('answers an unknown filter or sort field with 422', async () => {
      const filter = await admin.get(`${vendors()}?filters[nope]=1`);
      expectError(filter, 422, 'validation_failed');
      expect(fieldsOf(filter)).toEqual(['filters[nope]']);
      for (const sort of ['nope', '-nope', 'name;DROP TABLE vendors', '--name']) {
        const res = await admin.get(`${vendors()}?sort=${encodeURIComponent(sort)}`);
        expectError(res, 422, 'validation_failed');
        expect(fieldsOf(res)).toEqual(['sort']);
      }
      const badValue = await admin.get(`${vendors()}?filters[active]=maybe`);
      expectError(badValue, 422, 'validation_failed');
      expect(fieldsOf(badValue)).toEqual(['filters[active]']);
    });
  });

  describe('hostile strings', () => {
    const hostile = ["'; DROP TABLE users; --", '<script>alert(1)</script>', "Robert'); DELETE FROM vendors;--"];

    async function tablesStillThere(): Promise<void> {
      const { rows } = await t.db.query(
        `SELECT to_regclass('public.users') AS u, to_regclass('public.vendors') AS v,
                to_regclass('public.permission_templates') AS t, to_regclass('public.projects') AS p`,
      );
      expect(rows[0]).toEqual({ u: 'users', v: 'vendors', t: 'permission_templates', p: 'projects' });
    }

    it('stores and answers SQL and script strings verbatim in every vendor text field', async () => {
      const before = await count(t.db, 'vendors');
      for (const [i, s] of hostile.entries()) {
        const email = `o'brien.${i}@example.com`;
        const res = await admin.post(vendors(), { name: s, trade: s, email_address: email });
        expect(res.status).toBe(201);
        expect(res.body).toMatchObject({ name: s, trade_name: s, email_address: email });
        const again = await admin.get(`${vendors()}/${res.body.id}`);
        expect(again.body).toMatchObject({ name: s, trade_name: s, email_address: email });
        const row = await t.db.query('SELECT name, trade, email FROM vendors WHERE id = $1', [res.body.id]);
        expect(row.rows[0]).toEqual({ name: s, trade: s, email });
        const found = await admin.get(`${vendors()}?filters[query]=${encodeURIComponent(s)}`);
        expect(found.body.map((v: { id: number }) => v.id)).toEqual([res.body.id]);
      }
      expect(await count(t.db, 'vendors')).toBe(before + hostile.length);
      await tablesStillThere();
    });

    it('stores and answers SQL and script strings verbatim in every user text field', async () => {
      const before = await count(t.db, 'users');
      for (const [i, s] of hostile.entries()) {
        const email = `robert'.${i}.${randomBytes(3).toString('hex')}@example.com`;
        const res = await admin.post(`/rest/v1.0/companies/${cid}/users`, { name: s, job_title: s, email, password: s.padEnd(8, '!') });
        expect(res.status).toBe(201);
        expect(res.body).toMatchObject({ name: s, job_title: s, email_address: email, login: email });
        const again = await admin.get(`/rest/v1.0/companies/${cid}/users/${res.body.id}`);
        expect(again.body).toMatchObject({ name: s, job_title: s, email_address: email });
        const row = await t.db.query('SELECT name, job_title, email FROM users WHERE id = $1', [res.body.id]);
        expect(row.rows[0]).toEqual({ name: s, job_title: s, email });
        // The hostile password works as a password, and only as one.
        const login = await api.post('/oauth/token', { grant_type: 'password', username: email, password: s.padEnd(8, '!') });
        expect(login.status).toBe(200);
      }
      expect(await count(t.db, 'users')).toBe(before + hostile.length);
      await tablesStillThere();
    });

    it('stores and answers SQL and script strings verbatim in template and project text fields', async () => {
      for (const s of hostile) {
        const tpl = await admin.post(`/rest/v1.0/companies/${cid}/permission_templates`, { name: s, scope: 'project', levels: { rfis: 'read_only' } });
        expect(tpl.status).toBe(201);
        expect(tpl.body.name).toBe(s);
        expect((await t.db.query('SELECT name FROM permission_templates WHERE id = $1', [tpl.body.id])).rows[0].name).toBe(s);

        const project = await admin.post(`/rest/v1.0/companies/${cid}/projects`, { name: s, project_number: s, address: s });
        expect(project.status).toBe(201);
        expect(project.body).toMatchObject({ name: s, project_number: s, address: s });
        const again = await admin.get(`/rest/v1.0/projects/${project.body.id}`);
        expect(again.body).toMatchObject({ name: s, project_number: s, address: s });
        const row = await t.db.query('SELECT name, project_number, address FROM projects WHERE id = $1', [project.body.id]);
        expect(row.rows[0]).toEqual({ name: s, project_number: s, address: s });
      }
      await tablesStillThere();
      expect(await count(t.db, 'users WHERE company_id = $1', [cid])).toBeGreaterThan(0);
    });
  });

  describe('request ids', () => {
    it('generates an X-Request-Id when the client sends none', async () => {
      const a = await admin.get(vendors());
      const b = await admin.get(vendors());
      expect(header(a, 'x-request-id')).toMatch(/^[A-Za-z0-9._:-]{8,128}$/);
      expect(header(a, 'x-request-id')).not.toBe(header(b, 'x-request-id'));
    });

    it('echoes the X-Request-Id the client sends, on success and on errors, and in error.request_id', async () => {
      const ok = await admin.get(vendors(), { headers: { 'x-request-id': 'client-req-0001' } });
      expect(ok.status).toBe(200);
      expect(header(ok, 'x-request-id')).toBe('client-req-0001');

      const notFound = await admin.get(`${vendors()}/999999`, { headers: { 'x-request-id': 'client-req-0002' } });
      expectError(notFound, 404, 'not_found');
      expect(notFound.body.error.request_id).toBe('client-req-0002');

      const invalid = await admin.post(vendors(), { bogus: 1 }, { headers: { 'x-request-id': 'client-req-0003' } });
      expectError(invalid, 422, 'validation_failed');
      expect(invalid.body.error.request_id).toBe('client-req-0003');

      const unauthenticated = await api.get(vendors(), { headers: { 'x-request-id': 'client-req-0004' } });
      expectError(unauthenticated, 401, 'unauthenticated');
      expect(unauthenticated.body.error.request_id).toBe('client-req-0004');

      const badJson = await admin.request('POST', vendors(), { raw: '{', headers: { 'x-request-id': 'client-req-0005' } });
      expectError(badJson, 400, 'invalid_request');
      expect(badJson.body.error.request_id).toBe('client-req-0005');
    });

    it('replaces a malformed X-Request-Id with a generated one', async () => {
      const res = await admin.get(vendors(), { headers: { 'x-request-id': 'has spaces and <angle>' } });
      expect(res.status).toBe(200);
      expect(header(res, 'x-request-id')).toMatch(/^[A-Za-z0-9._:-]+$/);
    });

    it('puts an X-Request-Id on a route-not-found error', async () => {
      const res = await api.get('/nowhere', { headers: { 'x-request-id': 'client-req-0006' } });
      expectError(res, 404, 'not_found');
      expect(res.body.error.request_id).toBe('client-req-0006');
    });
  });

  describe('versions and ETag', () => {
    async function newVendor(): Promise<{ id: number; version: number; url: string }> {
      const res = await admin.post(vendors(), { name: unique('Versioned Co') });
      expect(res.status).toBe(201);
      expect(header(res, 'etag')).toBe('"1"');
      expect(header(res, 'location')).toMatch(new RegExp(`/rest/v1.0/companies/${cid}/vendors/${res.body.id}$`));
      return { id: res.body.id, version: res.body.version, url: `${vendors()}/${res.body.id}` };
    }

    it('answers a vendor PATCH with version + 1 and ETag "<version>", and GET with the same ETag', async () => {
      const v = await newVendor();
      expect(v.version).toBe(1);
      const res = await admin.patch(v.url, { trade: 'Masonry' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ version: 2, trade_name: 'Masonry' });
      expect(header(res, 'etag')).toBe('"2"');
      const get = await admin.get(v.url);
      expect(header(get, 'etag')).toBe('"2"');
    });

    it('answers a stale If-Match with 409 edit_conflict and details.current_version, writing nothing', async () => {
      const v = await newVendor();
      expect((await admin.patch(v.url, { trade: 'First' }, { headers: { 'if-match': '"1"' } })).status).toBe(200);
      const stale = await admin.patch(v.url, { trade: 'Second' }, { headers: { 'if-match': '"1"' } });
      expectError(stale, 409, 'edit_conflict');
      expect(stale.body.error.details.current_version).toBe(2);
      const row = await t.db.query('SELECT trade, version FROM vendors WHERE id = $1', [v.id]);
      expect(row.rows[0]).toEqual({ trade: 'First', version: 2 });
      const current = await admin.patch(v.url, { trade: 'Third' }, { headers: { 'if-match': 'W/"2"' } });
      expect(current.status).toBe(200);
      expect(current.body.version).toBe(3);
    });

    it('treats version in the body like If-Match', async () => {
      const v = await newVendor();
      const stale = await admin.patch(v.url, { trade: 'Nope', version: 7 });
      expectError(stale, 409, 'edit_conflict');
      expect(stale.body.error.details.current_version).toBe(1);
      expect((await t.db.query('SELECT trade, version FROM vendors WHERE id = $1', [v.id])).rows[0]).toEqual({ trade: null, version: 1 });
      const ok = await admin.patch(v.url, { trade: 'Yes', version: 1 });
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ trade_name: 'Yes', version: 2 });
    });

    it('applies a write that names no version (last writer wins)', async () => {
      const v = await newVendor();
      await admin.patch(v.url, { trade: 'One' });
      const res = await admin.patch(v.url, { trade: 'Two' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ trade_name: 'Two', version: 3 });
    });

    it('answers a malformed If-Match with 422 and writes nothing', async () => {
      const v = await newVendor();
      const res = await admin.patch(v.url, { trade: 'Nope' }, { headers: { 'if-match': 'yesterday' } });
      expectError(res, 422, 'validation_failed');
      expect(fieldsOf(res)).toEqual(['If-Match']);
      expect((await t.db.query('SELECT version FROM vendors WHERE id = $1', [v.id])).rows[0].version).toBe(1);
    });

    it('versions project PATCH the same way', async () => {
      const created = await admin.post(`/rest/v1.0/companies/${cid}/projects`, { name: unique('Versioned Project') });
      expect(created.status).toBe(201);
      const url = `/rest/v1.0/projects/${created.body.id}`;
      const ok = await admin.patch(url, { address: '1 Main St' }, { headers: { 'if-match': '"1"' } });
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ version: 2, address: '1 Main St' });
      expect(header(ok, 'etag')).toBe('"2"');
      const stale = await admin.patch(url, { address: '2 Main St' }, { headers: { 'if-match': '"1"' } });
      expectError(stale, 409, 'edit_conflict');
      expect(stale.body.error.details.current_version).toBe(2);
      const staleBody = await admin.patch(url, { address: '3 Main St', version: 1 });
      expectError(staleBody, 409, 'edit_conflict');
      expect((await t.db.query('SELECT address, version FROM projects WHERE id = $1', [created.body.id])).rows[0]).toEqual({ address: '1 Main St', version: 2 });
      const free = await admin.patch(url, { address: '4 Main St' });
      expect(free.body).toMatchObject({ version: 3, address: '4 Main St' });
    });

    it('versions template PATCH the same way', async () => {
      const created = await admin.post(`/rest/v1.0/companies/${cid}/permission_templates`, { name: unique('Versioned Template'), scope: 'project', levels: { rfis: 'read_only' } });
      expect(created.status).toBe(201);
      expect(created.body.version).toBe(1);
      const url = `/rest/v1.0/companies/${cid}/permission_templates/${created.body.id}`;
      const ok = await admin.patch(url, { levels: { rfis: 'standard' } }, { headers: { 'if-match': '"1"' } });
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ version: 2, levels: { rfis: 'standard' } });
      expect(header(ok, 'etag')).toBe('"2"');
      const stale = await admin.patch(url, { levels: { rfis: 'admin' } }, { headers: { 'if-match': '"1"' } });
      expectError(stale, 409, 'edit_conflict');
      expect(stale.body.error.details.current_version).toBe(2);
      const staleBody = await admin.patch(url, { levels: { rfis: 'admin' }, version: 1 });
      expectError(staleBody, 409, 'edit_conflict');
      expect((await t.db.query('SELECT levels, version FROM permission_templates WHERE id = $1', [created.body.id])).rows[0]).toEqual({
        levels: { rfis: 'standard' },
        version: 2,
      });
      const free = await admin.patch(url, { assignable: false });
      expect(free.body).toMatchObject({ version: 3, assignable: false });
    });
  });

  describe('Idempotency-Key', () => {
    const key = (): string => `key-${randomBytes(6).toString('hex')}`;

    it('answers the same key and body with the first answer, Idempotent-Replayed: true, and one row', async () => {
      const k = key();
      const name = unique('Idempotent Co');
      const first = await admin.post(vendors(), { name }, { headers: { 'idempotency-key': k } });
      expect(first.status).toBe(201);
      expect(header(first, 'idempotent-replayed')).toBeUndefined();
      const second = await admin.post(vendors(), { name }, { headers: { 'idempotency-key': k } });
      expect(second.status).toBe(201);
      expect(header(second, 'idempotent-replayed')).toBe('true');
      expect(second.body).toEqual(first.body);
      expect(header(second, 'location')).toBe(header(first, 'location'));
      expect(await count(t.db, 'vendors WHERE name = $1', [name])).toBe(1);
    });

    it('answers the same key with another body with 422 idempotency_key_reused and writes nothing', async () => {
      const k = key();
      const name = unique('Key Owner Co');
      expect((await admin.post(vendors(), { name }, { headers: { 'idempotency-key': k } })).status).toBe(201);
      const other = unique('Key Thief Co');
      const res = await admin.post(vendors(), { name: other }, { headers: { 'idempotency-key': k } });
      expectError(res, 422, 'idempotency_key_reused');
      expect(await count(t.db, 'vendors WHERE name = $1', [other])).toBe(0);
    });

    it('creates exactly one row for two concurrent identical requests', async () => {
      const k = key();
      const name = unique('Concurrent Co');
      const answers = await Promise.all([
        admin.post(vendors(), { name }, { headers: { 'idempotency-key': k } }),
        admin.post(vendors(), { name }, { headers: { 'idempotency-key': k } }),
      ]);
      const fresh = answers.filter((a) => a.status === 201 && header(a, 'idempotent-replayed') === undefined);
      expect(fresh).toHaveLength(1);
      const otherAnswer = answers.find((a) => a !== fresh[0])!;
      if (otherAnswer.status === 201) {
        expect(header(otherAnswer, 'idempotent-replayed')).toBe('true');
        expect(otherAnswer.body.id).toBe(fresh[0].body.id);
      } else {
        expectError(otherAnswer, 409, 'idempotency_in_progress');
        expect(header(otherAnswer, 'retry-after')).toMatch(/^\d+$/);
      }
      expect(await count(t.db, 'vendors WHERE name = $1', [name])).toBe(1);
    });

    it('releases the key after a failed (422) request', async () => {
      const k = key();
      const bad = await admin.post(vendors(), { name: '' }, { headers: { 'idempotency-key': k } });
      expectError(bad, 422, 'validation_failed');
      const name = unique('After Failure Co');
      const good = await admin.post(vendors(), { name }, { headers: { 'idempotency-key': k } });
      expect(good.status).toBe(201);
      expect(header(good, 'idempotent-replayed')).toBeUndefined();
      expect(await count(t.db, 'vendors WHERE name = $1', [name])).toBe(1);
    });

    it('keeps keys of two deployments that share a Redis apart (no replay of the other database\'s answer)', async () => {
      const second = await TestApp.start();
      try {
        const s2 = await TrainingSandbox.create(second.client(), 'shape');
        // Fresh databases number alike: same company and user ids, so only the deployment separates the keys.
        expect([s2.companyId, s2.userId('company_admin')]).toEqual([cid, sb.userId('company_admin')]);
        const k = key();
        const name = unique('Two Deployments Co');
        const here = await admin.post(vendors(), { name }, { headers: { 'idempotency-key': k } });
        expect(here.status).toBe(201);
        const there = await (await s2.as('company_admin')).post(vendors(), { name }, { headers: { 'idempotency-key': k } });
        expect(there.status).toBe(201);
        expect(header(there, 'idempotent-replayed')).toBeUndefined();
        expect(await count(second.db, 'vendors WHERE name = $1', [name])).toBe(1);
        expect(await count(t.db, 'vendors WHERE name = $1', [name])).toBe(1);
      } finally {
        await second.stop();
      }
    });

    it('answers a malformed Idempotency-Key with 422', async () => {
      const name = unique('Bad Key Co');
      const res = await admin.post(vendors(), { name }, { headers: { 'idempotency-key': 'has spaces' } });
      expectError(res, 422, 'validation_failed');
      expect(fieldsOf(res)).toEqual(['Idempotency-Key']);
      expect(await count(t.db, 'vendors WHERE name = $1', [name])).toBe(0);
    });
  });

  describe('rate limits', () => {
    it('puts X-Rate-Limit-Limit, -Remaining and -Reset on every /rest answer, errors included', async () => {
      const answers = [
        await admin.get(vendors()),
        await admin.get(`${vendors()}/999999`),
        await admin.post(vendors(), { bogus: true }),
        await admin.get(`/rest/v1.0/projects/${sb.project('first')}`),
        await admin.get('/rest/v1.0/me'),
      ];
      for (const res of answers) {
        expect(res.status).toBeLessThan(500);
        const limit = Number(header(res, 'x-rate-limit-limit'));
        const remaining = Number(header(res, 'x-rate-limit-remaining'));
        const reset = Number(header(res, 'x-rate-limit-reset'));
        expect(Number.isInteger(limit) && limit > 0).toBe(true);
        expect(Number.isInteger(remaining) && remaining >= 0 && remaining < limit).toBe(true);
        // Epoch seconds of the end of the hourly window: after the answer's own Date, at most an hour later.
        const answered = Math.floor(Date.parse(String(header(res, 'date'))) / 1000);
        expect(Number.isInteger(reset)).toBe(true);
        expect(reset).toBeGreaterThanOrEqual(answered);
        expect(reset).toBeLessThanOrEqual(answered + 3600);
      }
    });

    it('answers 429 rate_limited with Retry-After once the sandbox spike limit is exceeded', async () => {
      const limited = await TrainingSandbox.create(api, 'rate limited');
      const settings = await api.patch(`/_sim/sandboxes/${limited.info.id}/settings`, { rate_limit: { spike_10s: 3 } });
      expect(settings.status).toBe(200);
      expect(settings.body.rate_limit.spike_10s).toBe(3);
      const client = await limited.as('company_admin');
      const answers: Answer[] = [];
      for (let i = 0; i < 10; i++) answers.push(await client.get(`/rest/v1.0/companies/${limited.companyId}/vendors`));
      const refused = answers.filter((a) => a.status === 429);
      // Ten requests cannot fit in two 10-second windows of three.
      expect(refused.length).toBeGreaterThanOrEqual(1);
      expect(answers.every((a) => a.status === 200 || a.status === 429)).toBe(true);
      for (const res of refused) {
        expectError(res, 429, 'rate_limited');
        const retry = Number(header(res, 'retry-after'));
        expect(Number.isInteger(retry) && retry >= 1 && retry <= 10).toBe(true);
        expect(header(res, 'x-rate-limit-limit')).toBeDefined();
      }
      // Another sandbox's tokens are not affected.
      expect((await admin.get(vendors())).status).toBe(200);
    });

    it("does not count another deployment's requests against a token (deployments may share a Redis)", async () => {
      const second = await TestApp.start();
      try {
        const s2 = await TrainingSandbox.create(second.client(), 'strict');
        expect((await second.client().patch(`/_sim/sandboxes/${s2.info.id}/settings`, { rate_limit: { spike_10s: 3 } })).status).toBe(200);
        const strict = await s2.as('company_admin');
        // Token ids are numbered per database: the same id exists in both deployments.
        const ours = await t.db.query('SELECT min(id)::int AS id FROM oauth_tokens WHERE user_id = $1', [sb.userId('company_admin')]);
        const theirs = await second.db.query('SELECT max(id)::int AS id FROM oauth_tokens');
        expect(theirs.rows[0].id).toBe(ours.rows[0].id);
        for (let i = 0; i < 5; i++) expect((await admin.get(vendors())).status).toBe(200);
        const res = await strict.get(`/rest/v1.0/companies/${s2.companyId}/vendors`);
        expect(res.status).toBe(200);
        expect(Number(header(res, 'x-rate-limit-remaining'))).toBe(Number(header(res, 'x-rate-limit-limit')) - 1);
      } finally {
        await second.stop();
      }
    });

    it('answers invalid rate-limit settings with 422 and changes nothing', async () => {
      const before = await api.get(`/_sim/sandboxes/${sb.info.id}/settings`);
      expect(before.status).toBe(200);
      const negative = await api.patch(`/_sim/sandboxes/${sb.info.id}/settings`, { rate_limit: { hourly: -1 } });
      expectError(negative, 422, 'validation_failed');
      expect(fieldsOf(negative)).toEqual(['rate_limit.hourly']);
      const unknown = await api.patch(`/_sim/sandboxes/${sb.info.id}/settings`, { nope: 1 });
      expectError(unknown, 422, 'validation_failed');
      expect(fieldsOf(unknown)).toEqual(['nope']);
      const wrongType = await api.patch(`/_sim/sandboxes/${sb.info.id}/settings`, { rate_limit: { spike_10s: '3' } });
      expectError(wrongType, 422, 'validation_failed');
      const partial = await api.patch(`/_sim/sandboxes/${sb.info.id}/settings`, { rate_limit: { spike_10s: 5, hourly: 0 } });
      expectError(partial, 422, 'validation_failed');
      const after = await api.get(`/_sim/sandboxes/${sb.info.id}/settings`);
      expect(after.body).toEqual(before.body);
    });
  });
});
