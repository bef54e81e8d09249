import type { Scenario, Symptom } from '../scenarios/scenario';
import type { ScenarioContext } from '../scenarios/scenario-context';
import { samplePdf } from '../uploads/multipart-body';

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

/** Processing a file this large takes a few seconds at the realistic rate (4 MiB/s), long enough to be seen. */
const LARGE_FILE_BYTES = 12 * 1024 * 1024;

/**
 * 6. Submittal attachment not shown: the project manager attached a large
 * product-data PDF; its processing job has not finished, so the architect's
 * view of the submittal has no attachment while the uploader's shows it as
 * `processing`.
 */
export const submittalAttachmentProcessing: Scenario & { fixSteps: string[] } = {
  key: 'submittal_attachment_processing',
  number: 6,
  title: 'Submittal attachment not shown: the large file is still processing',
  causes: ['attachment_processing'],
  fixSteps: ['Wait for the processing job (POST /_sim/settle): the attachment becomes ready and shows for everyone.'],
  async setup(ctx) {
    // No queue delay: what keeps the file from the architect is the processing of a large file alone.
    await ctx.sim('PATCH', `/_sim/sandboxes/${ctx.sandbox.id}/settings`, { latency_profile: { uploads: { distribution: 'fixed', ms: 0 } } });
    const upload = await ctx.upload('gc_project_manager', 'rooftop-units-product-data.pdf', samplePdf(LARGE_FILE_BYTES));
    const created = await ctx.as('gc_project_manager', 'POST', submittals(ctx), {
      title: 'Rooftop units product data',
      submittal_manager_id: ctx.userId('gc_project_manager'),
      workflow: [{ approvers: [{ user_id: ctx.userId('architect') }] }],
      upload_ids: [upload.body.id],
    });
    const submitted = await ctx.as('gc_project_manager', 'POST', `${submittals(ctx)}/${created.body.id}/actions/submit`);
    if (upload.status !== 201 || created.status !== 201 || submitted.status !== 200) {
      throw new Error(`setup failed: ${upload.status}/${created.status}/${submitted.status} ${JSON.stringify(upload.body)}`);
    }
    return { submittal_id: created.body.id, upload_id: upload.body.id };
  },
  async observe(ctx, state): Promise<Symptom> {
    const [architect, uploader] = await Promise.all([
      ctx.as('architect', 'GET', `${submittals(ctx)}/${state.submittal_id}`),
      ctx.as('gc_project_manager', 'GET', `/rest/v1.0/projects/${ctx.project('first')}/uploads/${state.upload_id}`),
    ]);
    const seen = (architect.body.attachments as { id: number }[]).some((a) => a.id === state.upload_id);
    return {
      present: !seen,
      description: 'The project manager attached the product data, but the architect, who is in court, sees the submittal without any attachment.',
      observed: { architect_attachments: architect.body.attachments.length, uploader_sees: { name: uploader.body.name, processing_status: uploader.body.processing_status } },
    };
  },
  diagnose: () => ({ project: 'first', persona: 'architect', symptom: 'not_visible', tool: 'submittals' }),
  async fix(ctx) {
    const settled = await ctx.sim('POST', `/_sim/settle?project_id=${ctx.project('first')}&timeout_ms=60000`);
    return [`POST /_sim/settle?project_id=${ctx.project('first')} → ${settled.status} after ${settled.body?.waited_ms ?? '?'} ms`];
  },
};
