import { drawingSetPdf } from '../../src/drawings/sample-drawings';
import { ACTIONS, Action, ruleOf } from '../../src/permissions/matrix/action-matrix';
import type { Level } from '../../src/permissions/permission.types';
import { PERSONAS, PROJECT_TEMPLATES } from '../../src/sandboxes/training.fixture';
import { multipartBody } from '../../src/uploads/multipart-body';
import { Answer, ApiClient } from '../support/api-client';
import { TINY_PNG } from '../support/images';
import { PersonaKey, TrainingSandbox } from '../support/sandbox';
import { TestApp } from '../support/test-app';
import { CONTRACT, expected } from '../unit/permission-contract';

/**
 * Every RFI, submittal, budget, prime contract, commitment, change order,
 * photo and drawing action of the matrix, performed on its real route
 * by each persona of the training sandbox, with and without the item role the
 * action's row names. The expected answer is read from the PERMISSIONS.md
 * transcription and the personas' templates, never from the code's rules.
 */

const TOOLS = ['rfis', 'submittals', 'budget', 'prime_contracts', 'commitments', 'change_orders', 'photos', 'drawings'] as const;

/** The persona's level and granular keys on a tool, from the training templates of API.md. */
function grantOf(persona: PersonaKey, tool: string): { level: Level; granular: Set<string> } {
  const p = PERSONAS.find((x) => x.key === persona)!;
  if (p.companyTemplate === 'company_directory_admin') return { level: 'admin', granular: new Set() };
  const template = PROJECT_TEMPLATES.find((t) => t.key === p.projectTemplate)!;
  return { level: (template.levels as Record<string, Level>)[tool] ?? 'none', granular: new Set(template.granular) };
}

/** The item role(s) an action's contract row names: `role(a,b)@...`. */
function rolesIn(notation: string): string[] {
  const m = /role\(([\w,]+)\)/.exec(notation);
  return m ? m[1].split(',') : [];
}

interface Case {
  action: Action;
  persona: PersonaKey;
  /** Whether the persona holds the action's item role on the item acted on. */
  role: boolean;
  outcome: 'allowed' | 'denied';
}

const cases: Case[] = [];
for (const action of ACTIONS.filter((a) => (TOOLS as readonly string[]).includes(ruleOf(a).tool))) {
  const notation = CONTRACT[action];
  for (const p of PERSONAS) {
    const { level, granular } = grantOf(p.key, ruleOf(action).tool);
    const verdict = expected(notation, ruleOf(action).tool, level, granular);
    // A role needs project membership (the company admin is on no project): only members can hold one.
    const roleCases = rolesIn(notation).length && p.projects.includes('first') ? [false, true] : [false];
    for (const role of roleCases) {
      cases.push({ action, persona: p.key, role, outcome: verdict === 'allowed' || (verdict === 'pending' && role) ? 'allowed' : 'denied' });
    }
  }
}

