import { ApiClient } from '../support/api-client';
import { expectError, fieldsOf } from '../support/assertions';
import { expectPagesMatchItems } from '../support/list-pages';
import { PersonaKey, TrainingSandbox } from '../support/sandbox';
import { TestApp } from '../support/test-app';

describe('Submittals: workflows, court, revisions, packages and privacy', () => {
  let t: TestApp;
  let api: ApiClient;
  let sb: TrainingSandbox;
  let p1: number;
  let url: string;
  let pm: ApiClient;

  beforeAll(async () => {
    t = await TestApp.start();
    api = t.client();
    sb = await TrainingSandbox.create(api, 'submittals');
    await sb.relaxLimits();
    p1 = sb.project();
    url = `/rest/v1.0/projects/${p1}/submittals`;
    pm = await sb.as('gc_project_manager');
  });
  afterAll(() => t.stop());

  /** A submitted submittal managed by the PM with the given steps of persona keys (`key?` for an optional approver). */
  async function submitted(steps: string[][], extra: Record<string, unknown> = {}) {
    const created = await pm.post(url, {
      title: `Shop drawings ${Math.random().toString(36).slice(2, 7)}`,
      submittal_manager_id: sb.userId('gc_project_manager'),
      workflow: steps.map((step) => ({ approvers: step.map((k) => ({ user_id: sb.userId(k.replace('?', '') as PersonaKey), required: !k.endsWith('?') })) })),
      ...extra,
    });
    expect(created.status).toBe(201);
    const res = await pm.post(`${url}/${created.body.id}/actions/submit`);
    expect(res.status).toBe(200);
    return res.body;
  }

  it('creates a draft numbered per project, in the manager’s court, and answers under v1.0 and v1.1', async () => {
    const res = await pm.post(url, {
      title: 'Rebar shop drawings, level 2',
      submittal_manager_id: sb.userId('gc_project_manager'),
      due_date: '2099-01-15',
      workflow: [{ approvers: [{ user_id: sb.userId('architect') }, { user_id: sb.userId('owner_rep'), required: false }] }, { approvers: [{ user_id: sb.userId('superintendent') }] }],
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      status: 'draft',
      revision: 0,
      number: expect.any(Number),
      workflow_state: 'not_started',
      current_step: null,
      ball_in_court_role: 'Submittal Manager',
      ball_in_court: [{ id: sb.userId('gc_project_manager') }],
      private: false,
      workflow: [
        { step: 1, state: 'pending', approvers: [{ user: { id: sb.userId('architect') }, required: true, response: 'pending' }, { user: { id: sb.userId('owner_rep') }, required: false, response: 'pending' }] },
        { step: 2, state: 'pending', approvers: [{ user: { id: sb.userId('superintendent') }, required: true }] },
      ],
    });
    const v11 = await pm.get(`/rest/v1.1/projects/${p1}/submittals/${res.body.id}`);
    expect(v11.status).toBe(200);
    expect(v11.body.number).toBe(res.body.number);
    const next = await pm.post(`/rest/v1.1/projects/${p1}/submittals`, { title: 'Second' });
    expect(next.body.number).toBe(res.body.number + 1);
  });

  it('lists each submittal exactly as its own GET shows it, under every sort and on every page, for each viewer', async () => {
    const fresh = await TrainingSandbox.create(api, 'submittal-pages');
    await fresh.relaxLimits();
    const listUrl = `/rest/v1.0/projects/${fresh.project()}/submittals`;
    const freshPm = await fresh.as('gc_project_manager');
    const created = await freshPm.post(listUrl, {
      title: 'Glazing samples',
      submittal_manager_id: fresh.userId('gc_project_manager'),
      due_date: '2099-03-01',
      workflow: [{ approvers: [{ user_id: fresh.userId('architect') }] }],
    });
    expect((await freshPm.post(`${listUrl}/${created.body.id}/actions/submit`)).status).toBe(200);
    for (const key of ['gc_project_manager', 'architect', 'subcontractor'] as const) {
      const viewer = await fresh.as(key);
      for (const sort of ['id', '-number', 'due_date', '-created_at']) await expectPagesMatchItems(viewer, listUrl, sort, 2);
    }
  });

  it('moves court step by step: a draft response holds the step, submitting it completes it, the last step returns to the manager', async () => {
    const s = await submitted([['architect', 'owner_rep?'], ['superintendent']]);
    expect(s).toMatchObject({ status: 'open', workflow_state: 'in_review', current_step: 1, ball_in_court_role: 'Approvers' });
    expect(s.ball_in_court.map((u: { id: number }) => u.id).sort()).toEqual([sb.userId('architect'), sb.userId('owner_rep')].sort());

    const arch = await sb.as('architect');
    const draft = await arch.post(`${url}/${s.id}/responses`, { response: 'approved_as_noted', comment: 'See clouded notes', draft: true });
    expect(draft.status).toBe(201);
    expect(draft.body).toMatchObject({ draft: true, step: 1, response: 'approved_as_noted', responded_at: null });
    // Others see the architect still pending, and court unchanged.
    const seen = await pm.get(`${url}/${s.id}`);
    expect(seen.body.workflow[0].approvers[0]).toMatchObject({ response: 'pending', draft: false, response_id: null });
    expect(seen.body.ball_in_court).toHaveLength(2);
    expect((await pm.get(`${url}/${s.id}/responses`)).body).toEqual([]);
    // The author sees their own draft.
    expect((await arch.get(`${url}/${s.id}`)).body.workflow[0].approvers[0]).toMatchObject({ response: 'approved_as_noted', draft: true });
    const twice = await arch.post(`${url}/${s.id}/responses`, { response: 'approved' });
    expectError(twice, 422, 'invalid_transition');
    expect(twice.body.error.details.response_id).toBe(draft.body.id);

    const sent = await arch.patch(`${url}/${s.id}/responses/${draft.body.id}`, { draft: false, version: draft.body.version });
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ draft: false, responded_at: expect.any(String) });
    const after1 = await pm.get(`${url}/${s.id}`);
    expect(after1.body).toMatchObject({ current_step: 2, ball_in_court: [{ id: sb.userId('superintendent') }] });
    expect(after1.body.workflow[0]).toMatchObject({ state: 'complete' });
    expect(after1.body.workflow[0].approvers[1]).toMatchObject({ response: 'pending', required: false });

    // The optional approver of step 1 is out of court now.
    const owner = await sb.as('owner_rep');
    const late = await owner.post(`${url}/${s.id}/responses`, { response: 'approved' });
    expectError(late, 403, 'permission_denied');
    expect(late.body.error.details).toMatchObject({ action: 'submittals.respond', layer: 'item_role' });
    expect(late.body.error.message).toMatch(/step 2/);

    const sup = await sb.as('superintendent');
    expect((await sup.post(`${url}/${s.id}/responses`, { response: 'approved' })).status).toBe(201);
    const done = await pm.get(`${url}/${s.id}`);
    expect(done.body).toMatchObject({ workflow_state: 'complete', ball_in_court_role: 'Submittal Manager', ball_in_court: [{ id: sb.userId('gc_project_manager') }] });

    const dist = await pm.post(`${url}/${s.id}/actions/distribute`, { distribution_ids: [sb.userId('subcontractor')] });
    expect(dist.status).toBe(200);
    expect(dist.body).toMatchObject({ distributed_at: expect.any(String), distribution: [{ id: sb.userId('subcontractor') }] });
    const closed = await pm.post(`${url}/${s.id}/actions/close`);
    expect(closed.body).toMatchObject({ status: 'closed', ball_in_court: [], ball_in_court_role: null });
    expectError(await pm.post(`${url}/${s.id}/actions/close`), 422, 'invalid_transition');
  });

  it('returns court to the manager on revise and resubmit, and a revision starts a fresh workflow with the same number', async () => {
    const s = await submitted([['architect'], ['superintendent']]);
    const arch = await sb.as('architect');
    expect((await arch.post(`${url}/${s.id}/responses`, { response: 'revise_and_resubmit', comment: 'Lap lengths short' })).status).toBe(201);
    const back = await pm.get(`${url}/${s.id}`);
    expect(back.body).toMatchObject({ workflow_state: 'returned', ball_in_court_role: 'Submittal Manager', current_step: 1 });
    expect(back.body.workflow[0].state).toBe('returned');
    const sup = await sb.as('superintendent');
    expectError(await sup.post(`${url}/${s.id}/responses`, { response: 'approved' }), 422, 'invalid_transition');

    const rev = await pm.post(`${url}/${s.id}/actions/revise`);
    expect(rev.status).toBe(201);
    expect(rev.body).toMatchObject({ number: s.number, revision: 1, status: 'draft', previous_revision_id: s.id, workflow_state: 'not_started' });
    expect(rev.body.workflow.map((w: { approvers: { response: string }[] }) => w.approvers.map((a) => a.response))).toEqual([['pending'], ['pending']]);
    expect((await pm.get(`${url}/${s.id}`)).body.status).toBe('closed');
    const old = await pm.post(`${url}/${s.id}/actions/revise`);
    expectError(old, 422, 'invalid_transition');
    const list = await pm.get(`${url}?filters[query]=${s.number}&per_page=1000`);
    expect(list.body.filter((x: { number: number }) => x.number === s.number).map((x: { revision: number }) => x.revision).sort()).toEqual([0, 1]);
  });

  it('refuses a response from someone not in court with 403 and the reason, and a response to a draft with 422', async () => {
    const created = await pm.post(url, { title: 'Not yet submitted', submittal_manager_id: sb.userId('gc_project_manager'), workflow: [{ approvers: [{ user_id: sb.userId('architect') }] }] });
    const arch = await sb.as('architect');
    const early = await arch.post(`${url}/${created.body.id}/responses`, { response: 'approved' });
    // The draft is invisible to the architect: the privacy layer answers first.
    expectError(early, 403, 'permission_denied');
    expect(early.body.error.details.layer).toBe('item_state');
    const s = await submitted([['architect']]);
    const sup = await sb.as('superintendent');
    const notMine = await sup.post(`${url}/${s.id}/responses`, { response: 'approved' });
    expectError(notMine, 403, 'permission_denied');
    expect(notMine.body.error.message).toMatch(/not an approver.*Court is with Avery Chen/);
    // Admin level does not make the PM an approver.
    expectError(await pm.post(`${url}/${s.id}/responses`, { response: 'approved' }), 403, 'permission_denied');
    expectError(await arch.post(`${url}/${s.id}/responses`, { response: 'pending' }), 422, 'validation_failed');
    expectError(await arch.post(`${url}/${s.id}/responses`, { response: 'approved', comment: 'x'.repeat(20_001) }), 422, 'validation_failed');
  });

  it('keeps 50 concurrent responses from 50 approvers: none lost, each numbered once, the step completes exactly once', async () => {
    const members = await sb.addMembers(50, 'Architect');
    const created = await pm.post(url, {
      title: 'Curtain wall mockup',
      submittal_manager_id: sb.userId('gc_project_manager'),
      workflow: [{ approvers: members.map((m) => ({ user_id: m.userId })) }, { approvers: [{ user_id: sb.userId('architect') }] }],
    });
    expect(created.status).toBe(201);
    const open = await pm.post(`${url}/${created.body.id}/actions/submit`);
    const answers = await Promise.all(members.map((m, i) => m.client.post(`${url}/${created.body.id}/responses`, { response: 'approved', comment: `ok ${i}` })));
    expect(answers.map((a) => a.status)).toEqual(members.map(() => 201));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(50);
    const after = await pm.get(`${url}/${created.body.id}`);
    expect(after.body).toMatchObject({ current_step: 2, ball_in_court: [{ id: sb.userId('architect') }] });
    expect(after.body.workflow[0].approvers.every((a: { response: string }) => a.response === 'approved')).toBe(true);
    // One version per response; the 50th also moved the step.
    expect(after.body.version).toBe(open.body.version + 50);
    const changes = await t.db.query(
      `SELECT count(*)::int AS n FROM change_log WHERE resource = 'Submittals' AND resource_id = $1 AND snapshot->>'currentStep' = '2'`,
      [created.body.id],
    );
    expect(changes.rows[0].n).toBe(1);
  });

  it('makes a subcontractor’s submittal private by default, and keeps private submittals out of others’ lists, counts and links', async () => {
    const sub = await sb.as('subcontractor');
    const mine = await sub.post(url, { title: 'Panelboard cut sheets', submittal_manager_id: sb.userId('gc_project_manager'), workflow: [{ approvers: [{ user_id: sb.userId('architect') }] }] });
    expect(mine.status).toBe(201);
    expect(mine.body).toMatchObject({ private: true, responsible_contractor: { name: 'Summit Electrical' } });
    const secret = await pm.post(url, { title: 'Owner-furnished equipment pricing', private: true, submittal_manager_id: sb.userId('gc_project_manager'), workflow: [{ approvers: [{ user_id: sb.userId('owner_rep') }] }] });
    await pm.post(`${url}/${secret.body.id}/actions/submit`);
    const list = await sub.get(`${url}?per_page=1000`);
    expect(list.body.map((x: { id: number }) => x.id)).not.toContain(secret.body.id);
    expect(Number(list.headers.total)).toBe(list.body.length);
    const link = await sub.get(`${url}/${secret.body.id}`);
    expectError(link, 403, 'permission_denied');
    expect(link.body.error.details).toMatchObject({ action: 'submittals.view', layer: 'item_role' });
    const owner = await sb.as('owner_rep');
    expect((await owner.get(`${url}/${secret.body.id}`)).status).toBe(200);
    const search = await sub.get(`${url}?filters[query]=${encodeURIComponent('Owner-furnished')}`);
    expect(search.body).toEqual([]);
    expect(search.headers.total).toBe('0');
  });

  it('lets a Standard creator edit and submit their own draft only; the workflow is fixed once submitted', async () => {
    const sup = await sb.as('superintendent');
    const draft = await sup.post(url, { title: 'Formwork ties', submittal_manager_id: sb.userId('gc_project_manager'), workflow: [{ approvers: [{ user_id: sb.userId('architect') }] }] });
    expect(draft.status).toBe(201);
    const edited = await sup.patch(`${url}/${draft.body.id}`, { title: 'Formwork ties, rev A', version: draft.body.version });
    expect(edited.body).toMatchObject({ title: 'Formwork ties, rev A', version: draft.body.version + 1 });
    expectError(await sup.patch(`${url}/${draft.body.id}`, { title: 'stale' }, { headers: { 'if-match': `"${draft.body.version}"` } }), 409, 'edit_conflict');
    const sub = await sb.as('subcontractor');
    const other = await sub.post(`${url}/${draft.body.id}/actions/submit`);
    expect(other.status).toBe(403);
    expect((await sup.post(`${url}/${draft.body.id}/actions/submit`)).status).toBe(200);
    const late = await sup.patch(`${url}/${draft.body.id}`, { title: 'after submit' });
    expectError(late, 403, 'permission_denied');
    expect(late.body.error.details).toMatchObject({ action: 'submittals.edit', layer: 'item_state', have: 'open', need: 'draft' });
    const wf = await pm.patch(`${url}/${draft.body.id}`, { workflow: [{ approvers: [{ user_id: sb.userId('owner_rep') }] }] });
    expectError(wf, 422, 'invalid_transition');
    expectError(await sup.post(`${url}/${draft.body.id}/actions/distribute`), 403, 'permission_denied');
  });

  it.each([
    [{ title: 'x', submittal_manager_id: 999999 }, 'submittal_manager_id'],
    [{ title: 'x', workflow: [{ approvers: [{ user_id: 999999 }] }] }, 'workflow[0].approvers'],
    [{ title: 'x', workflow: [{ approvers: [] }] }, 'workflow.0.approvers'],
    [{ title: 'x', due_date: '2001-01-01' }, 'due_date'],
    [{ title: 'x', due_date: '2099-02-30' }, 'due_date'],
    [{ title: 'x'.repeat(300) }, 'title'],
    [{ title: 'x', package_id: 999999 }, 'package_id'],
    [{ title: 'x', responsible_contractor_id: 999999 }, 'responsible_contractor_id'],
  ])('refuses %j with 422 naming %s and creates nothing', async (body, field) => {
    const before = (await t.db.query('SELECT count(*)::int AS n FROM submittals')).rows[0].n;
    const res = await pm.post(url, body);
    expectError(res, 422, 'validation_failed');
    expect(fieldsOf(res)).toContain(field);
    expect((await t.db.query('SELECT count(*)::int AS n FROM submittals')).rows[0].n).toBe(before);
  });

  it('refuses a workflow naming an approver twice in one step, and submitting without a workflow or manager', async () => {
    const twice = await pm.post(url, { title: 'x', workflow: [{ approvers: [{ user_id: sb.userId('architect') }, { user_id: sb.userId('architect') }] }] });
    expectError(twice, 422, 'validation_failed');
    const bare = await pm.post(url, { title: 'Bare' });
    const res = await pm.post(`${url}/${bare.body.id}/actions/submit`);
    expectError(res, 422, 'validation_failed');
    expect(fieldsOf(res).sort()).toEqual(['submittal_manager_id', 'workflow']);
  });

  it('numbers packages, lists the visible submittals in a package, and keeps submittals when a package is deleted', async () => {
    const sup = await sb.as('superintendent');
    expectError(await sup.post(`/rest/v1.0/projects/${p1}/submittal_packages`, { title: 'Division 03' }), 403, 'permission_denied');
    const pkg = await pm.post(`/rest/v1.1/projects/${p1}/submittal_packages`, { title: 'Division 03 Concrete' });
    expect(pkg.status).toBe(201);
    expect(pkg.body).toMatchObject({ number: expect.any(Number), title: 'Division 03 Concrete', submittals: [] });
    const inPkg = await pm.post(url, { title: 'Mix design', package_id: pkg.body.id });
    expect(inPkg.body.package).toMatchObject({ id: pkg.body.id, title: 'Division 03 Concrete' });
    const read = await pm.get(`/rest/v1.0/projects/${p1}/submittal_packages/${pkg.body.id}`);
    expect(read.body.submittals.map((x: { id: number }) => x.id)).toEqual([inPkg.body.id]);
    expect((await pm.get(`${url}?filters[package_id]=${pkg.body.id}`)).body).toHaveLength(1);
    expectError(await pm.patch(`/rest/v1.0/projects/${p1}/submittal_packages/${pkg.body.id}`, { title: 'y' }, { headers: { 'if-match': '"99"' } }), 409, 'edit_conflict');
    expect((await pm.delete(`/rest/v1.0/projects/${p1}/submittal_packages/${pkg.body.id}`)).status).toBe(204);
    expect((await pm.get(`${url}/${inPkg.body.id}`)).body.package).toBeNull();
  });

  it('lists with filters: ball in court, workflow state, approver, overdue', async () => {
    const s = await submitted([['owner_rep']]);
    const mineOnly = await pm.get(`${url}?filters[ball_in_court_id]=${sb.userId('owner_rep')}&per_page=1000`);
    expect(mineOnly.body.map((x: { id: number }) => x.id)).toContain(s.id);
    expect(mineOnly.body.every((x: { ball_in_court: { id: number }[] }) => x.ball_in_court.some((u) => u.id === sb.userId('owner_rep')))).toBe(true);
    const inReview = await pm.get(`${url}?filters[workflow_state]=in_review&filters[approver_id]=${sb.userId('owner_rep')}&per_page=1000`);
    expect(inReview.body.map((x: { id: number }) => x.id)).toContain(s.id);
    expectError(await pm.get(`${url}?filters[workflow_state]=sideways`), 422, 'validation_failed');
    // Open without a due date: not overdue, so listed under overdue=false (and shown as overdue: false).
    expect(s).toMatchObject({ status: 'open', due_date: null, overdue: false });
    const notOverdue = await pm.get(`${url}?filters[overdue]=false&per_page=1000`);
    expect(notOverdue.body.map((x: { id: number }) => x.id)).toContain(s.id);
    expect(notOverdue.body.every((x: { overdue: boolean }) => !x.overdue)).toBe(true);
    const overdue = await pm.get(`${url}?filters[overdue]=true&per_page=1000`);
    expect(overdue.body.map((x: { id: number }) => x.id)).not.toContain(s.id);
    expect(overdue.body.every((x: { overdue: boolean }) => x.overdue)).toBe(true);
  });

  it('seeds the training walk-through: steel shop drawings with the architect in court, a subcontractor’s private draft in a package', async () => {
    const arch = await sb.as('architect');
    const mine = await arch.get(`${url}?filters[ball_in_court_id]=${sb.userId('architect')}&filters[query]=steel`);
    expect(mine.body).toHaveLength(1);
    expect(mine.body[0]).toMatchObject({ number: 1, status: 'open', current_step: 1, workflow_state: 'in_review' });
    expect(mine.body[0].workflow).toHaveLength(2);
    expect(mine.body[0].workflow[0].approvers.find((a: { user: { id: number } }) => a.user.id === sb.userId('owner_rep'))).toMatchObject({ response: 'approved' });
    const sub = await sb.as('subcontractor');
    const fixtures = (await sub.get(`${url}?filters[status]=draft`)).body.find((x: { title: string }) => x.title === 'Light fixture cut sheets');
    expect(fixtures).toMatchObject({ private: true, number: 2, package: { title: 'Division 26 — Electrical' }, created_by: { id: sb.userId('subcontractor') } });
    const owner = await sb.as('owner_rep');
    expect((await owner.get(`${url}?per_page=1000`)).body.map((x: { id: number }) => x.id)).not.toContain(fixtures.id);
    expect((await pm.get(`/rest/v1.0/projects/${p1}/submittal_packages`)).body[0]).toMatchObject({ number: 1, title: 'Division 26 — Electrical' });
  });

  it('diagnoses a step waiting on an approver in court (workflow_step_incomplete), and a list filter hiding a submittal (filtered_out)', async () => {
    const s = await submitted([['owner_rep', 'architect'], ['superintendent']]);
    const owner = await sb.as('owner_rep');
    await owner.post(`${url}/${s.id}/responses`, { response: 'approved' });
    const d = await api.get(`/_sim/diagnose?project_id=${p1}&user_id=${sb.userId('owner_rep')}&symptom=not_updating&tool=submittals&item_id=${s.id}`);
    expect(d.status).toBe(200);
    const finding = d.body.findings[0];
    expect(finding).toMatchObject({
      cause: 'workflow_step_incomplete',
      item: { id: s.id },
      user: { id: sb.userId('architect') },
      evidence: { submittal: { current_step: 1 }, in_court: [{ id: sb.userId('architect'), required: true }], draft_responses: [], already_answered: [{ response: 'approved' }] },
    });
    expect(finding.fix[0]).toMatch(/Avery Chen responds to step 1/);

    await pm.get(`${url}?filters[workflow_state]=in_review&per_page=1000`);
    const arch = await sb.as('architect');
    await arch.post(`${url}/${s.id}/responses`, { response: 'rejected', comment: 'Wrong alloy' });
    const hidden = await api.get(`/_sim/diagnose?project_id=${p1}&user_id=${sb.userId('gc_project_manager')}&symptom=not_visible&tool=submittals&item_id=${s.id}`);
    expect(hidden.body.findings[0]).toMatchObject({
      cause: 'filtered_out',
      item: { id: s.id, type: 'Submittal' },
      evidence: { submittal: { workflow_state: 'returned' }, hidden_by: [{ filter: 'workflow_state', value: 'in_review' }] },
    });
  });
});
