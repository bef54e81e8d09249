import { ApiClient } from '../support/api-client';
import { expectError, fieldsOf } from '../support/assertions';
import { expectPagesMatchItems } from '../support/list-pages';
import { TrainingSandbox } from '../support/sandbox';
import { TestApp } from '../support/test-app';

describe('RFIs: drafts, opening, numbering and privacy', () => {
  let t: TestApp;
  let api: ApiClient;
  let sb: TrainingSandbox;
  let p1: number;
  let url: string;

  beforeAll(async () => {
    t = await TestApp.start();
    api = t.client();
    sb = await TrainingSandbox.create(api, 'rfis');
    await sb.relaxLimits();
    p1 = sb.project();
    url = `/rest/v1.0/projects/${p1}/rfis`;
  });
  afterAll(() => t.stop());

  it('opens an RFI created by an Admin: numbered, due in the project’s business days, in the assignees’ court', async () => {
    const pm = await sb.as('gc_project_manager');
    const res = await pm.post(url, {
      subject: 'Stair stringer size at grid K9',
      question: 'Drawing S-301 shows C10; the schedule shows C12. Which governs?',
      rfi_manager_id: sb.userId('gc_project_manager'),
      assignee_ids: [sb.userId('architect')],
      distribution_ids: [sb.userId('owner_rep')],
      draft: false,
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      status: 'open',
      number: expect.any(Number),
      ball_in_court_role: 'Assignees',
      ball_in_court: [{ id: sb.userId('architect') }],
      rfi_manager: { id: sb.userId('gc_project_manager') },
      cost_impact: { status: 'tbd', value: null },
      official_reply: null,
    });
    expect(res.body.due_date > new Date().toISOString().slice(0, 10)).toBe(true);
    expect(res.headers.etag).toBe(`"${res.body.version}"`);
  });

  it('makes a Standard user’s RFI a draft in the manager’s court, refuses draft:false naming rfis.create_open, and lets the manager open it', async () => {
    const sub = await sb.as('subcontractor');
    const refused = await sub.post(url, { subject: 'Conduit route', question: 'May we route through the plenum?', rfi_manager_id: sb.userId('superintendent'), draft: false });
    expectError(refused, 403, 'permission_denied');
    expect(refused.body.error.details.action).toBe('rfis.create_open');

    const draft = await sub.post(url, { subject: 'Conduit route', question: 'May we route through the plenum?', rfi_manager_id: sb.userId('superintendent'), assignee_ids: [sb.userId('architect')] });
    expect(draft.status).toBe(201);
    expect(draft.body).toMatchObject({ status: 'draft', number: null, ball_in_court_role: 'RFI Manager', ball_in_court: [{ id: sb.userId('superintendent') }] });

    expectError(await sub.post(`${url}/${draft.body.id}/actions/open`), 403, 'permission_denied');
    const sup = await sb.as('superintendent');
    const opened = await sup.post(`${url}/${draft.body.id}/actions/open`, { version: draft.body.version });
    expect(opened.status).toBe(200);
    expect(opened.body).toMatchObject({ status: 'open', ball_in_court_role: 'Assignees', number: expect.any(Number) });
    const again = await sup.post(`${url}/${draft.body.id}/actions/open`);
    expectError(again, 422, 'invalid_transition');
    expect(again.body.error.details.from).toBe('open');
  });

  it('keeps a private RFI out of others’ lists, counts and direct links (403 with the reason)', async () => {
    const pm = await sb.as('gc_project_manager');
    const secret = await pm.post(url, { subject: 'Owner budget question', question: 'Confidential.', rfi_manager_id: sb.userId('gc_project_manager'), assignee_ids: [sb.userId('owner_rep')], private: true, draft: false });
    expect(secret.status).toBe(201);
    const sub = await sb.as('subcontractor');
    const list = await sub.get(`${url}?per_page=100`);
    expect(list.body.map((r: { id: number }) => r.id)).not.toContain(secret.body.id);
    expect(Number(list.headers.total)).toBe(list.body.length);
    const link = await sub.get(`${url}/${secret.body.id}`);
    expectError(link, 403, 'permission_denied');
    expect(link.body.error.details).toMatchObject({ action: 'rfis.view', layer: 'item_role' });
    const owner = await sb.as('owner_rep');
    expect((await owner.get(`${url}/${secret.body.id}`)).status).toBe(200);
    const diagnosis = await api.get(`/_sim/diagnose?project_id=${p1}&user_id=${sb.userId('subcontractor')}&symptom=denied`);
    expect(diagnosis.body.findings[0]).toMatchObject({ cause: 'direct_link_no_access' });
  });

  it('seeds the training RFIs for each persona to see as the rules say, and a reset gives them back', async () => {
    const fresh = await TrainingSandbox.create(api, 'rfi-seeds');
    await fresh.relaxLimits();
    const list = async (key: Parameters<TrainingSandbox['as']>[0]) =>
      ((await (await fresh.as(key)).get(`/rest/v1.0/projects/${fresh.project()}/rfis?per_page=100`)).body as { subject: string; status: string; private: boolean; overdue: boolean; official_reply: unknown }[]);
    const pm = await list('gc_project_manager');
    expect(pm.map((r) => r.status).sort()).toEqual(['closed', 'draft', 'open', 'open', 'open']);
    expect(pm.some((r) => r.overdue)).toBe(true);
    expect(pm.find((r) => r.status === 'closed')?.official_reply).toMatchObject({ body: expect.stringContaining('1200 mm') });
    const sub = await list('subcontractor');
    expect(sub.some((r) => r.private)).toBe(false);
    expect(sub.some((r) => r.status === 'draft')).toBe(true);
    const arch = await list('architect');
    expect(arch.some((r) => r.status === 'draft')).toBe(false);
    const before = (await (await fresh.as('gc_project_manager')).get(`/rest/v1.0/projects/${fresh.project()}/rfis?sort=id`)).body.map((r: { id: number }) => r.id);
    await api.post(`/_sim/sandboxes/${fresh.info.id}/actions/reset`);
    fresh.forget('gc_project_manager');
    const after = (await (await fresh.as('gc_project_manager')).get(`/rest/v1.0/projects/${fresh.project()}/rfis?sort=id`)).body.map((r: { id: number }) => r.id);
    expect(after).toEqual(before);
  });

  it('lists each RFI exactly as its own GET shows it, under every sort and on every page, for each viewer', async () => {
    const fresh = await TrainingSandbox.create(api, 'rfi-pages');
    await fresh.relaxLimits();
    const listUrl = `/rest/v1.0/projects/${fresh.project()}/rfis`;
    const pm = await fresh.as('gc_project_manager');
    // Beyond the seeds: references to several people, and an official reply on a later page.
    const rich = await pm.post(listUrl, {
      subject: 'Curtain wall embeds',
      question: 'Embed spacing at level 3?',
      rfi_manager_id: fresh.userId('gc_project_manager'),
      assignee_ids: [fresh.userId('architect'), fresh.userId('superintendent')],
      distribution_ids: [fresh.userId('owner_rep')],
      draft: false,
    });
    const architect = await fresh.as('architect');
    const reply = await architect.post(`${listUrl}/${rich.body.id}/replies`, { body: 'At 600 mm.' });
    expect((await pm.post(`${listUrl}/${rich.body.id}/replies/${reply.body.id}/actions/mark_official`)).status).toBe(200);
    for (const key of ['gc_project_manager', 'subcontractor'] as const) {
      const viewer = await fresh.as(key);
      for (const sort of ['id', '-number', 'due_date', '-created_at']) {
        const items = await expectPagesMatchItems(viewer, listUrl, sort, 2);
        if (key === 'gc_project_manager') expect(items.find((r) => r.id === rich.body.id)).toMatchObject({ official_reply: { id: reply.body.id }, distribution: [{ id: fresh.userId('owner_rep') }] });
      }
    }
  });

  it('numbers concurrently opened RFIs sequentially, never twice', async () => {
    const pm = await sb.as('gc_project_manager');
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => pm.post(url, { subject: `Concurrent ${i}`, question: 'q', rfi_manager_id: sb.userId('gc_project_manager'), draft: false })),
    );
    expect(answers.every((a) => a.status === 201)).toBe(true);
    const numbers = answers.map((a) => a.body.number as number).sort((a, b) => a - b);
    expect(new Set(numbers).size).toBe(20);
    expect(numbers[19] - numbers[0]).toBe(19);
  });

  it.each([
    [{ subject: 'x', question: 'q', rfi_manager_id: 999999 }, 'rfi_manager_id'],
    [{ subject: 'x', question: 'q', assignee_ids: [1, 999999], draft: true }, 'assignee_ids'],
    [{ subject: 'x', question: 'q', due_date: '2001-01-01' }, 'due_date'],
    [{ subject: 'x'.repeat(300), question: 'q' }, 'subject'],
    [{ subject: 'x', question: 'q', cost_impact: { status: 'huge' } }, 'cost_impact.status'],
  ])('refuses %j with 422 naming %s and creates nothing', async (body, field) => {
    const pm = await sb.as('gc_project_manager');
    const before = (await t.db.query('SELECT count(*)::int AS n FROM rfis')).rows[0].n;
    const res = await pm.post(url, body);
    expectError(res, 422, 'validation_failed');
    expect(fieldsOf(res)).toContain(field);
    expect((await t.db.query('SELECT count(*)::int AS n FROM rfis')).rows[0].n).toBe(before);
  });

  it('filters by status, ball in court and query', async () => {
    const pm = await sb.as('gc_project_manager');
    const drafts = await pm.get(`${url}?filters[status]=draft`);
    expect(drafts.body.every((r: { status: string }) => r.status === 'draft')).toBe(true);
    const inCourt = await pm.get(`${url}?filters[ball_in_court_id]=${sb.userId('architect')}`);
    expect(inCourt.body.length).toBeGreaterThan(0);
    expect(inCourt.body.every((r: { ball_in_court: { id: number }[] }) => r.ball_in_court.some((u) => u.id === sb.userId('architect')))).toBe(true);
    const found = await pm.get(`${url}?filters[query]=K9`);
    expect(found.body.map((r: { subject: string }) => r.subject)).toEqual(['Stair stringer size at grid K9']);
    expectError(await pm.get(`${url}?filters[colour]=red`), 422, 'validation_failed');
  });
});