describe('RFI, submittal and money actions, per persona, as the matrix says', () => {
  let t: TestApp;
  let sb: TrainingSandbox;
  let pm: ApiClient;
  let rfis: string;
  let submittals: string;
  let money: string;
  let costCode: number;
  let prime: number;
  let seq = 0;

  beforeAll(async () => {
    t = await TestApp.start();
    sb = await TrainingSandbox.create(t.client(), 'persona-matrix');
    await sb.relaxLimits();
    await t.client().patch(`/_sim/sandboxes/${sb.info.id}/settings`, { latency_profile: 'instant' });
    pm = await sb.as('gc_project_manager');
    rfis = `/rest/v1.0/projects/${sb.project()}/rfis`;
    submittals = `/rest/v1.0/projects/${sb.project()}/submittals`;
    money = `/rest/v1.0/projects/${sb.project()}`;
    costCode = (await pm.get(`${money}/cost_codes?per_page=1`)).body[0].id;
    prime = (await pm.get(`${money}/prime_contracts`)).body[0].id;
  });
  afterAll(() => t.stop());

  const ok = (res: Answer, what: string) => {
    if (res.status >= 300) throw new Error(`setup ${what}: ${res.status} ${res.text}`);
    return res.body;
  };

  /** An RFI set up by the project manager; `creator` rewrites who created it (a fixture, like the seeds). */
  async function rfi(o: { open?: boolean; closed?: boolean; manager?: number; assignees?: number[]; creator?: number; reply?: boolean }) {
    const body = ok(
      await pm.post(rfis, { subject: 'Matrix', question: 'q', rfi_manager_id: o.manager ?? sb.userId('gc_project_manager'), assignee_ids: o.assignees ?? [], draft: !(o.open || o.closed) }),
      'rfi',
    );
    if (o.creator) await t.db.query('UPDATE rfis SET created_by_id = $2 WHERE id = $1', [body.id, o.creator]);
    if (o.closed) ok(await pm.post(`${rfis}/${body.id}/actions/close`), 'close');
    const reply = o.reply ? ok(await pm.post(`${rfis}/${body.id}/replies`, { body: 'answer' }), 'reply') : null;
    return { id: body.id as number, replyId: reply?.id as number | undefined };
  }

  /** A submittal set up by the project manager, in the state an action needs. */
  async function submittal(o: { state?: 'draft' | 'in_review' | 'complete' | 'closed'; approver?: number; creator?: number }) {
    const approver = o.approver ?? sb.userId('superintendent');
    const body = ok(await pm.post(submittals, { title: 'Matrix', submittal_manager_id: sb.userId('gc_project_manager'), workflow: [{ approvers: [{ user_id: approver }] }] }), 'submittal');
    if (o.creator) await t.db.query('UPDATE submittals SET created_by_id = $2 WHERE id = $1', [body.id, o.creator]);
    const state = o.state ?? 'draft';
    if (state !== 'draft') ok(await pm.post(`${submittals}/${body.id}/actions/submit`), 'submit');
    if (state === 'complete' || state === 'closed') {
      const who = PERSONAS.find((p) => sb.userId(p.key) === approver)!.key;
      ok(await (await sb.as(who)).post(`${submittals}/${body.id}/responses`, { response: 'approved' }), 'respond');
    }
    if (state === 'closed') ok(await pm.post(`${submittals}/${body.id}/actions/close`), 'close');
    return body.id as number;
  }

  const lineItem = async () => ok(await pm.post(`${money}/budget/line_items`, { cost_code_id: costCode, description: `Matrix ${++seq}`, original_budget_amount: '100.00' }), 'line item').id as number;
  const commitment = async () => ok(await pm.post(`${money}/commitments`, { type: 'subcontract', title: `Matrix ${++seq}` }), 'commitment').id as number;

  /** A prime change order set up by the project manager; `creator` rewrites who created it, `reviewer` is its designated reviewer. */
  async function changeOrder(o: { pending?: boolean; creator?: number; reviewer?: number }) {
    const body = ok(await pm.post(`${money}/change_orders`, { contract_type: 'prime', contract_id: prime, title: `Matrix ${++seq}`, designated_reviewer_id: o.reviewer ?? sb.userId('gc_project_manager') }), 'change order');
    if (o.creator) await t.db.query('UPDATE change_orders SET created_by_id = $2 WHERE id = $1', [body.id, o.creator]);
    if (o.pending) ok(await pm.post(`${money}/change_orders/${body.id}/actions/submit`), 'submit');
    return body.id as number;
  }

  const photoForm = (who: ApiClient) => {
    const { body, contentType } = multipartBody([{ name: 'file', filename: `matrix-${++seq}.png`, data: TINY_PNG }]);
    return who.request('POST', `${money}/images`, { raw: body, headers: { 'content-type': contentType } });
  };
  /** A processed photo uploaded by the project manager; `uploader` rewrites who uploaded it (a fixture, like the seeds). */
  async function photo(uploader?: number) {
    const id = ok(await photoForm(pm), 'photo').id as number;
    ok(await t.client().post(`/_sim/settle?project_id=${sb.project()}&timeout_ms=20000`), 'settle');
    if (uploader) await t.db.query('UPDATE images SET uploaded_by_id = $2 WHERE id = $1', [id, uploader]);
    return id;
  }
  const album = async () => ok(await pm.post(`${money}/image_categories`, { name: `Matrix ${++seq}` }), 'album').id as number;

  const drawingForm = (who: ApiClient, data: Buffer) => {
    const { body, contentType } = multipartBody([{ name: 'file', filename: `matrix-${++seq}.pdf`, data }]);
    return who.request('POST', `${money}/drawing_uploads`, { raw: body, headers: { 'content-type': contentType } });
  };
  /** A one-sheet drawing upload by the project manager, processed and waiting for review. */
  async function drawingUpload() {
    const id = ok(await drawingForm(pm, await drawingSetPdf([{ number: `M-${++seq}`, title: 'Matrix sheet' }])), 'drawing upload').id as number;
    ok(await t.client().post(`/_sim/settle?project_id=${sb.project()}&timeout_ms=20000`), 'settle');
    return id;
  }
  const revision = async () => ok(await pm.post(`${money}/drawing_uploads/${await drawingUpload()}/actions/publish`, {}), 'publish').sheets[0].drawing_revision_id as number;
  const seededRevision = async () => ok(await pm.get(`${money}/drawings?per_page=1`), 'drawings')[0].current_revision.id as number;
  const rect = [{ type: 'rectangle', x: 10, y: 10, width: 50, height: 40 }];
  /** A published markup by the project manager on a seeded sheet; `creator` rewrites who drew it (a fixture, like the seeds). */
  async function markup(creator?: number) {
    const rev = await seededRevision();
    const id = ok(await pm.post(`${money}/drawing_revisions/${rev}/markups`, { layer: 'published', shapes: rect }), 'markup').id as number;
    if (creator) await t.db.query('UPDATE drawing_markups SET created_by_id = $2 WHERE id = $1', [id, creator]);
    return `${money}/drawing_revisions/${rev}/markups/${id}`;
  }

  /** Performs `act`, then puts the budget lock back as it was (the project manager unlocks). */
  async function thenUnlocked(act: () => Promise<Answer>): Promise<Answer> {
    const res = await act();
    ok(await pm.delete(`${money}/budget/lock`), 'unlock');
    return res;
  }

  const member = (userId: number) => PERSONAS.some((p) => p.projects.includes('first') && sb.userId(p.key) === userId);

  /** Performs the action as `who`; `me` is the persona's user id, `role` whether they hold the item role. */
  const perform: Record<string, (who: ApiClient, me: number, role: boolean) => Promise<Answer>> = {
    'rfis.view': async (who) => who.get(`${rfis}/${(await rfi({ open: true })).id}`),
    'rfis.create_draft': (who) => who.post(rfis, { subject: 'Mine', question: 'q', draft: true }),
    // A draft is seen by its manager (and Admins) only: the draft to open names the persona as its manager.
    'rfis.create_open': async (who, me) => who.post(`${rfis}/${(await rfi({ manager: member(me) ? me : undefined })).id}/actions/open`),
    'rfis.edit': async (who, me, role) => who.patch(`${rfis}/${(await rfi(role ? { creator: me } : {})).id}`, { subject: 'Edited' }),
    'rfis.respond': async (who, me, role) => who.post(`${rfis}/${(await rfi({ open: true, assignees: role ? [me] : [] })).id}/replies`, { body: 'reply' }),
    'rfis.mark_official': async (who) => {
      const r = await rfi({ open: true, reply: true });
      return who.post(`${rfis}/${r.id}/replies/${r.replyId}/actions/mark_official`);
    },
    'rfis.close': async (who, me, role) => who.post(`${rfis}/${(await rfi({ open: true, ...(role && { manager: me }) })).id}/actions/close`),
    'rfis.reopen': async (who, me, role) => who.post(`${rfis}/${(await rfi({ closed: true, ...(role && { manager: me }) })).id}/actions/reopen`),
    'rfis.delete': async (who) => who.delete(`${rfis}/${(await rfi({ open: true })).id}`),
    'submittals.view': async (who) => who.get(`${submittals}/${await submittal({ state: 'in_review' })}`),
    'submittals.create': (who) => who.post(submittals, { title: 'Mine', private: false }),
    'submittals.create_package': (who) => who.post(`/rest/v1.0/projects/${sb.project()}/submittal_packages`, { title: 'Package' }),
    'submittals.edit': async (who, me, role) => who.patch(`${submittals}/${await submittal(role ? { creator: me } : {})}`, { title: 'Edited' }),
    'submittals.respond': async (who, me, role) =>
      who.post(`${submittals}/${await submittal({ state: 'in_review', approver: role ? me : sb.userId(me === sb.userId('architect') ? 'owner_rep' : 'architect') })}/responses`, { response: 'approved' }),
    'submittals.submit': async (who, me, role) => who.post(`${submittals}/${await submittal(role ? { creator: me } : {})}/actions/submit`),
    'submittals.distribute': async (who) => who.post(`${submittals}/${await submittal({ state: 'complete' })}/actions/distribute`),
    'submittals.close': async (who) => who.post(`${submittals}/${await submittal({ state: 'in_review' })}/actions/close`),
    'submittals.create_revision': async (who) => who.post(`${submittals}/${await submittal({ state: 'closed' })}/actions/revise`),
    'submittals.delete': async (who) => who.delete(`${submittals}/${await submittal({ state: 'in_review' })}`),
    'budget.view': (who) => who.get(`${money}/budget`),
    'budget.view_direct_costs': (who) => who.get(`${money}/direct_costs`),
    'budget.create_line_item': (who) => who.post(`${money}/budget/line_items`, { cost_code_id: costCode, description: 'Mine', original_budget_amount: '1.00' }),
    'budget.edit_original_amount': async (who) => who.patch(`${money}/budget/line_items/${await lineItem()}`, { original_budget_amount: '200.00' }),
    'budget.delete_line_item': async (who) => who.delete(`${money}/budget/line_items/${await lineItem()}`),
    'budget.import': (who) => who.request('POST', `${money}/budget/imports`, { headers: { 'content-type': 'text/csv' }, raw: Buffer.from(`cost_code,description,original_budget_amount\n03-300,Imported ${++seq},10.00\n`) }),
    'budget.lock': (who) => thenUnlocked(() => who.post(`${money}/budget/lock`)),
    'budget.unlock': async (who) => {
      ok(await pm.post(`${money}/budget/lock`), 'lock');
      return thenUnlocked(() => who.delete(`${money}/budget/lock`));
    },
    'budget.modify': async (who) => who.post(`${money}/budget/modifications`, { from_line_item_id: await lineItem(), to_line_item_id: await lineItem(), amount: '1.00' }),
    'budget.recalculate': (who) => who.post(`${money}/budget/actions/recalculate`),
    'budget.manage_views': (who) => who.post(`${money}/budget/views`, { name: `View ${++seq}`, columns: ['revised_budget'] }),
    'prime_contracts.view': (who) => who.get(`${money}/prime_contracts/${prime}`),
    'prime_contracts.create': (who) => who.post(`${money}/prime_contracts`, { title: 'Mine', number: `PC-M${++seq}`, value: '1.00' }),
    'prime_contracts.update': (who) => who.patch(`${money}/prime_contracts/${prime}`, { title: `Owner agreement ${++seq}` }),
    'prime_contracts.delete': async (who) => who.delete(`${money}/prime_contracts/${ok(await pm.post(`${money}/prime_contracts`, { title: 'Gone', number: `PC-D${++seq}`, value: '1.00' }), 'prime').id}`),
    'commitments.view': async (who) => who.get(`${money}/commitments/${await commitment()}`),
    'commitments.create': (who) => who.post(`${money}/commitments`, { type: 'subcontract', title: 'Mine' }),
    'commitments.update': async (who) => who.patch(`${money}/commitments/${await commitment()}`, { title: 'Edited' }),
    'commitments.approve': async (who) => who.post(`${money}/commitments/${await commitment()}/actions/approve`),
    'change_orders.view': async (who) => who.get(`${money}/change_orders/${await changeOrder({})}`),
    'change_orders.create': (who) => who.post(`${money}/change_orders`, { contract_type: 'prime', contract_id: prime, title: 'Mine' }),
    'change_orders.edit': async (who, me, role) => who.patch(`${money}/change_orders/${await changeOrder(role ? { creator: me } : {})}`, { title: 'Edited' }),
    'change_orders.submit': async (who, me, role) => who.post(`${money}/change_orders/${await changeOrder(role ? { creator: me } : {})}/actions/submit`),
    'change_orders.approve': async (who, me, role) => who.post(`${money}/change_orders/${await changeOrder({ pending: true, ...(role && { reviewer: me }) })}/actions/approve`),
    'change_orders.reject': async (who, me, role) => who.post(`${money}/change_orders/${await changeOrder({ pending: true, ...(role && { reviewer: me }) })}/actions/reject`),
    'change_orders.void': async (who) => who.post(`${money}/change_orders/${await changeOrder({ pending: true })}/actions/void`),
    'photos.view': async (who) => who.get(`${money}/images/${await photo()}`),
    'photos.upload': (who) => photoForm(who),
    'photos.edit': async (who, me, role) => who.patch(`${money}/images/${await photo(role ? me : undefined)}`, { description: 'Edited' }),
    'photos.delete': async (who, me, role) => who.delete(`${money}/images/${await photo(role ? me : undefined)}`),
    'photos.create_album': (who) => who.post(`${money}/image_categories`, { name: `Mine ${++seq}` }),
    'photos.delete_album': async (who) => who.delete(`${money}/image_categories/${await album()}`),
    'photos.reorder_albums': async (who) => {
      const all = ((await pm.get(`${money}/image_categories`)).body as { id: number }[]).map((a) => a.id);
      return who.post(`${money}/image_categories/actions/reorder`, { album_ids: [...all].reverse() });
    },
    'drawings.view': async (who) => who.get(`${money}/drawing_revisions/${await seededRevision()}`),
    'drawings.upload': async (who) => drawingForm(who, await drawingSetPdf([{ number: `U-${++seq}`, title: 'Uploaded' }])),
    'drawings.review_upload': async (who) => who.post(`${money}/drawing_uploads/${await drawingUpload()}/actions/publish`, {}),
    'drawings.markup_personal': async (who) => who.post(`${money}/drawing_revisions/${await seededRevision()}/markups`, { layer: 'personal', shapes: rect }),
    'drawings.markup_publish': async (who) => who.post(`${money}/drawing_revisions/${await seededRevision()}/markups`, { layer: 'published', shapes: rect }),
    'drawings.delete_markup': async (who, me, role) => who.delete(await markup(role ? me : undefined)),
    'drawings.delete_revision': async (who) => who.delete(`${money}/drawing_revisions/${await revision()}`),
  };

  it('has a route performing every action of these tools in the matrix', () => {
    const actions = ACTIONS.filter((a) => (TOOLS as readonly string[]).includes(ruleOf(a).tool));
    expect(Object.keys(perform).sort()).toEqual([...actions].sort());
  });

  it.each(cases.map((c) => [c.action, c.persona, c.role ? 'holding the item role' : 'without an item role', c.outcome, c] as const))(
    '%s by %s %s: %s',
    async (_action, _persona, _role, _outcome, c) => {
      const who = await sb.as(c.persona);
      const res = await perform[c.action](who, sb.userId(c.persona), c.role);
      if (c.outcome === 'allowed') {
        expect({ status: res.status < 300 ? 'success' : res.status, body: res.status < 300 ? null : res.body }).toEqual({ status: 'success', body: null });
      } else {
        expect(res.status).toBe(403);
        expect(res.body.error.code).toBe('permission_denied');
        expect(res.body.error.details.action).toBe(c.action);
      }
    },
  );
});
