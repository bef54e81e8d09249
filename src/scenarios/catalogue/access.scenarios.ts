import type { Scenario, Symptom } from '../scenario';
import type { ScenarioContext } from '../scenario-context';

/** 13. User removed from a project: access ends on the next request and comes back after re-adding. */
export const removedFromProject: Scenario & { fixSteps: string[] } = {
  key: 'removed_from_project',
  number: 13,
  title: 'User removed from a project',
  causes: ['removed_from_project'],
  fixSteps: ['The project manager adds the architect to the project again with the Architect template.'],
  async setup(ctx) {
    const p1 = ctx.project('first');
    const before = await ctx.as('architect', 'GET', `/rest/v1.0/projects/${p1}`);
    const removed = await ctx.as('gc_project_manager', 'DELETE', `/rest/v1.0/projects/${p1}/users/${ctx.userId('architect')}`);
    if (before.status !== 200 || removed.status !== 204) throw new Error(`setup failed: ${before.status}/${removed.status}`);
    return { architect_could_open_before: true };
  },
  async observe(ctx): Promise<Symptom> {
    const res = await ctx.as('architect', 'GET', `/rest/v1.0/projects/${ctx.project('first')}`);
    return {
      present: res.status === 403,
      description: 'The architect opens the project and is refused.',
      observed: { request: `GET /rest/v1.0/projects/${ctx.project('first')}`, status: res.status, error: res.body?.error?.code ?? null },
    };
  },
  diagnose: () => ({ project: 'first', persona: 'architect', symptom: 'denied' }),
  async fix(ctx) {
    const p1 = ctx.project('first');
    const templates = await ctx.as('gc_project_manager', 'GET', `/rest/v1.0/projects/${p1}/permission_templates`);
    const architect = templates.body.find((t: { name: string }) => t.name === 'Architect');
    const res = await ctx.as('gc_project_manager', 'POST', `/rest/v1.0/projects/${p1}/users`, { user_id: ctx.userId('architect'), permission_template_id: architect.id });
    return [`POST /rest/v1.0/projects/${p1}/users (architect, template 'Architect') → ${res.status}`];
  },
};

async function rfiAccess(ctx: ScenarioContext): Promise<Record<string, unknown>> {
  const res = await ctx.as('superintendent', 'GET', `/rest/v1.0/projects/${ctx.project('first')}/permissions/explain?action=rfis.view`);
  return res.body;
}

/** 14. Tool hidden: the RFIs tool switched off on the project. */
export const toolHidden: Scenario & { fixSteps: string[] } = {
  key: 'tool_hidden',
  number: 14,
  title: 'Tool hidden: switched off on the project',
  causes: ['tool_inactive', 'permission_denied'],
  fixSteps: ['A company administrator activates the RFIs tool on the project again.'],
  async setup(ctx) {
    const res = await ctx.as('company_admin', 'POST', `/rest/v1.0/projects/${ctx.project('first')}/tools/rfis/actions/deactivate`);
    if (res.status !== 200) throw new Error(`setup failed: ${res.status}`);
    return {};
  },
  async observe(ctx): Promise<Symptom> {
    const e = await rfiAccess(ctx);
    const settings = await ctx.as('superintendent', 'GET', `/rest/v1.0/settings/permissions?project_id=${ctx.project('first')}`);
    const rfis = settings.body.tools.find((t: { name: string }) => t.name === 'rfis');
    return {
      present: e.allowed === false,
      description: 'The superintendent no longer sees the RFIs tool on the project.',
      observed: { rfis_tool_active: rfis.active, may_view_rfis: e.allowed, refused_at: (e.denied_at as { code?: string } | null)?.code ?? null },
    };
  },
  diagnose: () => ({ project: 'first', persona: 'superintendent', symptom: 'not_visible', tool: 'rfis' }),
  async fix(ctx) {
    const res = await ctx.as('company_admin', 'POST', `/rest/v1.0/projects/${ctx.project('first')}/tools/rfis/actions/activate`);
    return [`POST /rest/v1.0/projects/${ctx.project('first')}/tools/rfis/actions/activate → ${res.status}`];
  },
};

