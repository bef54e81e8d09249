import { ApiClient } from '../support/api-client';
import { expectError, fieldsOf } from '../support/assertions';
import { TestApp } from '../support/test-app';

/** Challenges: a trainer arms a hidden cause on a trainee's sandbox; the trainee names it; it is scored with the evidence. */
describe('training challenges', () => {
  let t: TestApp;
  let api: ApiClient;
  let closed: TestApp;
  let closedApi: ApiClient;
  let cls: any;

  beforeAll(async () => {
    t = await TestApp.start();
    api = t.client();
    closed = await TestApp.start({ sharing: t, workers: false, env: { SIM_OPEN_CONTROLS: 'false', SIM_OPERATOR_TOKEN: 'operator-token-for-challenges-0123' } });
    closedApi = closed.client();
    cls = (await api.post('/_sim/classes', { name: 'Challenge day', trainees: 2 })).body;
  }, 60000);
  afterAll(async () => {
    await closed?.stop();
    await t?.stop();
  });

  const persona = async (trainee: number, key: string): Promise<ApiClient> => {
    const tr = cls.trainees[trainee - 1];
    const p = tr.personas.find((x: { key: string }) => x.key === key);
    const token = (await api.post('/oauth/token', { grant_type: 'password', username: p.email, password: p.password })).body.access_token;
    return api.as(token, tr.company_id);
  };

  it("arms a scenario's cause in the trainee's own sandbox, hidden from the trainee but for the symptom", async () => {
    const one = cls.trainees[0];
    const asSandbox = closedApi.as(one.sandbox_token);
    const armed = await asSandbox.post(`/_sim/sandboxes/${one.sandbox_id}/challenges`, { scenario: 'budget_change_order_pending' });
    expect(armed.status).toBe(201);
    expect(armed.headers.location).toMatch(new RegExp(`/_sim/sandboxes/${one.sandbox_id}/challenges/${armed.body.id}$`));
    expect(armed.body).toMatchObject({ status: 'armed', scenario: 'budget_change_order_pending', expected_causes: ['change_order_not_approved'], affected_persona: 'gc_project_manager', attempts_left: 3, score: null });
    expect(armed.body.evidence[0]).toMatchObject({ cause: 'change_order_not_approved', evidence: expect.any(Object) });
    // it happened in the trainee's sandbox itself: a pending change order there now
    expect(Number((await t.db.query(`SELECT count(*) FROM change_orders WHERE company_id = $1 AND status = 'pending'`, [one.company_id])).rows[0].count)).toBeGreaterThan(1);

    const sub = await persona(1, 'subcontractor');
    const seen = await sub.get('/_sim/training/challenge');
    expect(seen.status).toBe(200);
    expect(seen.body).toMatchObject({ status: 'armed', scenario: null, title: null, expected_causes: null, evidence: null, affected_persona: 'gc_project_manager', symptom: { description: expect.stringContaining('change order') } });
    expect(seen.text).not.toContain('change_order_not_approved');
    // a drill would show a scenario's causes: drills are closed while a challenge is armed
    expectError(await sub.post('/_sim/training/drills', { scenario: 'budget_change_order_pending' }), 422, 'invalid_transition');
    expectError(await sub.get('/_sim/training/drills'), 422, 'invalid_transition');
    // one at a time
    expectError(await asSandbox.post(`/_sim/sandboxes/${one.sandbox_id}/challenges`, { scenario: 'budget_locked' }), 409, 'duplicate');
    // another trainee has none, and cannot see this one
    expectError(await (await persona(2, 'subcontractor')).get('/_sim/training/challenge'), 404, 'not_found');
    // another sandbox's token cannot arm here
    expectError(await closedApi.as(cls.trainees[1].sandbox_token).post(`/_sim/sandboxes/${one.sandbox_id}/challenges`, { scenario: 'budget_locked' }), 403, 'permission_denied');
  }, 60000);

  it('scores the answers: a wrong cause costs 25, the right one ends it and shows the evidence', async () => {
    const sub = await persona(1, 'subcontractor');
    expect(fieldsOf(await sub.post('/_sim/training/challenge/answers', { cause: 'not_a_cause' }))).toEqual(['cause']);
    const wrong = await sub.post('/_sim/training/challenge/answers', { cause: 'budget_locked' });
    expect(wrong.status).toBe(200);
    expect(wrong.body).toMatchObject({ status: 'armed', attempts: 1, attempts_left: 2, score: null, evidence: null, answers: [{ cause: 'budget_locked', correct: false }] });
    const right = await sub.post('/_sim/training/challenge/answers', { cause: 'change_order_not_approved' });
    expect(right.body).toMatchObject({ status: 'solved', attempts: 2, attempts_left: 0, score: 75, scenario: 'budget_change_order_pending', expected_causes: ['change_order_not_approved'] });
    expect(right.body.evidence[0].cause).toBe('change_order_not_approved');
    expectError(await sub.post('/_sim/training/challenge/answers', { cause: 'change_order_not_approved' }), 422, 'invalid_transition');

    const results = await closedApi.as(cls.class_token).get(`/_sim/classes/${cls.id}/results`);
    expect(results.status).toBe(200);
    expect(results.body.trainees.map((x: { trainee: number; solved: number; total_score: number }) => [x.trainee, x.solved, x.total_score])).toEqual([[1, 1, 75], [2, 0, 0]]);
    expect(results.body.trainees[0].challenges[0]).toMatchObject({ status: 'solved', score: 75, answers: [{ correct: false }, { correct: true }] });
  }, 60000);

  it('fails a challenge after three wrong answers, with 0', async () => {
    const two = cls.trainees[1];
    expect((await api.post(`/_sim/sandboxes/${two.sandbox_id}/challenges`, { scenario: 'budget_locked' })).status).toBe(201);
    const pm = await persona(2, 'gc_project_manager');
    for (const cause of ['stale_cache', 'job_failed']) expect((await pm.post('/_sim/training/challenge/answers', { cause })).body.status).toBe('armed');
    const last = await pm.post('/_sim/training/challenge/answers', { cause: 'tool_inactive' });
    expect(last.body).toMatchObject({ status: 'failed', score: 0, attempts_left: 0, expected_causes: ['budget_locked'] });
  }, 60000);

  it('cancels an armed challenge when its sandbox is reset (its cause is gone), unscored, and another can be armed', async () => {
    const two = cls.trainees[1];
    const armed = await api.post(`/_sim/sandboxes/${two.sandbox_id}/challenges`, { scenario: 'budget_change_order_pending' });
    expect(armed.status).toBe(201);
    expect((await closedApi.as(cls.class_token).post(`/_sim/classes/${cls.id}/trainees/2/actions/reset`)).status).toBe(200);
    const pm = await persona(2, 'gc_project_manager');
    const seen = await pm.get('/_sim/training/challenge');
    expect(seen.body).toMatchObject({ id: armed.body.id, status: 'cancelled', score: null, attempts_left: 0 });
    expectError(await pm.post('/_sim/training/challenge/answers', { cause: 'change_order_not_approved' }), 422, 'invalid_transition');
    // drills are open again, and the trainer can arm the next one
    expect((await pm.get('/_sim/training/drills')).status).toBe(200);
    const next = await api.post(`/_sim/sandboxes/${two.sandbox_id}/challenges`, { scenario: 'budget_locked' });
    expect(next.status).toBe(201);
    const results = (await closedApi.as(cls.class_token).get(`/_sim/classes/${cls.id}/results`)).body;
    const trainee2 = results.trainees.find((x: { trainee: number }) => x.trainee === 2);
    expect(trainee2.challenges.map((c: { status: string }) => c.status)).toEqual(['armed', 'cancelled', 'failed']);
    expect(trainee2.total_score).toBe(0);
  }, 90000);

  it('refuses bad input: an unknown scenario, a blank sandbox, a persona outside training', async () => {
    const one = cls.trainees[0];
    expect(fieldsOf(await api.post(`/_sim/sandboxes/${one.sandbox_id}/challenges`, { scenario: 'nope' }))).toEqual(['scenario']);
    expect([...new Set(fieldsOf(await api.post(`/_sim/sandboxes/${one.sandbox_id}/challenges`, {})))]).toEqual(['scenario']);
    expectError(await api.post('/_sim/sandboxes/999999/challenges', { scenario: 'budget_locked' }), 404, 'not_found');
    const blank = (await api.post('/_sim/sandboxes', { name: 'blank', template: 'blank' })).body;
    expect(fieldsOf(await api.post(`/_sim/sandboxes/${blank.id}/challenges`, { scenario: 'budget_locked' }))).toEqual(['sandbox_id']);
    const token = (await api.post('/oauth/token', { grant_type: 'password', username: blank.personas[0].email, password: blank.personas[0].password })).body.access_token;
    expectError(await api.get('/_sim/training/challenge', { token }), 403, 'permission_denied');
    expectError(await api.post('/_sim/training/challenge/answers', { cause: 'budget_locked' }), 401, 'unauthenticated');
  }, 60000);
});
