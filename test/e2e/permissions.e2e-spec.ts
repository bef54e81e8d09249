import { ApiClient } from '../support/api-client';
import { TrainingSandbox } from '../support/sandbox';
import { TestApp } from '../support/test-app';

describe('the permission engine on real routes', () => {
  let t: TestApp;
  let api: ApiClient;
  let sb: TrainingSandbox;
  let other: TrainingSandbox;
  let p1: number;
  let p2: number;

  beforeAll(async () => {
    t = await TestApp.start();
    api = t.client();
    sb = await TrainingSandbox.create(api, 'main');
    other = await TrainingSandbox.create(api, 'other company');
    await sb.relaxLimits();
    p1 = sb.project('first');
    p2 = sb.project('second');
  });
  afterAll(() => t.stop());

  describe('layer 2: company context', () => {
    it('refuses a company the caller is not in with not_in_company', async () => {
      const pm = api.as(await sb.token('gc_project_manager'), other.companyId);
      const res = await pm.get(`/rest/v1.0/companies/${other.companyId}/vendors`);
      expect(res.status).toBe(403);
      expect(res.body.error).toMatchObject({ code: 'not_in_company', details: { layer: 'company_context' } });
    });

    it('refuses a path company that differs from the header', async () => {
      const pm = await sb.as('gc_project_manager');
      const res = await pm.get(`/rest/v1.0/companies/${other.companyId}/vendors`);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('not_in_company');
    });
  });

  describe('layer 3: company Directory admin', () => {
    it('gives Admin on a project the admin is not a member of', async () => {
      const admin = await sb.as('company_admin');
      const members = await admin.get(`/rest/v1.0/projects/${p1}/users`);
      expect(members.status).toBe(200);
      expect(members.body.map((m: { id: number }) => m.id)).not.toContain(sb.userId('company_admin'));
      const settings = await admin.get(`/rest/v1.0/settings/permissions?project_id=${p1}`);
      expect(settings.body.company_directory_admin).toBe(true);
      expect(settings.body.tools.every((tool: { user_access_level: { key: string } }) => tool.user_access_level.key === 'admin')).toBe(true);
    });
  });

  describe('layer 4: project membership', () => {
    it('refuses a non-member and applies adding and removing on the very next request', async () => {
      const sub = await sb.as('subcontractor');
      const before = await sub.get(`/rest/v1.0/projects/${p2}`);
      expect(before.status).toBe(403);
      expect(before.body.error).toMatchObject({ code: 'not_project_member', details: { action: 'admin.view_project', layer: 'project_membership' } });

      const pm = await sb.as('gc_project_manager');
      const templates = await pm.get(`/rest/v1.0/projects/${p2}/permission_templates`);
      const subTemplate = templates.body.find((x: { name: string }) => x.name === 'Subcontractor');
      const added = await pm.post(`/rest/v1.0/projects/${p2}/users`, { user_id: sb.userId('subcontractor'), permission_template_id: subTemplate.id });
      expect(added.status).toBe(201);
      expect((await sub.get(`/rest/v1.0/projects/${p2}`)).status).toBe(200);

      expect((await pm.delete(`/rest/v1.0/projects/${p2}/users/${sb.userId('subcontractor')}`)).status).toBe(204);
      const after = await sub.get(`/rest/v1.0/projects/${p2}`);
      expect(after.status).toBe(403);
      expect(after.body.error.code).toBe('not_project_member');
      expect(after.body.error.message).toMatch(/removed/);
    });
  });

  describe('layer 5: tool active', () => {
    it('refuses a switched-off tool and shows it in settings and explain', async () => {
      const pm = await sb.as('company_admin');
      expect((await pm.post(`/rest/v1.0/projects/${p2}/tools/rfis/actions/deactivate`)).status).toBe(200);
      const sup = await sb.as('superintendent');
      const settings = await sup.get(`/rest/v1.0/settings/permissions?project_id=${p2}`);
      expect(settings.body.tools.find((x: { name: string }) => x.name === 'rfis').active).toBe(false);
      const explain = await sup.get(`/rest/v1.0/projects/${p2}/permissions/explain?action=rfis.view`);
      expect(explain.body.allowed).toBe(false);
      expect(explain.body.denied_at).toMatchObject({ layer: 'tool_active', code: 'tool_inactive' });
      expect(explain.body.how_to_allow[0]).toMatchObject({ change: 'activate_tool' });
      expect((await pm.post(`/rest/v1.0/projects/${p2}/tools/rfis/actions/activate`)).status).toBe(200);
      const again = await sup.get(`/rest/v1.0/projects/${p2}/permissions/explain?action=rfis.view`);
      expect(again.body.allowed).toBe(true);
    });
  });

  describe('layer 6: general level', () => {
    it("lets a superintendent, re-added to a project, read the project's people but not change them (Read Only on Directory)", async () => {
      const admin = await sb.as('company_admin');
      const sup = await sb.as('superintendent');
      const templates = await admin.get(`/rest/v1.0/projects/${p2}/permission_templates`);
      const supTemplate = templates.body.find((x: { name: string }) => x.name === 'Superintendent');
      expect((await admin.delete(`/rest/v1.0/projects/${p2}/users/${sb.userId('superintendent')}`)).status).toBe(204);
      expect((await admin.post(`/rest/v1.0/projects/${p2}/users`, { user_id: sb.userId('superintendent'), permission_template_id: supTemplate.id })).status).toBe(201);

      const people = await sup.get(`/rest/v1.0/projects/${p2}/users`);
      expect(people.status).toBe(200);
      expect(people.body.map((u: { id: number }) => u.id)).toEqual(expect.arrayContaining([sb.userId('gc_project_manager'), sb.userId('superintendent')]));
      const add = await sup.post(`/rest/v1.0/projects/${p2}/users`, { user_id: sb.userId('architect'), permission_template_id: supTemplate.id });
      expect(add.status).toBe(403);
      expect(add.body.error).toMatchObject({ code: 'permission_denied', details: { have: { level: 'read_only' } } });
    });

    it('refuses None on the tool with the action, layer, have and need', async () => {
      const sub = await sb.as('subcontractor');
      const res = await sub.get(`/rest/v1.0/projects/${p1}/users`);
      expect(res.status).toBe(403);
      expect(res.body.error).toMatchObject({
        code: 'permission_denied',
        details: { action: 'directory.view', layer: 'general_level', have: 'none', need: 'read_only' },
      });
      expect(res.body.error.message).toMatch(/Directory/);
    });
  });

  describe('layer 7: granular permissions', () => {
    it('refuses Read Only without the key, and a template edit grants it on the next request', async () => {
      const pm = await sb.as('gc_project_manager');
      const denied = await pm.patch(`/rest/v1.0/projects/${p1}`, { address: '1 New Street' });
      expect(denied.status).toBe(403);
      expect(denied.body.error.details).toMatchObject({ action: 'admin.edit_project', layer: 'granular', need: { granular_any_of: ['admin.manage_general'] } });

      const admin = await sb.as('company_admin');
      const templates = await admin.get(`/rest/v1.0/companies/${sb.companyId}/permission_templates?filters[scope]=project`);
      const pmTemplate = templates.body.find((x: { name: string }) => x.name === 'Project Manager');
      const edit = await admin.patch(`/rest/v1.0/companies/${sb.companyId}/permission_templates/${pmTemplate.id}`, {
        granular: [...pmTemplate.granular, 'admin.manage_general'],
      });
      expect(edit.status).toBe(200);

      const allowed = await pm.patch(`/rest/v1.0/projects/${p1}`, { address: '1 New Street' });
      expect(allowed.status).toBe(200);
      expect(allowed.body.address).toBe('1 New Street');

      await admin.patch(`/rest/v1.0/companies/${sb.companyId}/permission_templates/${pmTemplate.id}`, { granular: pmTemplate.granular });
      expect((await pm.patch(`/rest/v1.0/projects/${p1}`, { address: '2 Old Street' })).status).toBe(403);
    });
  });

  describe('denials', () => {
    it('are written to the audit log and counted in metrics by code and layer', async () => {
      const owner = await sb.as('owner_rep');
      const res = await owner.get(`/rest/v1.0/projects/${p1}/users`, { headers: { 'x-request-id': 'deny-audit-1' } });
      expect(res.status).toBe(403);
      const rows = await t.db.query(`SELECT kind, action, detail, user_id, project_id FROM audit_events WHERE request_id = 'deny-audit-1'`);
      expect(rows.rows).toHaveLength(1);
      expect(rows.rows[0]).toMatchObject({ kind: 'permission_denied', action: 'directory.view', user_id: sb.userId('owner_rep'), project_id: p1 });
      expect(rows.rows[0].detail).toMatchObject({ layer: 'general_level', have: 'none' });

      const admin = await sb.as('company_admin');
      const log = await admin.get(`/rest/v1.0/companies/${sb.companyId}/audit_events?filters[kind]=permission_denied&filters[user_id]=${sb.userId('owner_rep')}`);
      expect(log.status).toBe(200);
      expect(log.body[0].request_id).toBe('deny-audit-1');

      const metrics = await api.get('/metrics');
      expect(metrics.text).toMatch(/sitesim_permission_denials_total\{code="permission_denied",layer="general_level"\} [1-9]/);
    });

    it('never lets a non-admin read the audit log', async () => {
      const pm = await sb.as('gc_project_manager');
      const res = await pm.get(`/rest/v1.0/companies/${sb.companyId}/audit_events`);
      expect(res.status).toBe(403);
      expect(res.body.error.details.action).toBe('company_admin.view_audit_log');
    });
  });

  describe('explain', () => {
    it('explains your own denial layer by layer with what an admin could change', async () => {
      const sub = await sb.as('subcontractor');
      const res = await sub.get(`/rest/v1.0/projects/${p1}/permissions/explain?action=rfis.create_open`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ action: 'rfis.create_open', allowed: false, outcome: 'denied', denied_at: { layer: 'granular' } });
      expect(res.body.layers.map((l: { layer: string }) => l.layer)).toEqual([
        'authentication', 'company_context', 'company_directory_admin', 'project_membership', 'tool_active', 'general_level', 'granular', 'item_role', 'item_state',
      ]);
      expect(res.body.layers.find((l: { layer: string }) => l.layer === 'item_role').verdict).toBe('not_reached');
      const changes = res.body.how_to_allow.map((c: { change: string }) => c.change);
      expect(changes).toEqual(expect.arrayContaining(['raise_level', 'add_granular', 'change_project_template']));
      const alternatives = res.body.how_to_allow.find((c: { change: string }) => c.change === 'change_project_template').templates.map((x: { name: string }) => x.name);
      expect(alternatives).toEqual(['Project Manager', 'Superintendent']);
    });

    it('says an item-role action depends on the item', async () => {
      const arch = await sb.as('architect');
      const res = await arch.get(`/rest/v1.0/projects/${p1}/permissions/explain?action=rfis.respond`);
      expect(res.body.outcome).toBe('pending');
      expect(res.body.how_to_allow.some((c: { change: string }) => c.change === 'item_role')).toBe(true);
    });

    it("refuses explaining someone else's access without Admin on the project Directory", async () => {
      const sub = await sb.as('subcontractor');
      const res = await sub.get(`/rest/v1.0/projects/${p1}/permissions/explain?action=rfis.view&user_id=${sb.userId('architect')}`);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('permission_denied');
    });

    it('lets a project Directory admin explain another member', async () => {
      const pm = await sb.as('gc_project_manager');
      const res = await pm.get(`/rest/v1.0/projects/${p1}/permissions/explain?action=directory.view&user_id=${sb.userId('subcontractor')}`);
      expect(res.status).toBe(200);
      expect(res.body.user.id).toBe(sb.userId('subcontractor'));
      expect(res.body.denied_at).toMatchObject({ layer: 'general_level', have: 'none' });
    });

    it('explains company actions at the company address', async () => {
      const sub = await sb.as('subcontractor');
      const res = await sub.get(`/rest/v1.0/companies/${sb.companyId}/permissions/explain?action=company_directory.view`);
      expect(res.status).toBe(200);
      expect(res.body.allowed).toBe(false);
      expect(res.body.held.company_template.name).toBe('Vendor User');
      const wrong = await sub.get(`/rest/v1.0/companies/${sb.companyId}/permissions/explain?action=rfis.view`);
      expect(wrong.status).toBe(422);
    });

    it.each([
      ['action=nope.nothing', 'action'],
      ['action=rfis.view&user_id=abc', 'user_id'],
      ['action=rfis.view&bogus=1', 'bogus'],
      ['', 'action'],
    ])('answers 422 for %s', async (query, field) => {
      const pm = await sb.as('gc_project_manager');
      const res = await pm.get(`/rest/v1.0/projects/${p1}/permissions/explain?${query}`);
      expect(res.status).toBe(422);
      expect(res.body.error.details.fields.map((f: { field: string }) => f.field)).toContain(field);
    });

    it("answers 404 for another company's project and user", async () => {
      const pm = await sb.as('gc_project_manager');
      expect((await pm.get(`/rest/v1.0/projects/${other.project()}/permissions/explain?action=rfis.view`)).status).toBe(404);
      const res = await pm.get(`/rest/v1.0/projects/${p1}/permissions/explain?action=rfis.view&user_id=${other.userId('architect')}`);
      expect(res.status).toBe(422);
    });
  });

  describe('settings/permissions', () => {
    it("lists each tool with the caller's level, permitted and conditional actions and granular keys", async () => {
      const sup = await sb.as('superintendent');
      const res = await sup.get(`/rest/v1.0/settings/permissions?project_id=${p1}`);
      expect(res.status).toBe(200);
      const rfis = res.body.tools.find((x: { name: string }) => x.name === 'rfis');
      expect(rfis.user_access_level).toEqual({ key: 'standard', name: 'Standard' });
      expect(rfis.permitted_actions).toEqual(expect.arrayContaining(['rfis.view', 'rfis.create_draft', 'rfis.create_open']));
      expect(rfis.permitted_actions).not.toContain('rfis.delete');
      expect(rfis.conditional_actions.map((c: { action: string }) => c.action)).toEqual(expect.arrayContaining(['rfis.respond', 'rfis.close', 'rfis.edit']));
      expect(rfis.granular).toContainEqual({ key: 'rfis.act_as_rfi_manager', granted: true });
      const budget = res.body.tools.find((x: { name: string }) => x.name === 'budget');
      expect(budget.permitted_actions).toEqual(['budget.view']);
    });

    it('needs a project_id and refuses another company project with 404', async () => {
      const sup = await sb.as('superintendent');
      expect((await sup.get('/rest/v1.0/settings/permissions')).status).toBe(422);
      expect((await sup.get(`/rest/v1.0/settings/permissions?project_id=${other.project()}`)).status).toBe(404);
    });
  });
});

