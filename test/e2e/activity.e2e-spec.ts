import { ApiClient } from '../support/api-client';
import { expectError, fieldsOf } from '../support/assertions';
import { TrainingSandbox } from '../support/sandbox';
import { TestApp } from '../support/test-app';

interface Run {
  id: string;
  state: 'running' | 'stopped' | 'finished';
  planned: number;
  effective_rate_per_minute: number;
  warnings: string[];
  users: { persona: string; member: number; user_id: number; email: string; generated: boolean }[];
  progress: { planned: number; done: number; ok: number; failed: number; skipped: number };
  counts: { steps: Record<string, { ok: number; failed: number; skipped: number }>; statuses: Record<string, number>; errors: Record<string, number>; rate_limited: number; conflicts: number };
  recent: { index: number; workflow: string; step: string; member: number; user_id: number; item_id: number | null; outcome: string; status: number }[];
}
interface Planned {
  index: number;
  at_ms: number;
  workflow: string;
  instance: number;
  step: string;
  step_index: number;
  persona: string;
  member: number;
}

describe('simulated activity: synthetic users working through real workflows', () => {
  let t: TestApp;
  let api: ApiClient;
  let sb: TrainingSandbox;
  let token: { token: string };
  let p1: number;

  const state = async (): Promise<Run> => {
    const res = await api.get('/_sim/activity', token);
    expect(res.status).toBe(200);
    return res.body.run as Run;
  };
  const plan = async (limit = 1000): Promise<Planned[]> => (await api.get(`/_sim/activity/plan?limit=${limit}`, token)).body.actions;
  /** The API on a real port (after the first test, which needs it without one). */
  const listening = async () => {
    if (!t.app.getHttpServer().listening) await t.app.listen({ port: 0, host: '127.0.0.1' });
  };
  /** Until no action of the run is running or waiting (an action in flight at a stop finishes its step). */
  const quiet = async (runId: string) => {
    for (let i = 0; i < 100; i++) {
      const jobs = (await api.get('/_sim/jobs', token)).body as { queue: string; state: string; payload: { runId?: string } }[];
      if (!jobs.some((j) => j.queue === 'activity' && j.payload.runId === runId && ['active', 'waiting', 'delayed'].includes(j.state))) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the activity jobs did not stop');
  };
  const until = async (check: (run: Run) => boolean, timeoutMs = 60_000): Promise<Run> => {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const run = await state();
      if (check(run)) return run;
      if (Date.now() > end) throw new Error(`activity did not get there: ${JSON.stringify(run.progress)} ${run.state}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  beforeAll(async () => {
    t = await TestApp.start();
    api = t.client();
    sb = await TrainingSandbox.create(api, 'activity');
    await sb.relaxLimits();
    await api.patch(`/_sim/sandboxes/${sb.info.id}/settings`, { latency_profile: 'instant' });
    token = { token: sb.info.sandbox_token };
    p1 = sb.project('first');
  });
  afterAll(async () => {
    await api.delete('/_sim/activity', token);
    await t.stop();
  });

  it('needs the API on a socket: users come in over HTTP like clients (503 while it serves no port)', async () => {
    const res = await api.post('/_sim/activity', { project_id: p1, rate_per_minute: 60, duration_seconds: 10, mix: { rfis: 1 } }, token);
    expectError(res, 503, 'service_unavailable');
    expect(await state()).toBeNull();
  });

  it.each([
    [{ rate_per_minute: 60, duration_seconds: 10, mix: { rfis: 1 } }, ['project_id']],
    [{ project_id: 1, rate_per_minute: -5, duration_seconds: 10, mix: { rfis: 1 } }, ['rate_per_minute']],
    [{ project_id: 1, rate_per_minute: 60, duration_seconds: 10, mix: { rfis: 1, punch_list: 2 } }, ['mix.punch_list']],
    [{ project_id: 1, rate_per_minute: 60, duration_seconds: 10, mix: { rfis: 0 } }, ['mix']],
    [{ project_id: 1, rate_per_minute: 60, duration_seconds: 10, mix: { rfis: 'lots' } }, ['mix.rfis']],
    [{ project_id: 1, rate_per_minute: 60, duration_seconds: 0, mix: { rfis: 1 }, users_per_persona: 50, color: 'red' }, ['duration_seconds', 'users_per_persona', 'color']],
    [{ project_id: 1, rate_per_minute: 1200, duration_seconds: 3600, mix: { rfis: 1 } }, ['duration_seconds']],
  ] as [Record<string, unknown>, string[]][])('refuses %j with 422 naming %j, and starts nothing', async (body, fields) => {
    await listening();
    const res = await api.post('/_sim/activity', { ...body, ...(body.project_id ? { project_id: p1 } : {}) }, token);
    expectError(res, 422, 'validation_failed');
    expect(fieldsOf(res).sort()).toEqual([...fields].sort());
    expect(await state()).toBeNull();
  });

  it('refuses a mix whose personas are not on the project, naming them', async () => {
    await listening();
    // The second project has no subcontractor or architect: RFIs cannot run there.
    const res = await api.post('/_sim/activity', { project_id: sb.project('second'), rate_per_minute: 60, duration_seconds: 10, mix: { rfis: 1 } }, token);
    expectError(res, 422, 'validation_failed');
    expect(res.body.error.message).toMatch(/architect/);
    expect(res.body.error.message).toMatch(/subcontractor/);
    expect(await state()).toBeNull();
  });

  it('runs a seeded plan to the end through the real API: every action done, items in the project, jobs and metrics to show for it', async () => {
    await listening();
    const before = (await t.db.query('SELECT (SELECT count(*) FROM rfis)::int AS rfis, (SELECT count(*) FROM submittals)::int AS submittals, (SELECT count(*) FROM change_orders)::int AS cos, (SELECT count(*) FROM images)::int AS images')).rows[0];
    const started = await api.post('/_sim/activity', { project_id: p1, rate_per_minute: 900, duration_seconds: 6, users_per_persona: 2, seed: 7, mix: { rfis: 3, submittals: 2, change_orders: 1, photos: 1 } }, token);
    expect(started.status).toBe(200);
    expect(started.body.active).toBe(true);
    const run = started.body.run as Run;
    expect(run).toMatchObject({ state: 'running', planned: 90, warnings: [], effective_rate_per_minute: 900 });
    // Each persona and one generated member of it, a real Directory member with the persona's template.
    expect(run.users.filter((u) => u.generated)).toHaveLength(run.users.length / 2);
    const generatedSub = run.users.find((u) => u.persona === 'subcontractor' && u.member === 2)!;
    const membership = (await t.db.query('SELECT m.template_id = (SELECT template_id FROM project_memberships WHERE user_id = $2 AND project_id = $3) AS same FROM project_memberships m WHERE m.user_id = $1 AND m.project_id = $3', [generatedSub.user_id, sb.userId('subcontractor'), p1])).rows[0];
    expect(membership.same).toBe(true);

    const actions = await plan();
    expect(actions).toHaveLength(90);
    const finished = await until((r) => r.state === 'finished');
    expect(finished.progress).toMatchObject({ planned: 90, done: 90 });
    expect([finished.progress.failed, finished.counts.errors, finished.recent.filter((r) => r.outcome !== 'ok')]).toEqual([0, {}, []]);
    // Every step of every workflow was done as often as planned (skips only follow a failure, and none failed).
    for (const [step, counts] of Object.entries(finished.counts.steps)) {
      const want = actions.filter((a) => `${a.workflow}.${a.step}` === step).length;
      expect([step, counts.ok + counts.skipped]).toEqual([step, want]);
      expect(counts.skipped).toBe(0);
    }
    expect(finished.recent.some((r) => r.member === 2)).toBe(true);

    const after = (await t.db.query('SELECT (SELECT count(*) FROM rfis)::int AS rfis, (SELECT count(*) FROM submittals)::int AS submittals, (SELECT count(*) FROM change_orders)::int AS cos, (SELECT count(*) FROM images)::int AS images')).rows[0];
    const started_ = (w: string) => actions.filter((a) => a.workflow === w && a.step_index === 0).length;
    expect(after.rfis - before.rfis).toBe(started_('rfis'));
    expect(after.submittals - before.submittals).toBe(started_('submittals'));
    expect(after.cos - before.cos).toBe(started_('change_orders'));
    expect(after.images - before.images).toBe(started_('photos'));
    // RFIs closed by the superintendent of their instance; the ball moved through the real workflow.
    const closes = actions.filter((a) => a.workflow === 'rfis' && a.step === 'close').length;
    const closed = (await t.db.query(`SELECT count(*)::int AS n FROM rfis WHERE project_id = $1 AND status = 'closed' AND subject LIKE 'activity rfis #%'`, [p1])).rows[0].n;
    expect(closed).toBe(closes);
    // Approved change orders reach the budget once its jobs settle.
    const approved = actions.filter((a) => a.workflow === 'change_orders' && a.step === 'approve').length;
    expect((await t.db.query(`SELECT count(*)::int AS n FROM change_orders WHERE project_id = $1 AND status = 'approved' AND title LIKE 'activity change_orders #%'`, [p1])).rows[0].n).toBe(approved);
    expect((await api.post(`/_sim/settle?project_id=${p1}&timeout_ms=60000`, undefined, token)).status).toBe(200);
    const pm = await sb.as('gc_project_manager');
    expect((await pm.get(`/rest/v1.0/projects/${p1}/budget`)).body).toMatchObject({ stale: false, pending_jobs: 0 });

    const jobs = (await api.get('/_sim/jobs', token)).body as { queue: string; name: string; state: string; payload: { runId?: string } }[];
    const mine = jobs.filter((j) => j.queue === 'activity' && j.payload.runId === run.id);
    expect(mine.length).toBe(90);
    expect(mine.every((j) => j.name === 'sim.activity' && j.state === 'completed')).toBe(true);
    const metrics = await api.request('GET', '/metrics', { headers: { accept: 'text/plain' } });
    const line = metrics.text.split('\n').find((l) => l.startsWith('sitesim_activity_actions_total{workflow="rfis",step="create_draft",outcome="ok"}'));
    expect(Number(line?.split(' ')[1])).toBe(actions.filter((a) => a.workflow === 'rfis' && a.step === 'create_draft').length);
    const progress = (outcome: string) => metrics.text.split('\n').find((l) => l.startsWith(`sitesim_activity_run_actions{company_id="${sb.info.company_id}",state="finished",outcome="${outcome}"}`));
    expect([progress('planned'), progress('ok')].map((l) => Number(l?.split(' ')[1]))).toEqual([90, 90]);
  }, 120_000);

  it('plans the same actions for the same seed, and others for another seed', async () => {
    await listening();
    const body = { project_id: p1, rate_per_minute: 30, duration_seconds: 600, seed: 42, mix: { rfis: 2, submittals: 1, photos: 1 } };
    await api.post('/_sim/activity', body, token);
    const first = await plan(300);
    await api.post('/_sim/activity', body, token);
    const again = await plan(300);
    await api.post('/_sim/activity', { ...body, seed: 43 }, token);
    const other = await plan(300);
    await api.delete('/_sim/activity', token);
    expect(first).toHaveLength(300);
    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
    // Every instance's steps come in workflow order.
    const seen = new Map<string, number>();
    for (const a of first) {
      const key = `${a.workflow}#${a.instance}`;
      expect(a.step === 'create_draft' || a.step === 'create' || a.step === 'upload' ? !seen.has(key) : seen.get(key)).toBeTruthy();
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
  });

  it('stops: no further action starts, and the run keeps its counts', async () => {
    await listening();
    await api.post('/_sim/activity', { project_id: p1, rate_per_minute: 120, duration_seconds: 300, mix: { photos: 1 } }, token);
    await until((r) => r.progress.done >= 2);
    expect((await api.delete('/_sim/activity', token)).status).toBe(204);
    const stopped = await until((r) => r.state === 'stopped');
    await quiet(stopped.id);
    const settled = await state();
    await new Promise((r) => setTimeout(r, 1500));
    const later = await state();
    expect(later.progress.done).toBe(settled.progress.done);
    expect(later.progress.done).toBeLessThan(later.planned);
    expect((await api.get('/_sim/activity', token)).body.active).toBe(false);
    const jobs = (await api.get('/_sim/jobs', token)).body as { queue: string; state: string; payload: { runId?: string } }[];
    expect(jobs.filter((j) => j.queue === 'activity' && j.payload.runId === stopped.id && (j.state === 'delayed' || j.state === 'waiting'))).toEqual([]);
  }, 60_000);

  it('stops when its sandbox is reset: the items it worked on are gone', async () => {
    await listening();
    await api.post('/_sim/activity', { project_id: p1, rate_per_minute: 120, duration_seconds: 300, mix: { rfis: 1 } }, token);
    const first = await until((r) => r.progress.done >= 1);
    // A change of settings is not a reset: the run goes on.
    expect((await api.patch(`/_sim/sandboxes/${sb.info.id}/settings`, { latency_profile: 'instant' })).status).toBe(200);
    await until((r) => r.progress.done > first.progress.done);
    expect((await state()).state).toBe('running');
    expect((await api.post(`/_sim/sandboxes/${sb.info.id}/actions/reset`, undefined, token)).status).toBe(200);
    const stopped = await until((r) => r.state === 'stopped');
    expect(stopped.warnings).toEqual(['Stopped: the sandbox was reset.']);
    // An action already past its check when the reset came may fail; none starts after it.
    await quiet(stopped.id);
    const settled = await state();
    await new Promise((r) => setTimeout(r, 1500));
    expect((await state()).progress.done).toBe(settled.progress.done);
  }, 60_000);

  it('counts an action that cannot be done at all (its user cannot sign in) as failed, and still ends the run', async () => {
    await listening();
    const admin = await sb.as('company_admin');
    const sup = sb.userId('superintendent');
    expect((await admin.post(`/rest/v1.0/companies/${sb.companyId}/users/${sup}/actions/deactivate`)).status).toBe(200);
    try {
      const started = await api.post('/_sim/activity', { project_id: p1, rate_per_minute: 120, duration_seconds: 2, mix: { photos: 1 } }, token);
      expect(started.status).toBe(200);
      const run = await until((r) => r.state === 'finished', 60_000);
      expect(run.progress).toMatchObject({ planned: 4, done: 4, ok: 0, failed: 4 });
      expect(run.recent.every((r) => r.outcome === 'failed' && r.status === null)).toBe(true);
      expect((run.recent[0] as unknown as { reason: string }).reason).toMatch(/signing in superintendent@.* answered 401/);
    } finally {
      await admin.post(`/rest/v1.0/companies/${sb.companyId}/users/${sup}/actions/reactivate`);
    }
  }, 90_000);

  it('paces a rate over the sandbox’s rate limits, with a warning, instead of flooding the API', async () => {
    await listening();
    await api.patch(`/_sim/sandboxes/${sb.info.id}/settings`, { rate_limit: { hourly: 100_000, spike_10s: 20 } });
    try {
      const res = await api.post('/_sim/activity', { project_id: p1, rate_per_minute: 600, duration_seconds: 60, mix: { photos: 1 } }, token);
      expect(res.status).toBe(200);
      const run = res.body.run as Run;
      expect(run.warnings).toHaveLength(1);
      expect(run.warnings[0]).toMatch(/spike|10 s/);
      expect(run.effective_rate_per_minute).toBeLessThan(600);
      // 600 a minute would be 100 actions in 10 s for the one superintendent; paced, each 10 s holds at most 20 requests.
      const actions = await plan(200);
      const window = actions.filter((a) => a.at_ms < 10_000).length;
      expect(window * 2).toBeLessThanOrEqual(20);
      await until((r) => r.progress.done >= 2, 30_000);
      const seen = await state();
      expect([seen.counts.rate_limited, seen.counts.errors]).toEqual([0, {}]);
    } finally {
      await api.delete('/_sim/activity', token);
      await sb.relaxLimits();
    }
  }, 60_000);
});
