import type { Scenario, Symptom } from '../scenarios/scenario';
import type { ScenarioContext } from '../scenarios/scenario-context';

const rfis = (ctx: ScenarioContext) => `/rest/v1.0/projects/${ctx.project('first')}/rfis`;

/** 7. RFI response missing for the team: the architect's reply was saved as a draft. */
export const responseNotSubmitted: Scenario & { fixSteps: string[] } = {
  key: 'rfi_response_not_submitted',
  number: 7,
  title: 'RFI response missing for the team: the reply was saved as a draft',
  causes: ['response_not_submitted'],
  fixSteps: ['The architect submits the draft reply.'],
  async setup(ctx) {
    const rfi = await ctx.as('gc_project_manager', 'POST', rfis(ctx), {
      subject: 'Door hardware set 4',
      question: 'Lever or knob on the stair doors?',
      rfi_manager_id: ctx.userId('gc_project_manager'),
      assignee_ids: [ctx.userId('architect')],
      draft: false,
    });
    const reply = await ctx.as('architect', 'POST', `${rfis(ctx)}/${rfi.body.id}/replies`, { body: 'Lever handles, per ADA.', draft: true });
    if (rfi.status !== 201 || reply.status !== 201) throw new Error(`setup failed: ${rfi.status}/${reply.status}`);
    return { rfi_id: rfi.body.id, reply_id: reply.body.id };
  },
  async observe(ctx, state): Promise<Symptom> {
    const replies = await ctx.as('gc_project_manager', 'GET', `${rfis(ctx)}/${state.rfi_id}/replies`);
    const rfi = await ctx.as('gc_project_manager', 'GET', `${rfis(ctx)}/${state.rfi_id}`);
    return {
      present: (replies.body as unknown[]).length === 0,
      description: "The project manager opens the RFI and sees no response from the architect.",
      observed: { replies_seen: (replies.body as unknown[]).length, ball_in_court_role: rfi.body.ball_in_court_role },
    };
  },
  diagnose: () => ({ project: 'first', persona: 'gc_project_manager', symptom: 'not_updating', tool: 'rfis' }),
  async fix(ctx, state) {
    const res = await ctx.as('architect', 'PATCH', `${rfis(ctx)}/${state.rfi_id}/replies/${state.reply_id}`, { draft: false });
    return [`PATCH ${rfis(ctx)}/${state.rfi_id}/replies/${state.reply_id} {"draft": false} → ${res.status}`];
  },
};

/** An RFI draft waiting on its manager: the subcontractor's question has not reached the architect. */
export const rfiInDraft: Scenario & { fixSteps: string[] } = {
  key: 'rfi_in_draft',
  number: 19,
  title: 'RFI not reaching the design team: still a draft waiting for its RFI manager',
  causes: ['item_in_draft', 'awaiting_manager_review'],
  fixSteps: ['The superintendent (RFI manager) reviews the draft and opens it.'],
  async setup(ctx) {
    const rfi = await ctx.as('subcontractor', 'POST', rfis(ctx), {
      subject: 'Panel location in room 104',
      question: 'Can panel LP-1 move to the east wall?',
      rfi_manager_id: ctx.userId('superintendent'),
      assignee_ids: [ctx.userId('architect')],
    });
    if (rfi.status !== 201) throw new Error(`setup failed: ${rfi.status}`);
    return { rfi_id: rfi.body.id };
  },
  async observe(ctx, state): Promise<Symptom> {
    const inCourt = await ctx.as('architect', 'GET', `${rfis(ctx)}?filters[ball_in_court_id]=${ctx.userId('architect')}`);
    const listed = (inCourt.body as { id: number }[]).some((r) => r.id === state.rfi_id);
    return {
      present: !listed,
      description: "The architect's list of RFIs in their court does not show the subcontractor's question.",
      observed: { listed_for_architect: listed },
    };
  },
  diagnose: () => ({ project: 'first', persona: 'subcontractor', symptom: 'not_visible', tool: 'rfis' }),
  async fix(ctx, state) {
    const res = await ctx.as('superintendent', 'POST', `${rfis(ctx)}/${state.rfi_id}/actions/open`);
    return [`POST ${rfis(ctx)}/${state.rfi_id}/actions/open → ${res.status}`];
  },
};