describe('consistency across API processes', () => {
  let a: TestApp;
  let b: TestApp;
  let sb: TrainingSandbox;

  beforeAll(async () => {
    a = await TestApp.start();
    b = await TestApp.start({ sharing: a });
    sb = await TrainingSandbox.create(a.client(), 'two processes');
    await sb.relaxLimits();
  });
  afterAll(async () => {
    await b.stop();
    await a.stop();
  });

  it('sees a template change, a removal and a deactivation made through another process on the next request', async () => {
    const p1 = sb.project('first');
    const token = await sb.token('superintendent');
    const inA = a.client().as(token, sb.companyId);
    const adminInB = b.client().as(await sb.token('company_admin'), sb.companyId);
    // Warm process A's caches.
    for (let i = 0; i < 3; i++) expect((await inA.get(`/rest/v1.0/projects/${p1}/users`)).status).toBe(200);

    const templates = await adminInB.get(`/rest/v1.0/companies/${sb.companyId}/permission_templates?filters[scope]=project`);
    const sup = templates.body.find((x: { name: string }) => x.name === 'Superintendent');
    expect((await adminInB.patch(`/rest/v1.0/companies/${sb.companyId}/permission_templates/${sup.id}`, { levels: { ...sup.levels, directory: 'none' } })).status).toBe(200);
    expect((await inA.get(`/rest/v1.0/projects/${p1}/users`)).status).toBe(403);

    expect((await adminInB.delete(`/rest/v1.0/projects/${p1}/users/${sb.userId('superintendent')}`)).status).toBe(204);
    const removed = await inA.get(`/rest/v1.0/projects/${p1}/users`);
    expect(removed.body.error.code).toBe('not_project_member');

    expect((await adminInB.post(`/rest/v1.0/companies/${sb.companyId}/users/${sb.userId('superintendent')}/actions/deactivate`)).status).toBe(200);
    const inactive = await inA.get('/rest/v1.0/me');
    expect(inactive.status).toBe(401);
    expect(inactive.body.error.code).toBe('account_inactive');
  });

  it('stops a token revoked through another process on the next request', async () => {
    const login = await b.client().post('/oauth/token', { grant_type: 'password', username: sb.persona('architect').email, password: sb.persona('architect').password });
    const token = login.body.access_token;
    for (let i = 0; i < 3; i++) expect((await a.client().get('/rest/v1.0/me', { token })).status).toBe(200);
    expect((await b.client().post('/oauth/revoke', { token })).status).toBe(200);
    expect((await a.client().get('/rest/v1.0/me', { token })).status).toBe(401);
  });
});