/** 16. Simultaneous edits: the second writer, holding an old version, gets 409 instead of a silent lost update. */
export const simultaneousEdits: Scenario & { fixSteps: string[] } = {
  key: 'simultaneous_edits',
  number: 16,
  title: 'Simultaneous edits: 409 conflict for the second writer',
  causes: ['edit_conflict'],
  fixSteps: ['The second writer reloads the membership (its current version) and applies the change again with If-Match.'],
  async setup(ctx) {
    const p1 = ctx.project('first');
    const url = `/rest/v1.0/projects/${p1}/users/${ctx.userId('architect')}`;
    const read = await ctx.as('company_admin', 'GET', url);
    const templates = await ctx.as('company_admin', 'GET', `/rest/v1.0/projects/${p1}/permission_templates`);
    const owner = templates.body.find((t: { name: string }) => t.name === 'Owner').id;
    const subcontractor = templates.body.find((t: { name: string }) => t.name === 'Subcontractor').id;
    const first = await ctx.as('gc_project_manager', 'PATCH', url, { permission_template_id: owner, version: read.body.version });
    const second = await ctx.as('company_admin', 'PATCH', url, { permission_template_id: subcontractor, version: read.body.version });
    return { url, read_version: read.body.version, first_status: first.status, second_status: second.status, wanted_template_id: subcontractor };
  },
  async observe(ctx, state): Promise<Symptom> {
    const now = await ctx.as('company_admin', 'GET', String(state.url));
    const applied = now.body.permission_template?.id === state.wanted_template_id;
    return {
      present: !applied,
      description: "The company admin's template change did not save: someone else changed the membership first.",
      observed: { second_writer_status: state.second_status, current_template: now.body.permission_template, current_version: now.body.version },
    };
  },
  diagnose: () => ({ project: 'first', persona: 'company_admin', symptom: 'not_updating' }),
  async fix(ctx, state) {
    const now = await ctx.as('company_admin', 'GET', String(state.url));
    const res = await ctx.as('company_admin', 'PATCH', String(state.url), { permission_template_id: state.wanted_template_id, version: now.body.version });
    return [`GET ${state.url} → version ${now.body.version}`, `PATCH ${state.url} with version ${now.body.version} → ${res.status}`];
  },
};

/** 17. Account locked after failed sign-ins; unlocked by an administrator. */
export const accountLocked: Scenario & { fixSteps: string[] } = {
  key: 'account_locked',
  number: 17,
  title: 'Account locked after failed logins; unlocked by an admin',
  causes: ['account_locked'],
  fixSteps: ['A company administrator unlocks the account; the subcontractor signs in again.'],
  async setup(ctx) {
    const answers: number[] = [];
    for (let i = 0; i < 5; i++) answers.push((await ctx.login('subcontractor', 'wrong-password')).status);
    return { failed_answers: answers };
  },
  async observe(ctx): Promise<Symptom> {
    const res = await ctx.login('subcontractor');
    return {
      present: res.status === 423,
      description: 'The subcontractor signs in with the right password and is refused.',
      observed: { status: res.status, code: res.body?.code ?? null, locked_until: res.body?.details?.locked_until ?? null },
    };
  },
  diagnose: () => ({ persona: 'subcontractor', symptom: 'denied' }),
  async fix(ctx) {
    const res = await ctx.as('company_admin', 'POST', `/rest/v1.0/companies/${ctx.companyId}/users/${ctx.userId('subcontractor')}/actions/unlock`);
    return [`POST /rest/v1.0/companies/${ctx.companyId}/users/${ctx.userId('subcontractor')}/actions/unlock → ${res.status}`];
  },
};