/** 9. Private RFI link opened by a subcontractor: 403 with an explanation. */
export const privateRfiLink: Scenario & { fixSteps: string[] } = {
  key: 'private_rfi_link',
  number: 9,
  title: 'Private RFI link opened by a subcontractor',
  causes: ['direct_link_no_access'],
  fixSteps: ['The project manager adds the subcontractor to the RFI’s distribution.'],
  async setup(ctx) {
    const rfi = await ctx.as('gc_project_manager', 'POST', rfis(ctx), {
      subject: 'Change of electrical subcontractor scope',
      question: 'Commercial terms for the added circuits.',
      rfi_manager_id: ctx.userId('gc_project_manager'),
      assignee_ids: [ctx.userId('owner_rep')],
      private: true,
      draft: false,
    });
    if (rfi.status !== 201) throw new Error(`setup failed: ${rfi.status}`);
    await ctx.as('subcontractor', 'GET', `${rfis(ctx)}/${rfi.body.id}`);
    return { rfi_id: rfi.body.id };
  },
  async observe(ctx, state): Promise<Symptom> {
    const res = await ctx.as('subcontractor', 'GET', `${rfis(ctx)}/${state.rfi_id}`);
    return {
      present: res.status === 403,
      description: 'The subcontractor follows a link to the RFI and is refused.',
      observed: { status: res.status, code: res.body?.error?.code ?? null, message: res.body?.error?.message ?? null },
    };
  },
  diagnose: () => ({ project: 'first', persona: 'subcontractor', symptom: 'denied' }),
  async fix(ctx, state) {
    const res = await ctx.as('gc_project_manager', 'PATCH', `${rfis(ctx)}/${state.rfi_id}`, { distribution_ids: [ctx.userId('subcontractor')] });
    return [`PATCH ${rfis(ctx)}/${state.rfi_id} {"distribution_ids": [subcontractor]} → ${res.status}`];
  },
};

/** 8. RFI "disappeared" after an update: it was closed, and the list is filtered to open RFIs. */
export const rfiFilteredOut: Scenario & { fixSteps: string[] } = {
  key: 'rfi_filtered_out',
  number: 8,
  title: 'RFI "disappeared" after an update: hidden by a list filter',
  causes: ['filtered_out'],
  fixSteps: ['The project manager clears the status filter of the RFI list.'],
  async setup(ctx) {
    const rfi = await ctx.as('gc_project_manager', 'POST', rfis(ctx), {
      subject: 'Curtain wall anchor embed',
      question: 'Is the embed plate at level 3 acceptable at 150 mm from the slab edge?',
      rfi_manager_id: ctx.userId('superintendent'),
      assignee_ids: [ctx.userId('architect')],
      draft: false,
    });
    const filter = 'filters[status]=open';
    const before = await ctx.as('gc_project_manager', 'GET', `${rfis(ctx)}?${filter}&per_page=1000`);
    const closed = await ctx.as('superintendent', 'POST', `${rfis(ctx)}/${rfi.body.id}/actions/close`);
    if (rfi.status !== 201 || closed.status !== 200 || !(before.body as { id: number }[]).some((r) => r.id === rfi.body.id)) throw new Error('setup failed');
    return { rfi_id: rfi.body.id, filter };
  },
  async observe(ctx, state): Promise<Symptom> {
    const res = await ctx.as('gc_project_manager', 'GET', `${rfis(ctx)}?${state.filter}&per_page=1000`);
    const listed = (res.body as { id: number }[]).some((r) => r.id === state.rfi_id);
    return {
      present: !listed,
      description: 'The project manager reloads the RFI list and the RFI is gone.',
      observed: { list: `GET ${rfis(ctx)}?${state.filter}`, listed },
    };
  },
  diagnose: () => ({ project: 'first', persona: 'gc_project_manager', symptom: 'not_visible', tool: 'rfis' }),
  async fix(ctx, state) {
    // The user's list view changes: the next look is without the status filter.
    state.filter = 'sort=-id';
    const res = await ctx.as('gc_project_manager', 'GET', `${rfis(ctx)}?${state.filter}&per_page=1000`);
    return [`GET ${rfis(ctx)} without filters[status] → ${res.status}`];
  },
};
