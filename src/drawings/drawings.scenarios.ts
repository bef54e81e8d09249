import type { Scenario, Symptom } from '../scenarios/scenario';
import type { ScenarioContext } from '../scenarios/scenario-context';
import { multipartBody } from '../uploads/multipart-body';
import { drawingSetPdf } from './sample-drawings';

const base = (ctx: ScenarioContext) => `/rest/v1.0/projects/${ctx.project('first')}`;

async function uploadDrawings(ctx: ScenarioContext, fileName: string, sheets: { number: string; title: string }[]): Promise<number> {
  const { body, contentType } = multipartBody([{ name: 'file', filename: fileName, data: await drawingSetPdf(sheets) }]);
  const res = await ctx.requestWith('POST', `${base(ctx)}/drawing_uploads`, { token: await ctx.token('superintendent'), raw: body, headers: { 'content-type': contentType } });
  if (res.status !== 201) throw new Error(`scenario could not upload drawings: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
}

async function settle(ctx: ScenarioContext): Promise<void> {
  await ctx.sim('POST', `/_sim/settle?project_id=${ctx.project('first')}&timeout_ms=60000`);
}

/** Notes on the published layer of each sheet, as the architect (read only on Drawings) loads them. */
async function notesSeen(ctx: ScenarioContext, numbers: string[]): Promise<Record<string, number | 'no such drawing'>> {
  const seen: Record<string, number | 'no such drawing'> = {};
  for (const number of numbers) {
    const [drawing] = (await ctx.as('architect', 'GET', `${base(ctx)}/drawings?filters[number]=${number}`)).body as { current_revision: { id: number } }[];
    seen[number] = drawing ? ((await ctx.as('architect', 'GET', `${base(ctx)}/drawing_revisions/${drawing.current_revision.id}/markups`)).body as unknown[]).length : 'no such drawing';
  }
  return seen;
}

const cloud = { type: 'cloud', points: [[300, 300], [900, 300], [900, 700], [300, 700]], color: '#E53935' };

/**
 * 12. Drawing notes not loading: the superintendent's notes on the plan are on
 * a personal layer, and the revised detail they marked up is still waiting for
 * review, so the architect opens both sheets and sees no notes.
 */
export const drawingNotesNotLoading: Scenario & { fixSteps: string[] } = {
  key: 'drawing_notes_not_loading',
  number: 12,
  title: 'Drawing notes not loading: markups on a personal layer, and on a revision still waiting for review',
  causes: ['markup_layer_personal', 'markups_not_published'],
  fixSteps: [
    'The superintendent publishes the notes on the plan (PATCH its markups {"layer": "published"}).',
    'A reviewer publishes the revised detail (POST .../drawing_uploads/{id}/actions/publish): its notes come with it.',
  ],
  async setup(ctx) {
    await ctx.sim('PATCH', `/_sim/sandboxes/${ctx.sandbox.id}/settings`, { latency_profile: 'instant' });
    const plan = await uploadDrawings(ctx, 'Level 3 plans.pdf', [{ number: 'A-301', title: 'Level 3 floor plan' }]);
    await settle(ctx);
    const published = await ctx.as('superintendent', 'POST', `${base(ctx)}/drawing_uploads/${plan}/actions/publish`, {});
    const revision = published.body.sheets[0].drawing_revision_id as number;
    const personal = await ctx.as('superintendent', 'POST', `${base(ctx)}/drawing_revisions/${revision}/markups`, {
      layer: 'personal',
      shapes: [cloud, { type: 'text', x: 320, y: 280, text: 'Relocate the floor drain 2 ft east' }],
    });
    const detail = await uploadDrawings(ctx, 'A-501 revised.pdf', [{ number: 'A-501', title: 'Roof drain details' }]);
    await settle(ctx);
    const waiting = await ctx.as('superintendent', 'GET', `${base(ctx)}/drawing_uploads/${detail}`);
    const waitingRevision = waiting.body.sheets[0].drawing_revision_id as number;
    const onWaiting = await ctx.as('superintendent', 'POST', `${base(ctx)}/drawing_revisions/${waitingRevision}/markups`, { layer: 'published', shapes: [cloud] });
    return { plan_revision: revision, personal_markup: personal.body.id, detail_upload: detail, detail_markup: onWaiting.body.id };
  },
  async observe(ctx, state): Promise<Symptom> {
    const seen = await notesSeen(ctx, ['A-301', 'A-501']);
    return {
      present: seen['A-301'] === 0 || seen['A-501'] !== 1,
      description: 'The architect opens A-301 and A-501: the sheets load without the superintendent’s notes (A-501 is not even listed).',
      observed: { notes_seen_by_architect: seen, ...state },
    };
  },
  diagnose: () => ({ project: 'first', persona: 'architect', symptom: 'not_loading', tool: 'drawings' }),
  async fix(ctx, state) {
    const url = `${base(ctx)}/drawing_revisions/${state.plan_revision}/markups/${state.personal_markup}`;
    const patched = await ctx.as('superintendent', 'PATCH', url, { layer: 'published' });
    const published = await ctx.as('superintendent', 'POST', `${base(ctx)}/drawing_uploads/${state.detail_upload}/actions/publish`, {});
    return [`PATCH ${url} {"layer": "published"} → ${patched.status}`, `POST ${base(ctx)}/drawing_uploads/${state.detail_upload}/actions/publish → ${published.status}`];
  },
};
