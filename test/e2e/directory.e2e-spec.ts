import { randomBytes } from 'node:crypto';
import { Answer, ApiClient } from '../support/api-client';
import { TrainingSandbox } from '../support/sandbox';
import { TestApp } from '../support/test-app';
import { expectError, fieldsOf, header } from '../support/assertions';

/**
 * The Directory end to end: company users and vendors, projects and their tools,
 * project memberships, permission templates and the assignable-template rule.
 */

/** OAuth endpoints answer the usual fields flat, beside RFC 6749's `error` string (API.md). */
function oauthCode(res: Answer): string | undefined {
  return typeof res.body?.error === 'string' ? res.body.code : res.body?.error?.code;
}

const tag = (): string => randomBytes(4).toString('hex');

interface ToolPermission {
  name: string;
  active: boolean;
  user_access_level: { key: string };
  permitted_actions: string[];
}

describe('the Directory end to end', () => {
  let t: TestApp;
  let api: ApiClient;
  let sb: TrainingSandbox;
  let admin: ApiClient;
  let cid: number;
  let first: number;
  let second: number;
  const templateIds = new Map<string, number>();

  beforeAll(async () => {
    t = await TestApp.start();
    api = t.client();
    sb = await TrainingSandbox.create(api, 'directory');
    await sb.relaxLimits();
    admin = await sb.as('company_admin');
    cid = sb.companyId;
    first = sb.project('first');
    second = sb.project('second');
    const templates = await admin.get(`/rest/v1.0/companies/${cid}/permission_templates?per_page=1000`);
    for (const tpl of templates.body as { id: number; name: string }[]) templateIds.set(tpl.name, tpl.id);
  });
  afterAll(() => t.stop());

  const users = (): string => `/rest/v1.0/companies/${cid}/users`;
  const vendors = (): string => `/rest/v1.0/companies/${cid}/vendors`;
  const templates = (): string => `/rest/v1.0/companies/${cid}/permission_templates`;
  const members = (projectId: number): string => `/rest/v1.0/projects/${projectId}/users`;
  const template = (name: string): number => {
    const id = templateIds.get(name);
    if (id === undefined) throw new Error(`no template ${name}`);
    return id;
  };

  async function signIn(email: string, password: string): Promise<Answer> {
    return api.post('/oauth/token', { grant_type: 'password', username: email, password });
  }

  /** A new company user with a password, signed in as a client of the sandbox's company. */
  async function newUser(overrides: Record<string, unknown> = {}): Promise<{ id: number; email: string; password: string; client: () => Promise<ApiClient> }> {
    const email = `user.${tag()}@example.com`;
    const password = `pw-${tag()}-long`;
    const res = await admin.post(users(), { name: `User ${tag()}`, email, password, permission_template_id: template('Company Employee'), ...overrides });
    if (res.status !== 201) throw new Error(`user create failed: ${res.status} ${res.text}`);
    return {
      id: res.body.id,
      email,
      password,
      client: async () => {
        const login = await signIn(email, password);
        if (login.status !== 200) throw new Error(`login failed: ${login.status} ${login.text}`);
        return api.as(login.body.access_token, cid);
      },
    };
  }

  async function toolsOf(client: ApiClient, projectId: number): Promise<Record<string, ToolPermission>> {
    const res = await client.get(`/rest/v1.0/settings/permissions?project_id=${projectId}`);
    expect(res.status).toBe(200);
    return Object.fromEntries((res.body.tools as ToolPermission[]).map((tool) => [tool.name, tool]));
  }

  async function membershipRow(projectId: number, userId: number): Promise<{ active: boolean; template_id: number | null } | undefined> {
    const { rows } = await t.db.query('SELECT active, template_id FROM project_memberships WHERE project_id = $1 AND user_id = $2', [projectId, userId]);
    return rows[0];
  }

  describe('company users', () => {
    it('creates a user with a password who can then sign in and read /me', async () => {
      const email = `New.Hire.${tag()}@Example.com`;
      const res = await admin.post(users(), {
        name: 'New Hire',
        email,
        job_title: 'Estimator',
        password: 'correct horse battery',
        vendor_id: (await admin.get(`${vendors()}?filters[query]=Keystone`)).body[0].id,
        permission_template_id: template('Company Employee'),
      });
      expect(res.status).toBe(201);
      expect(header(res, 'location')).toMatch(new RegExp(`/users/${res.body.id}$`));
      expect(res.body).toMatchObject({
        name: 'New Hire',
        login: email.toLowerCase(),
        email_address: email.toLowerCase(),
        job_title: 'Estimator',
        is_active: true,
        vendor: { id: expect.any(Number), name: 'Keystone Builders' },
        permission_template: { id: template('Company Employee'), name: 'Company Employee' },
        accounting_approver: false,
        locked: false,
        version: 1,
      });
      expect(JSON.stringify(res.body)).not.toMatch(/password|correct horse/i);
      const row = await t.db.query('SELECT password_hash FROM users WHERE id = $1', [res.body.id]);
      expect(row.rows[0].password_hash).not.toContain('correct horse');

      const login = await signIn(email, 'correct horse battery');
      expect(login.status).toBe(200);
      const me = await api.get('/rest/v1.0/me', { token: login.body.access_token });
      expect(me.body).toEqual({ id: res.body.id, login: email.toLowerCase(), name: 'New Hire', company_ids: [cid] });
      expect((await admin.get(`${users()}/${res.body.id}`)).body.name).toBe('New Hire');
    });

    it('edits a user and answers the new version', async () => {
      const u = await newUser();
      const res = await admin.patch(`${users()}/${u.id}`, { name: 'Renamed Person', job_title: 'Senior Estimator' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ name: 'Renamed Person', job_title: 'Senior Estimator', version: 2 });
      expect(header(res, 'etag')).toBe('"2"');
      const list = await admin.get(`${users()}?filters[query]=Renamed%20Person`);
      expect(list.body.map((x: { id: number }) => x.id)).toEqual([u.id]);
    });

    it('answers a duplicate email (any case) with 409 duplicate on create and edit, writing nothing', async () => {
      const existing = sb.persona('gc_project_manager').email;
      const before = (await t.db.query('SELECT count(*)::int AS n FROM users')).rows[0].n;
      const create = await admin.post(users(), { name: 'Copy Cat', email: existing.toUpperCase() });
      expectError(create, 409, 'duplicate');
      expect(fieldsOf(create)).toEqual(['email']);
      expect((await t.db.query('SELECT count(*)::int AS n FROM users')).rows[0].n).toBe(before);

      const u = await newUser();
      const edit = await admin.patch(`${users()}/${u.id}`, { email: existing, name: 'Should Not Stick' });
      expectError(edit, 409, 'duplicate');
      const row = await t.db.query('SELECT email, name, version FROM users WHERE id = $1', [u.id]);
      expect(row.rows[0]).toMatchObject({ email: u.email, version: 1 });
      expect(row.rows[0].name).not.toBe('Should Not Stick');
    });

    it('deactivates a user (next request 401 account_inactive, sign-in refused) and reactivates them', async () => {
      const u = await newUser();
      const client = await u.client();
      expect((await client.get('/rest/v1.0/me')).status).toBe(200);

      const off = await admin.post(`${users()}/${u.id}/actions/deactivate`);
      expect(off.status).toBe(200);
      expect(off.body).toMatchObject({ is_active: false, version: 2 });
      expectError(await client.get('/rest/v1.0/me'), 401, 'account_inactive');
      const refusedLogin = await signIn(u.email, u.password);
      expect([refusedLogin.status, oauthCode(refusedLogin)]).toEqual([401, 'account_inactive']);
      expectError(await admin.post(`${users()}/${u.id}/actions/deactivate`), 422, 'invalid_transition');
      const inactive = await admin.get(`${users()}?filters[active]=false`);
      expect(inactive.body.map((x: { id: number }) => x.id)).toContain(u.id);

      const on = await admin.post(`${users()}/${u.id}/actions/reactivate`);
      expect(on.status).toBe(200);
      expect(on.body).toMatchObject({ is_active: true, version: 3 });
      expect((await client.get('/rest/v1.0/me')).status).toBe(200);
      expect((await signIn(u.email, u.password)).status).toBe(200);
    });

    it('refuses to let an admin deactivate themselves', async () => {
      const res = await admin.post(`${users()}/${sb.userId('company_admin')}/actions/deactivate`);
      expectError(res, 422, 'validation_failed');
      expect((await admin.get('/rest/v1.0/me')).status).toBe(200);
    });

    it('unlocks a user locked by five failed sign-ins', async () => {
      const u = await newUser();
      for (let i = 0; i < 5; i++) {
        const wrong = await signIn(u.email, 'definitely-wrong');
        expect([401, 423]).toContain(wrong.status);
      }
      const locked = await signIn(u.email, u.password);
      expect([locked.status, oauthCode(locked)]).toEqual([423, 'account_locked']);
      const seen = await admin.get(`${users()}/${u.id}`);
      expect(seen.body).toMatchObject({ locked: true, locked_until: expect.any(String) });

      // An action honours If-Match like an edit: a stale version unlocks nothing.
      const stale = await admin.post(`${users()}/${u.id}/actions/unlock`, {}, { headers: { 'if-match': `"${seen.body.version - 1}"` } });
      expectError(stale, 409, 'edit_conflict');
      expect(stale.body.error.details.current_version).toBe(seen.body.version);
      const stillLocked = await signIn(u.email, u.password);
      expect([stillLocked.status, oauthCode(stillLocked)]).toEqual([423, 'account_locked']);

      const unlock = await admin.post(`${users()}/${u.id}/actions/unlock`, { version: seen.body.version });
      expect(unlock.status).toBe(200);
      expect(unlock.body).toMatchObject({ locked: false, locked_until: null });
      expect((await signIn(u.email, u.password)).status).toBe(200);
    });

    it('sets the accounting_approver privilege, and only an admin may', async () => {
      const u = await newUser();
      const res = await admin.patch(`${users()}/${u.id}/privileges`, { accounting_approver: true });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ accounting_approver: true, version: 2 });
      expect((await t.db.query('SELECT accounting_approver FROM users WHERE id = $1', [u.id])).rows[0].accounting_approver).toBe(true);

      const pm = await sb.as('gc_project_manager');
      const denied = await pm.patch(`${users()}/${u.id}/privileges`, { accounting_approver: false });
      expectError(denied, 403, 'permission_denied');
      expect(denied.body.error.details.action).toBe('company_directory.set_privileges');
      expect((await t.db.query('SELECT accounting_approver FROM users WHERE id = $1', [u.id])).rows[0].accounting_approver).toBe(true);

      const invalid = await admin.patch(`${users()}/${u.id}/privileges`, { accounting_approver: 'yes' });
      expectError(invalid, 422, 'validation_failed');
      expect(fieldsOf(invalid)).toEqual(['accounting_approver']);
    });

    it('refuses user creation with a project-scope template or an unknown vendor, naming the field', async () => {
      const before = (await t.db.query('SELECT count(*)::int AS n FROM users')).rows[0].n;
      const projectScope = await admin.post(users(), { name: 'X', email: `x.${tag()}@example.com`, permission_template_id: template('Architect') });
      expectError(projectScope, 422, 'validation_failed');
      expect(fieldsOf(projectScope)).toEqual(['permission_template_id']);
      const badVendor = await admin.post(users(), { name: 'Y', email: `y.${tag()}@example.com`, vendor_id: 999999 });
      expectError(badVendor, 422, 'validation_failed');
      expect(fieldsOf(badVendor)).toEqual(['vendor_id']);
      expect((await t.db.query('SELECT count(*)::int AS n FROM users')).rows[0].n).toBe(before);
    });

    it('lets a read-only company directory user list users but not create them', async () => {
      const pm = await sb.as('gc_project_manager');
      expect((await pm.get(users())).status).toBe(200);
      const denied = await pm.post(users(), { name: 'Nope', email: `nope.${tag()}@example.com` });
      expectError(denied, 403, 'permission_denied');
      expect((await t.db.query("SELECT count(*)::int AS n FROM users WHERE name = 'Nope'")).rows[0].n).toBe(0);
    });
  });

  describe('vendors', () => {
    it('creates, lists, reads and edits a vendor', async () => {
      const name = `Granite Works ${tag()}`;
      const created = await admin.post(vendors(), { name, trade: 'Masonry', email_address: 'office@granite.example.com' });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ name, trade_name: 'Masonry', email_address: 'office@granite.example.com', is_active: true, is_own_company: false, version: 1 });
      expect(header(created, 'location')).toMatch(new RegExp(`/vendors/${created.body.id}$`));

      const list = await admin.get(vendors());
      expect(list.body.map((v: { id: number }) => v.id)).toContain(created.body.id);
      expect(Number(header(list, 'total'))).toBe(list.body.length);

      const read = await admin.get(`${vendors()}/${created.body.id}`);
      expect(read.body).toEqual(created.body);

      const edited = await admin.patch(`${vendors()}/${created.body.id}`, { trade: 'Stone', is_active: false });
      expect(edited.status).toBe(200);
      expect(edited.body).toMatchObject({ trade_name: 'Stone', is_active: false, version: 2 });
      const inactive = await admin.get(`${vendors()}?filters[active]=false`);
      expect(inactive.body.map((v: { id: number }) => v.id)).toContain(created.body.id);
    });

    it('answers a duplicate vendor name (any case) with 409 duplicate and no new row', async () => {
      const before = (await t.db.query('SELECT count(*)::int AS n FROM vendors')).rows[0].n;
      const res = await admin.post(vendors(), { name: 'summit electrical' });
      expectError(res, 409, 'duplicate');
      expect((await t.db.query('SELECT count(*)::int AS n FROM vendors')).rows[0].n).toBe(before);
    });

    it('refuses vendor creation to a user without create rights on the company directory', async () => {
      const pm = await sb.as('gc_project_manager');
      expect((await pm.get(vendors())).status).toBe(200);
      expectError(await pm.post(vendors(), { name: `Nope ${tag()}` }), 403, 'permission_denied');
      const sub = await sb.as('subcontractor');
      expectError(await sub.get(vendors()), 403, 'permission_denied');
    });
  });

  describe('projects', () => {
    let created: number;

    beforeAll(async () => {
      const res = await admin.post(`/rest/v1.0/companies/${cid}/projects`, { name: `Harbor Tower ${tag()}`, project_number: 'HT-1', address: '1 Quay Rd', rfi_due_days: 5 });
      if (res.status !== 201) throw new Error(`project create failed: ${res.status} ${res.text}`);
      created = res.body.id;
    });

    it('answers project creation with a Location that reads the project', async () => {
      const res = await admin.post(`/rest/v1.0/companies/${cid}/projects`, { name: `Located ${tag()}` });
      expect(res.status).toBe(201);
      const location = new URL(String(header(res, 'location')));
      expect(location.pathname).toBe(`/rest/v1.0/projects/${res.body.id}`);
      const read = await admin.get(location.pathname);
      expect(read.status).toBe(200);
      expect(read.body).toEqual(res.body);
    });

    it('creates a project as company_admin with every tool active', async () => {
      const read = await admin.get(`/rest/v1.0/projects/${created}`);
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({ id: created, project_number: 'HT-1', address: '1 Quay Rd', rfi_due_days: 5, active: true, company: { id: cid }, version: 1 });
      const tools = await admin.get(`/rest/v1.0/projects/${created}/tools`);
      expect(tools.status).toBe(200);
      expect(tools.body.map((x: { name: string }) => x.name)).toEqual([
        'admin', 'directory', 'rfis', 'submittals', 'budget', 'prime_contracts', 'commitments', 'change_orders', 'photos', 'drawings',
      ]);
      expect(tools.body.every((x: { active: boolean }) => x.active)).toBe(true);
      const rows = await t.db.query('SELECT count(*)::int AS n FROM project_tools WHERE project_id = $1 AND active', [created]);
      expect(rows.rows[0].n).toBe(10);
    });

    it('refuses project creation to a non-admin', async () => {
      const pm = await sb.as('gc_project_manager');
      const before = (await t.db.query('SELECT count(*)::int AS n FROM projects')).rows[0].n;
      expectError(await pm.post(`/rest/v1.0/companies/${cid}/projects`, { name: 'Rogue' }), 403, 'permission_denied');
      expect((await t.db.query('SELECT count(*)::int AS n FROM projects')).rows[0].n).toBe(before);
    });

    it('lists every project to company_admin and only member projects to others, with matching Total', async () => {
      const all = await admin.get(`/rest/v1.0/companies/${cid}/projects?sort=id`);
      expect(all.status).toBe(200);
      const allIds = all.body.map((p: { id: number }) => p.id);
      expect(allIds).toEqual(expect.arrayContaining([first, second, created]));
      expect(header(all, 'total')).toBe(String(allIds.length));

      const sub = await sb.as('subcontractor');
      const subList = await sub.get(`/rest/v1.0/companies/${cid}/projects`);
      expect(subList.status).toBe(200);
      expect(subList.body.map((p: { id: number }) => p.id)).toEqual([first]);
      expect(header(subList, 'total')).toBe('1');

      const pm = await sb.as('gc_project_manager');
      const pmList = await pm.get(`/rest/v1.0/projects?company_id=${cid}&sort=id`);
      expect(pmList.body.map((p: { id: number }) => p.id)).toEqual([first, second].sort((a, b) => a - b));
    });

    it('lets a member read their project and refuses a non-member with 403 not_project_member', async () => {
      const sub = await sb.as('subcontractor');
      expect((await sub.get(`/rest/v1.0/projects/${first}`)).status).toBe(200);
      expectError(await sub.get(`/rest/v1.0/projects/${second}`), 403, 'not_project_member');
      expectError(await sub.get(`/rest/v1.0/projects/${created}`), 403, 'not_project_member');
    });

    it('edits a project as company_admin and refuses a read-only project admin', async () => {
      const res = await admin.patch(`/rest/v1.0/projects/${created}`, { name: 'Harbor Tower Renamed', active: false });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ name: 'Harbor Tower Renamed', active: false, version: 2 });
      const pm = await sb.as('gc_project_manager');
      const denied = await pm.patch(`/rest/v1.0/projects/${first}`, { name: 'PM Rename' });
      expectError(denied, 403, 'permission_denied');
      expect((await t.db.query('SELECT name FROM projects WHERE id = $1', [first])).rows[0].name).not.toBe('PM Rename');
    });
  });

  describe('project tools', () => {
    it('lists the tools of a project to a member', async () => {
      const sub = await sb.as('subcontractor');
      const res = await sub.get(`/rest/v1.0/projects/${first}/tools`);
      expect(res.status).toBe(200);
      expect(res.body).toHaveLength(10);
      expect(res.body.find((x: { name: string }) => x.name === 'admin')).toMatchObject({ active: true, can_deactivate: false });
      expect(res.body.find((x: { name: string }) => x.name === 'rfis')).toMatchObject({ active: true, can_deactivate: true });
    });

    it('deactivates rfis: members see it inactive and are refused with tool_inactive on the next request; reactivation restores it', async () => {
      const project = (await admin.post(`/rest/v1.0/companies/${cid}/projects`, { name: `Tool Switch ${tag()}` })).body.id as number;
      const u = await newUser();
      expect((await admin.post(members(project), { user_id: u.id, permission_template_id: template('Superintendent') })).status).toBe(201);
      const client = await u.client();
      const before = await toolsOf(client, project);
      expect(before.rfis).toMatchObject({ active: true, user_access_level: { key: 'standard' } });
      expect(before.rfis.permitted_actions).toContain('rfis.create_draft');

      const off = await admin.post(`/rest/v1.0/projects/${project}/tools/rfis/actions/deactivate`);
      expect(off.status).toBe(200);
      expect(off.body).toMatchObject({ name: 'rfis', active: false });
      const after = await toolsOf(client, project);
      expect(after.rfis.active).toBe(false);
      expect(after.rfis.permitted_actions).toEqual([]);
      const explain = await client.get(`/rest/v1.0/projects/${project}/permissions/explain?action=rfis.create_draft`);
      expect(explain.status).toBe(200);
      expect(explain.body).toMatchObject({ allowed: false, denied_at: { layer: 'tool_active', code: 'tool_inactive' } });
      const listed = await admin.get(`/rest/v1.0/projects/${project}/tools`);
      expect(listed.body.find((x: { name: string }) => x.name === 'rfis').active).toBe(false);

      const on = await admin.post(`/rest/v1.0/projects/${project}/tools/rfis/actions/activate`);
      expect(on.body).toMatchObject({ name: 'rfis', active: true });
      expect((await toolsOf(client, project)).rfis.active).toBe(true);
    });

    it('refuses to deactivate admin or directory with 422, and answers an unknown tool with 404', async () => {
      for (const tool of ['admin', 'directory']) {
        const res = await admin.post(`/rest/v1.0/projects/${first}/tools/${tool}/actions/deactivate`);
        expectError(res, 422, 'validation_failed');
        expect(fieldsOf(res)).toEqual(['tool']);
      }
      const rows = await t.db.query("SELECT count(*)::int AS n FROM project_tools WHERE project_id = $1 AND tool IN ('admin', 'directory') AND NOT active", [first]);
      expect(rows.rows[0].n).toBe(0);
      expectError(await admin.post(`/rest/v1.0/projects/${first}/tools/hammers/actions/deactivate`), 404, 'not_found');
    });

    it('refuses tool switching to a member without admin on the project', async () => {
      const sub = await sb.as('subcontractor');
      expectError(await sub.post(`/rest/v1.0/projects/${first}/tools/photos/actions/deactivate`), 403, 'permission_denied');
      const rows = await t.db.query("SELECT active FROM project_tools WHERE project_id = $1 AND tool = 'photos'", [first]);
      expect(rows.rows[0].active).toBe(true);
    });
  });

  describe('project memberships', () => {
    it('adds a user from the company directory with a project template, visible in the project directory', async () => {
      const u = await newUser();
      const res = await admin.post(members(first), { user_id: u.id, permission_template_id: template('Architect') });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ id: u.id, permission_template: { id: template('Architect'), name: 'Architect' }, version: 1 });
      expect(header(res, 'location')).toMatch(new RegExp(`/projects/${first}/users/${u.id}$`));
      const list = await admin.get(`${members(first)}?per_page=1000`);
      expect(list.body.map((m: { id: number }) => m.id)).toContain(u.id);
      expect((await admin.get(`${members(first)}/${u.id}`)).body.permission_template.name).toBe('Architect');
      const client = await u.client();
      expect((await client.get(`/rest/v1.0/projects/${first}`)).status).toBe(200);
    });

    it("changes a member's template and the member's levels change on the next request", async () => {
      const u = await newUser();
      await admin.post(members(first), { user_id: u.id, permission_template_id: template('Architect') });
      const client = await u.client();
      const before = await toolsOf(client, first);
      expect(before.budget.user_access_level.key).toBe('none');
      expect(before.rfis.user_access_level.key).toBe('standard');

      const res = await admin.patch(`${members(first)}/${u.id}`, { permission_template_id: template('Owner') });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ permission_template: { id: template('Owner'), name: 'Owner' }, version: 2 });
      const after = await toolsOf(client, first);
      expect(after.budget.user_access_level.key).toBe('read_only');
      expect(after.rfis.user_access_level.key).toBe('read_only');
      expect(after.change_orders.user_access_level.key).toBe('standard');

      const stale = await admin.patch(`${members(first)}/${u.id}`, { permission_template_id: template('Architect'), version: 1 });
      expectError(stale, 409, 'edit_conflict');
      expect((await membershipRow(first, u.id))!.template_id).toBe(template('Owner'));
    });

    it('removes a member (next request 403 not_project_member) and re-adding restores access', async () => {
      const u = await newUser();
      await admin.post(members(first), { user_id: u.id, permission_template_id: template('Subcontractor') });
      const client = await u.client();
      expect((await client.get(`/rest/v1.0/projects/${first}`)).status).toBe(200);

      const removed = await admin.delete(`${members(first)}/${u.id}`);
      expect(removed.status).toBe(204);
      expectError(await client.get(`/rest/v1.0/projects/${first}`), 403, 'not_project_member');
      expectError(await client.get(`/rest/v1.0/settings/permissions?project_id=${first}`), 403, 'not_project_member');
      expectError(await admin.get(`${members(first)}/${u.id}`), 404, 'not_found');
      expect((await admin.get(`${members(first)}?per_page=1000`)).body.map((m: { id: number }) => m.id)).not.toContain(u.id);
      expect(await membershipRow(first, u.id)).toMatchObject({ active: false });
      expectError(await admin.delete(`${members(first)}/${u.id}`), 404, 'not_found');

      const readded = await admin.post(members(first), { user_id: u.id, permission_template_id: template('Architect') });
      expect(readded.status).toBe(201);
      expect(readded.body.permission_template.name).toBe('Architect');
      expect((await client.get(`/rest/v1.0/projects/${first}`)).status).toBe(200);
      expect((await toolsOf(client, first)).rfis.user_access_level.key).toBe('standard');
    });

    it('adds a user once when the same add arrives several times at once (the others 409 duplicate)', async () => {
      const u = await newUser();
      const answers = await Promise.all(
        [1, 2, 3, 4].map(() => admin.post(members(first), { user_id: u.id, permission_template_id: template('Architect') })),
      );
      const statuses = answers.map((a) => a.status).sort();
      expect(statuses).toEqual([201, 409, 409, 409]);
      for (const a of answers.filter((x) => x.status === 409)) expectError(a, 409, 'duplicate');
      const rows = await t.db.query('SELECT count(*)::int AS n FROM project_memberships WHERE project_id = $1 AND user_id = $2', [first, u.id]);
      expect(rows.rows[0].n).toBe(1);
    });

    it('answers adding an existing member with 409 duplicate and leaves the membership as it was', async () => {
      const res = await admin.post(members(first), { user_id: sb.userId('architect'), permission_template_id: template('Owner') });
      expectError(res, 409, 'duplicate');
      expect((await membershipRow(first, sb.userId('architect')))!.template_id).toBe(template('Architect'));
    });

    it('answers a company-scope template with 422 naming permission_template_id and adds nobody', async () => {
      const u = await newUser();
      const res = await admin.post(members(first), { user_id: u.id, permission_template_id: template('Company Employee') });
      expectError(res, 422, 'validation_failed');
      expect(fieldsOf(res)).toEqual(['permission_template_id']);
      expect(await membershipRow(first, u.id)).toBeUndefined();
      const change = await admin.patch(`${members(first)}/${sb.userId('architect')}`, { permission_template_id: template('Company Employee') });
      expectError(change, 422, 'validation_failed');
      expect(fieldsOf(change)).toEqual(['permission_template_id']);
    });

    it('answers a user of another company or a deactivated user with 422 naming user_id', async () => {
      const other = await TrainingSandbox.create(api, 'elsewhere');
      const foreign = await admin.post(members(first), { user_id: other.userId('architect'), permission_template_id: template('Architect') });
      expectError(foreign, 422, 'validation_failed');
      expect(fieldsOf(foreign)).toEqual(['user_id']);
      expect(await membershipRow(first, other.userId('architect'))).toBeUndefined();

      const u = await newUser();
      await admin.post(`${users()}/${u.id}/actions/deactivate`);
      const inactive = await admin.post(members(first), { user_id: u.id, permission_template_id: template('Architect') });
      expectError(inactive, 422, 'validation_failed');
      expect(fieldsOf(inactive)).toEqual(['user_id']);
    });

    it('refuses membership changes to a member without directory rights', async () => {
      const u = await newUser();
      const sub = await sb.as('subcontractor');
      expectError(await sub.post(members(first), { user_id: u.id, permission_template_id: template('Architect') }), 403, 'permission_denied');
      expectError(await sub.delete(`${members(first)}/${sb.userId('architect')}`), 403, 'permission_denied');
      expect(await membershipRow(first, u.id)).toBeUndefined();
      expect(await membershipRow(first, sb.userId('architect'))).toMatchObject({ active: true });
    });
  });

  describe('permission templates', () => {
    it('creates, edits and deletes a company template', async () => {
      const name = `Field Engineer ${tag()}`;
      const created = await admin.post(templates(), { name, scope: 'project', levels: { rfis: 'standard', photos: 'read_only' }, granular: ['rfis.act_as_rfi_manager'] });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ name, scope: 'project', project_id: null, project_specific: false, assignable: true, levels: { rfis: 'standard', photos: 'read_only' }, granular: ['rfis.act_as_rfi_manager'], assigned_count: 0, version: 1 });
      const url = `${templates()}/${created.body.id}`;
      expect((await admin.get(url)).body.name).toBe(name);

      const edited = await admin.patch(url, { name: `${name} II`, assignable: false, granular: [] });
      expect(edited.status).toBe(200);
      expect(edited.body).toMatchObject({ name: `${name} II`, assignable: false, granular: [], levels: { rfis: 'standard', photos: 'read_only' }, version: 2 });

      const company = await admin.post(templates(), { name: `Payroll ${tag()}`, scope: 'company', levels: { company_directory: 'read_only' }, granular: ['company_directory.view_user_detail'] });
      expect(company.status).toBe(201);
      expect(company.body).toMatchObject({ scope: 'company', levels: { company_directory: 'read_only' } });

      const deleted = await admin.delete(url);
      expect(deleted.status).toBe(204);
      expectError(await admin.get(url), 404, 'not_found');
      expect((await t.db.query('SELECT count(*)::int AS n FROM permission_templates WHERE id = $1', [created.body.id])).rows[0].n).toBe(0);
    });

    it('answers invalid tools, levels and granular keys with 422 naming each field, writing nothing', async () => {
      const before = (await t.db.query('SELECT count(*)::int AS n FROM permission_templates')).rows[0].n;
      const res = await admin.post(templates(), {
        name: `Broken ${tag()}`,
        scope: 'project',
        levels: { nope: 'admin', rfis: 'super', budget: 3 },
        granular: ['rfis.act_as_rfi_manager', 'rfis.fly', 'company_directory.create_edit_users', 'garbage'],
      });
      expectError(res, 422, 'validation_failed');
      expect(new Set(fieldsOf(res))).toEqual(new Set(['levels.nope', 'levels.rfis', 'levels.budget', 'granular[1]', 'granular[2]', 'granular[3]']));
      const company = await admin.post(templates(), { name: `Broken Co ${tag()}`, scope: 'company', levels: { rfis: 'admin' } });
      expectError(company, 422, 'validation_failed');
      expect(fieldsOf(company)).toEqual(['levels.rfis']);
      expect((await t.db.query('SELECT count(*)::int AS n FROM permission_templates')).rows[0].n).toBe(before);

      const existing = template('Architect');
      const edit = await admin.patch(`${templates()}/${existing}`, { levels: { rfis: 'omnipotent' } });
      expectError(edit, 422, 'validation_failed');
      expect(fieldsOf(edit)).toEqual(['levels.rfis']);
      expect((await t.db.query('SELECT version FROM permission_templates WHERE id = $1', [existing])).rows[0].version).toBe(1);
    });

    it('answers a duplicate template name in the same scope with 409 duplicate', async () => {
      const res = await admin.post(templates(), { name: 'architect', scope: 'project', levels: {} });
      expectError(res, 409, 'duplicate');
      expect(fieldsOf(res)).toEqual(['name']);
    });

    it("applies an edit of a project template's level to its members on their next request", async () => {
      const name = `Inspector ${tag()}`;
      const tpl = await admin.post(templates(), { name, scope: 'project', levels: { drawings: 'read_only' } });
      const u = await newUser();
      await admin.post(members(first), { user_id: u.id, permission_template_id: tpl.body.id });
      const client = await u.client();
      expect((await toolsOf(client, first)).drawings.user_access_level.key).toBe('read_only');

      const edit = await admin.patch(`${templates()}/${tpl.body.id}`, { levels: { drawings: 'standard', photos: 'admin' } });
      expect(edit.status).toBe(200);
      const after = await toolsOf(client, first);
      expect(after.drawings.user_access_level.key).toBe('standard');
      expect(after.photos.user_access_level.key).toBe('admin');
    });

    it('refuses to delete a template still assigned (422, nothing deleted) and deletes it once unassigned (204)', async () => {
      const tpl = await admin.post(templates(), { name: `Temporary ${tag()}`, scope: 'project', levels: { rfis: 'read_only' } });
      const u = await newUser();
      await admin.post(members(first), { user_id: u.id, permission_template_id: tpl.body.id });
      expect((await admin.get(`${templates()}/${tpl.body.id}`)).body.assigned_count).toBe(1);

      const refused = await admin.delete(`${templates()}/${tpl.body.id}`);
      expectError(refused, 422, 'validation_failed');
      expect(refused.body.error.details.assigned_count).toBe(1);
      expect((await t.db.query('SELECT count(*)::int AS n FROM permission_templates WHERE id = $1', [tpl.body.id])).rows[0].n).toBe(1);
      expect(await membershipRow(first, u.id)).toEqual({ active: true, template_id: tpl.body.id });

      const inUse = await admin.delete(`${templates()}/${template('Company Employee')}`);
      expectError(inUse, 422, 'validation_failed');

      await admin.delete(`${members(first)}/${u.id}`);
      const deleted = await admin.delete(`${templates()}/${tpl.body.id}`);
      expect(deleted.status).toBe(204);
      expect((await t.db.query('SELECT count(*)::int AS n FROM permission_templates WHERE id = $1', [tpl.body.id])).rows[0].n).toBe(0);
    });

    it('lists a project-specific template for its own project only', async () => {
      const name = `First Only ${tag()}`;
      const created = await admin.post(`/rest/v1.0/projects/${first}/permission_templates`, { name, levels: { rfis: 'standard' } });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ name, scope: 'project', project_id: first, project_specific: true });
      const location = new URL(String(header(created, 'location')));
      expect(location.pathname).toBe(`${templates()}/${created.body.id}`);
      expect((await admin.get(location.pathname)).body).toEqual(created.body);
      const firstList = await admin.get(`/rest/v1.0/projects/${first}/permission_templates?per_page=1000`);
      expect(firstList.body.map((x: { id: number }) => x.id)).toContain(created.body.id);
      expect(firstList.body.every((x: { scope: string }) => x.scope === 'project')).toBe(true);
      const secondList = await admin.get(`/rest/v1.0/projects/${second}/permission_templates?per_page=1000`);
      expect(secondList.body.map((x: { id: number }) => x.id)).not.toContain(created.body.id);
      expect(secondList.body.map((x: { name: string }) => x.name)).toContain('Architect');

      // It can be assigned on its own project, not on another one.
      const u = await newUser();
      expect((await admin.post(members(first), { user_id: u.id, permission_template_id: created.body.id })).status).toBe(201);
      const elsewhere = await admin.post(members(second), { user_id: u.id, permission_template_id: created.body.id });
      expectError(elsewhere, 422, 'validation_failed');
      expect(fieldsOf(elsewhere)).toEqual(['permission_template_id']);
      expect(await membershipRow(second, u.id)).toBeUndefined();
    });

    it('refuses template management to non-admins', async () => {
      const pm = await sb.as('gc_project_manager');
      expectError(await pm.post(templates(), { name: `PM Made ${tag()}`, scope: 'project', levels: {} }), 403, 'permission_denied');
      expectError(await pm.patch(`${templates()}/${template('Architect')}`, { levels: { budget: 'admin' } }), 403, 'permission_denied');
      expect((await t.db.query('SELECT levels FROM permission_templates WHERE id = $1', [template('Architect')])).rows[0].levels.budget).toBe('none');
    });
  });

  describe('the assignable-template rule', () => {
    it('lets a granular directory user add members with assignable templates only (403 granular otherwise)', async () => {
      const helper = await admin.post(templates(), {
        name: `Directory Helper ${tag()}`,
        scope: 'project',
        levels: { directory: 'standard', rfis: 'standard' },
        granular: ['directory.add_from_company_directory'],
      });
      expect(helper.status).toBe(201);
      const open = await admin.post(templates(), { name: `Open ${tag()}`, scope: 'project', assignable: true, levels: { rfis: 'read_only' } });
      const closed = await admin.post(templates(), { name: `Closed ${tag()}`, scope: 'project', assignable: false, levels: { rfis: 'admin' } });
      expect([open.status, closed.status]).toEqual([201, 201]);

      const persona = 'architect';
      expect((await admin.patch(`${members(first)}/${sb.userId(persona)}`, { permission_template_id: helper.body.id })).status).toBe(200);
      const architect = await sb.as(persona);
      expect((await toolsOf(architect, first)).directory.permitted_actions).toContain('directory.add_user');

      const a = await newUser();
      const allowed = await architect.post(members(first), { user_id: a.id, permission_template_id: open.body.id });
      expect(allowed.status).toBe(201);
      expect(await membershipRow(first, a.id)).toEqual({ active: true, template_id: open.body.id });

      const b = await newUser();
      const refused = await architect.post(members(first), { user_id: b.id, permission_template_id: closed.body.id });
      expectError(refused, 403, 'permission_denied');
      expect(refused.body.error.details).toMatchObject({ action: 'directory.add_user', layer: 'granular' });
      expect(await membershipRow(first, b.id)).toBeUndefined();

      // An admin may assign the non-assignable template.
      expect((await admin.post(members(first), { user_id: b.id, permission_template_id: closed.body.id })).status).toBe(201);
      // Without the granular key (a Standard directory alone), adding is refused outright.
      expect((await admin.patch(`${templates()}/${helper.body.id}`, { granular: [] })).status).toBe(200);
      const c = await newUser();
      const noKey = await architect.post(members(first), { user_id: c.id, permission_template_id: open.body.id });
      expectError(noKey, 403, 'permission_denied');
      expect(await membershipRow(first, c.id)).toBeUndefined();
    });
  });
});
