import type { Scenario, Symptom } from '../scenario';
import type { ScenarioContext } from '../scenario-context';

function members(ctx: ScenarioContext): string {
  return `/rest/v1.0/projects/${ctx.project('first')}/users`;
}

/** 15. Old data after an update: the edge cache serves an older copy; a hard refresh shows the new data. */
export const staleCache: Scenario & { fixSteps: string[] } = {
  key: 'stale_cache',
  number: 15,
  title: 'Old data after an update: stale edge cache',
  causes: ['stale_cache'],
  fixSteps: ['The project manager refreshes the list without the cache (Cache-Control: no-cache, like a hard refresh).'],
  async setup(ctx) {
    await ctx.sim('PATCH', `/_sim/sandboxes/${ctx.sandbox.id}/settings`, { edge_cache: { enabled: true, ttl_seconds: 600 } });
    const first = await ctx.as('gc_project_manager', 'GET', members(ctx));
    const user = await ctx.as('company_admin', 'POST', `/rest/v1.0/companies/${ctx.companyId}/users`, { name: 'Quinn Newhire', email: `quinn.newhire.${ctx.sandbox.id}@example.com` });
    const templates = await ctx.as('company_admin', 'GET', `/rest/v1.0/projects/${ctx.project('first')}/permission_templates`);
    const owner = templates.body.find((t: { name: string }) => t.name === 'Owner').id;
    const added = await ctx.as('company_admin', 'POST', members(ctx), { user_id: user.body.id, permission_template_id: owner });
    if (first.status !== 200 || added.status !== 201) throw new Error(`setup failed: ${first.status}/${added.status}`);
    return { new_user_id: user.body.id };
  },
  async observe(ctx, state): Promise<Symptom> {
    const res = await ctx.as('gc_project_manager', 'GET', members(ctx));
    const listed = (res.body as { id: number }[]).some((m) => m.id === state.new_user_id);
    return {
      present: !listed,
      description: 'The project manager reloads the project directory and the new member is not there.',
      observed: { listed_new_member: listed, members: (res.body as unknown[]).length },
    };
  },
  diagnose: () => ({ project: 'first', persona: 'gc_project_manager', symptom: 'not_updating' }),
  async fix(ctx) {
    const token = await ctx.token('gc_project_manager');
    const res = await ctx.requestWith('GET', members(ctx), { token, headers: { 'cache-control': 'no-cache' } });
    return [`GET ${members(ctx)} with Cache-Control: no-cache → ${res.status}`];
  },
};
