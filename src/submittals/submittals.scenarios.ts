import type { Scenario, Symptom } from '../scenarios/scenario';
import type { ScenarioContext } from '../scenarios/scenario-context';

const submittals = (ctx: ScenarioContext) => `/rest/v1.0/projects/${ctx.project('first')}/submittals`;

/**
 * 5. Submittal status not changing: the owner's representative approved, but
 * the step also needs the architect, who saved the response as a draft.
 */
export const submittalStepIncomplete: Scenario & { fixSteps: string[] } = {
  key: 'submittal_step_incomplete',
  number: 5,
  title: 'Submittal status not changing: a response saved as draft, another approver still in court',
  causes: ['workflow_step_incomplete'],
  fixSteps: ['The architect submits the draft response.'],
  async setup(ctx) {
    const created = await ctx.as('gc_project_manager', 'POST', submittals(ctx), {
      title: 'Storefront shop drawings',
      submittal_manager_id: ctx.userId('gc_project_manager'),
      workflow: [
        { approvers: [{ user_id: ctx.userId('owner_rep') }, { user_id: ctx.userId('architect') }] },
        { approvers: [{ user_id: ctx.userId('superintendent') }] },
      ],
    });
    const submitted = await ctx.as('gc_project_manager', 'POST', `${submittals(ctx)}/${created.body.id}/actions/submit`);
    const owner = await ctx.as('owner_rep', 'POST', `${submittals(ctx)}/${created.body.id}/responses`, { response: 'approved', comment: 'Finish OK.' });
    const draft = await ctx.as('architect', 'POST', `${submittals(ctx)}/${created.body.id}/responses`, { response: 'approved_as_noted', comment: 'Mullion depth per A-501.', draft: true });
    if (created.status !== 201 || submitted.status !== 200 || owner.status !== 201 || draft.status !== 201) {
      throw new Error(`setup failed: ${created.status}/${submitted.status}/${owner.status}/${draft.status}`);
    }
    return { submittal_id: created.body.id, response_id: draft.body.id };
  },
  async observe(ctx, state): Promise<Symptom> {
    const res = await ctx.as('gc_project_manager', 'GET', `${submittals(ctx)}/${state.submittal_id}`);
    return {
      present: res.body.current_step === 1,
      description: "The owner's representative approved, yet the project manager still sees the submittal at step 1, not with the superintendent.",
      observed: { current_step: res.body.current_step, ball_in_court: (res.body.ball_in_court as { name: string }[]).map((u) => u.name), workflow_state: res.body.workflow_state },
    };
  },
  diagnose: () => ({ project: 'first', persona: 'gc_project_manager', symptom: 'not_updating', tool: 'submittals' }),
  async fix(ctx, state) {
    const res = await ctx.as('architect', 'PATCH', `${submittals(ctx)}/${state.submittal_id}/responses/${state.response_id}`, { draft: false });
    return [`PATCH ${submittals(ctx)}/${state.submittal_id}/responses/${state.response_id} {"draft": false} → ${res.status}`];
  },
};
