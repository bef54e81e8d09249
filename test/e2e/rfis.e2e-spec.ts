import { ApiClient } from '../support/api-client';
import { expectError, fieldsOf } from '../support/assertions';
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
      subject: 'Beam size at grid C4',
      question: 'Drawing S-201 shows W12x26; the schedule shows W12x30. Which governs?',
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
    const found = await pm.get(`${url}?filters[query]=C4`);
    expect(found.body.map((r: { subject: string }) => r.subject)).toEqual(['Beam size at grid C4']);
    expectError(await pm.get(`${url}?filters[colour]=red`), 422, 'validation_failed');
  });
});