describe('RFI replies and the rest of the workflow', () => {
  let t: TestApp;
  let api: ApiClient;
  let sb: TrainingSandbox;
  let url: string;

  beforeAll(async () => {
    t = await TestApp.start();
    api = t.client();
    sb = await TrainingSandbox.create(api, 'rfi-workflow');
    await sb.relaxLimits();
    url = `/rest/v1.0/projects/${sb.project()}/rfis`;
  });
  afterAll(() => t.stop());

  async function openRfi(assignees: string[]): Promise<Record<string, any>> {
    const pm = await sb.as('gc_project_manager');
    const res = await pm.post(url, {
      subject: `Workflow ${Math.random()}`,
      question: 'Which finish?',
      rfi_manager_id: sb.userId('superintendent'),
      assignee_ids: assignees.map((k) => sb.userId(k as never)),
      draft: false,
    });
    expect(res.status).toBe(201);
    return res.body;
  }

  it('keeps a draft reply to its author and changes nothing; submitting it moves court to the manager once every assignee answered', async () => {
    const rfi = await openRfi(['architect', 'subcontractor']);
    const arch = await sb.as('architect');
    const draft = await arch.post(`${url}/${rfi.id}/replies`, { body: 'Use the satin finish.', draft: true });
    expect(draft.status).toBe(201);
    expect(draft.body).toMatchObject({ draft: true, official: false, created_by: { id: sb.userId('architect') } });
    const pm = await sb.as('gc_project_manager');
    expect((await pm.get(`${url}/${rfi.id}/replies`)).body).toEqual([]);
    expect((await arch.get(`${url}/${rfi.id}/replies`)).body).toHaveLength(1);

    const submitted = await arch.patch(`${url}/${rfi.id}/replies/${draft.body.id}`, { draft: false });
    expect(submitted.status).toBe(200);
    expect((await pm.get(`${url}/${rfi.id}`)).body.ball_in_court_role).toBe('Assignees');
    const sub = await sb.as('subcontractor');
    expect((await sub.post(`${url}/${rfi.id}/replies`, { body: 'Agreed.' })).status).toBe(201);
    const after = await pm.get(`${url}/${rfi.id}`);
    expect(after.body).toMatchObject({ ball_in_court_role: 'RFI Manager', ball_in_court: [{ id: sb.userId('superintendent') }] });
    expectError(await sub.patch(`${url}/${rfi.id}/replies/${draft.body.id}`, { body: 'Hijack' }), 403, 'permission_denied');
  });

  it('refuses a reply from someone who is neither assignee nor manager, naming the item role', async () => {
    const rfi = await openRfi(['architect']);
    const sub = await sb.as('subcontractor');
    const res = await sub.post(`${url}/${rfi.id}/replies`, { body: 'Me too' });
    expectError(res, 403, 'permission_denied');
    expect(res.body.error.details).toMatchObject({ action: 'rfis.respond', layer: 'item_role', need: ['assignee', 'rfi_manager'] });
  });

  it('marks an official reply, closes, refuses replies while closed, and reopens', async () => {
    const rfi = await openRfi(['architect']);
    const arch = await sb.as('architect');
    const reply = await arch.post(`${url}/${rfi.id}/replies`, { body: 'Official answer.' });
    const pm = await sb.as('gc_project_manager');
    const official = await pm.post(`${url}/${rfi.id}/replies/${reply.body.id}/actions/mark_official`);
    expect(official.status).toBe(200);
    expect(official.body.official_reply).toMatchObject({ id: reply.body.id, body: 'Official answer.' });
    expectError(await arch.post(`${url}/${rfi.id}/replies/${reply.body.id}/actions/mark_official`), 403, 'permission_denied');

    const sup = await sb.as('superintendent');
    const closed = await sup.post(`${url}/${rfi.id}/actions/close`);
    expect(closed.body).toMatchObject({ status: 'closed', ball_in_court: [] });
    const late = await arch.post(`${url}/${rfi.id}/replies`, { body: 'Late' });
    expectError(late, 422, 'invalid_transition');
    expect(late.body.error.details).toMatchObject({ from: 'closed', allowed: ['reopen'] });
    expectError(await sup.post(`${url}/${rfi.id}/actions/close`), 422, 'invalid_transition');
    expectError(await arch.post(`${url}/${rfi.id}/actions/reopen`), 403, 'permission_denied');
    expect((await sup.post(`${url}/${rfi.id}/actions/reopen`)).body.status).toBe('open');
  });

  it('refuses a stale If-Match on close with 409 and changes nothing', async () => {
    const rfi = await openRfi(['architect']);
    const sup = await sb.as('superintendent');
    const res = await sup.post(`${url}/${rfi.id}/actions/close`, undefined, { headers: { 'if-match': `"${rfi.version - 1 || 99}"` } });
    expectError(res, 409, 'edit_conflict');
    expect((await sup.get(`${url}/${rfi.id}`)).body.status).toBe('open');
  });

  it('loses none of 50 concurrent replies', async () => {
    const rfi = await openRfi(['architect']);
    const arch = await sb.as('architect');
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => arch.post(`${url}/${rfi.id}/replies`, { body: `Reply ${i}` })));
    expect(answers.every((a) => a.status === 201)).toBe(true);
    const listed = await arch.get(`${url}/${rfi.id}/replies`);
    expect(listed.body).toHaveLength(50);
    expect(new Set(listed.body.map((r: { id: number }) => r.id)).size).toBe(50);
  });

  it('lets a Standard creator edit their own draft only, and an Admin any RFI; a stale version is 409', async () => {
    const sub = await sb.as('subcontractor');
    const draft = await sub.post(url, { subject: 'Draft to edit', question: 'q', rfi_manager_id: sb.userId('superintendent') });
    const edited = await sub.patch(`${url}/${draft.body.id}`, { subject: 'Draft, edited', version: draft.body.version });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ subject: 'Draft, edited', version: draft.body.version + 1 });
    expectError(await sub.patch(`${url}/${draft.body.id}`, { subject: 'stale', version: draft.body.version }), 409, 'edit_conflict');
    const sup = await sb.as('superintendent');
    await sup.post(`${url}/${draft.body.id}/actions/open`);
    const late = await sub.patch(`${url}/${draft.body.id}`, { subject: 'After opening' });
    expectError(late, 403, 'permission_denied');
    expect(late.body.error.details).toMatchObject({ action: 'rfis.edit', layer: 'item_state', have: 'open', need: 'draft' });
    const pm = await sb.as('gc_project_manager');
    expect((await pm.patch(`${url}/${draft.body.id}`, { distribution_ids: [sb.userId('owner_rep')] })).body.distribution).toEqual([expect.objectContaining({ id: sb.userId('owner_rep') })]);
    expectError(await pm.patch(`${url}/${draft.body.id}`, { assignee_ids: [999999] }), 422, 'validation_failed');
  });

  it('lets only an Admin delete an RFI', async () => {
    const rfi = await openRfi(['architect']);
    const sup = await sb.as('superintendent');
    expectError(await sup.delete(`${url}/${rfi.id}`), 403, 'permission_denied');
    const pm = await sb.as('gc_project_manager');
    expect((await pm.delete(`${url}/${rfi.id}`)).status).toBe(204);
    expectError(await pm.get(`${url}/${rfi.id}`), 404, 'not_found');
  });
});
