import { ApiClient, Answer } from '../support/api-client';
import { expectError, header } from '../support/assertions';
import { ApiProcess, WorkerProcess } from '../support/processes';
import { Receiver } from '../support/receiver';
import { TrainingSandbox } from '../support/sandbox';
import { TestApp } from '../support/test-app';

/**
 * Two API processes (src/main.ts, SIM_ROLE=api) and two worker processes
 * (src/worker.ts) on one database and one Redis, each a real child process,
 * spoken to over HTTP. What one process does, the other sees: rate limits,
 * idempotency keys, permission changes, jobs and settle. The in-process app
 * only makes the database; it answers no request of this file.
 */

// Locks of 4 s: a dead worker's jobs are found stalled within about 8 s (stalledInterval is half the lock),
// and a live worker would have to miss its lock renewals for 2 s to lose one (a busy machine does not).
const LOCK_MS = '4000';

interface JobRow {
  id: string;
  name: string;
  queue: string;
  state: string;
  processed_by: string | null;
  payload: { deliveryId?: number; runId?: string };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const end = performance.now() + timeoutMs;
  for (;;) {
    const found = await check();
    if (found !== undefined) return found;
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe('scale-out: two API processes and two worker processes', () => {
  let t: TestApp;
  const running: (ApiProcess | WorkerProcess)[] = [];
  let apis: ApiProcess[];
  let workers: WorkerProcess[];
  /** The same API through each process. */
  let via: [ApiClient, ApiClient];
  let sb: TrainingSandbox;
  let receiver: Receiver;
  let admin: [ApiClient, ApiClient];
  let env: Record<string, string>;

  beforeAll(async () => {
    t = await TestApp.start({ workers: false });
    env = t.processEnv({ SIM_OPEN_CONTROLS: 'true', SIM_DB_POOL_SIZE: '5', SIM_JOB_LOCK_MS: LOCK_MS });
    const start = async <P extends ApiProcess | WorkerProcess>(p: Promise<P>) => {
      const started = await p;
      running.push(started);
      return started;
    };
    [apis, workers] = await Promise.all([
      Promise.all(['api-1', 'api-2'].map((name) => start(ApiProcess.start({ ...env, SIM_PROCESS_NAME: name })))),
      Promise.all(['worker-a', 'worker-b'].map((name) => start(WorkerProcess.start({ ...env, SIM_PROCESS_NAME: name })))),
    ]);
    via = [ApiClient.over(apis[0].url), ApiClient.over(apis[1].url)];
    sb = await TrainingSandbox.create(via[0], 'scale-out');
    await sb.relaxLimits();
    expect((await via[1].patch(`/_sim/sandboxes/${sb.info.id}/settings`, { latency_profile: 'instant' })).status).toBe(200);
    const token = await sb.token('company_admin');
    admin = [via[0].as(token, sb.companyId), via[1].as(token, sb.companyId)];
    receiver = await Receiver.start();
  }, 120_000);

  afterAll(async () => {
    await Promise.all(running.map((p) => p.kill('SIGTERM').catch(() => undefined)));
    await receiver?.stop();
    await t?.stop();
  });

  it('answers from two processes, each naming itself', async () => {
    for (const [i, client] of via.entries()) {
      const res = await client.get('/health');
      expect(res.status).toBe(200);
      expect(res.body.process).toEqual({ name: `api-${i + 1}`, role: 'api', pid: apis[i].pid, host: expect.any(String) });
      expect(header(res, 'x-sim-process')).toBe(`api-${i + 1}/${apis[i].pid}@${res.body.process.host}`);
    }
    expect(apis[0].pid).not.toBe(apis[1].pid);
  });

  it("counts a token's requests in one spike window, whichever process answers", async () => {
    expect((await via[0].patch(`/_sim/sandboxes/${sb.info.id}/settings`, { rate_limit: { spike_10s: 4 } })).status).toBe(200);
    try {
      // Eight requests inside one 10-second window (the windows are aligned on real time), with a token
      // of their own so that its counters start at 0; a sequence that straddled two windows is made again.
      const architect = sb.persona('architect');
      let answers: Answer[] = [];
      for (let attempt = 0; attempt < 3; attempt++) {
        const login = await via[1].post('/oauth/token', { grant_type: 'password', username: architect.email, password: architect.password });
        expect(login.status).toBe(200);
        const as = [via[0].as(login.body.access_token), via[1].as(login.body.access_token)];
        const into = Date.now() % 10_000;
        if (into > 6_000) await sleep(10_050 - into);
        const window = Math.floor(Date.now() / 10_000);
        answers = [];
        for (let i = 0; i < 8; i++) answers.push(await as[i % 2].get('/rest/v1.0/me'));
        if (Math.floor(Date.now() / 10_000) === window) break;
      }
      // Four per process: each process alone would let all of them through.
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 429, 429, 429, 429]);
      const limit = Number(header(answers[0], 'x-rate-limit-limit'));
      expect(answers.slice(0, 4).map((a) => Number(header(a, 'x-rate-limit-remaining')))).toEqual([limit - 1, limit - 2, limit - 3, limit - 4]);
      for (const refused of answers.slice(4)) {
        expectError(refused, 429, 'rate_limited');
        expect(refused.body.error.details).toMatchObject({ limit: 4, window: 'spike_10s' });
      }
    } finally {
      await sb.relaxLimits();
    }
  });

  it('creates one vendor for one Idempotency-Key sent to both processes at once', async () => {
    const url = `/rest/v1.0/companies/${sb.companyId}/vendors`;
    const key = { headers: { 'idempotency-key': 'scale-out-vendor-1' } };
    const body = { name: 'Twin Process Supply' };
    const firsts = await Promise.all(admin.map((a) => a.post(url, body, key)));
    const created = firsts.filter((r) => r.status === 201 && header(r, 'idempotent-replayed') === undefined);
    expect(created).toHaveLength(1);
    // The other one answered the first answer again, or said it was still running.
    const other = firsts.find((r) => r !== created[0])!;
    if (other.status === 201) expect({ replayed: header(other, 'idempotent-replayed'), id: other.body.id }).toEqual({ replayed: 'true', id: created[0].body.id });
    else expectError(other, 409, 'idempotency_in_progress');
    for (const a of admin) {
      const again = await a.post(url, body, key);
      expect({ status: again.status, replayed: header(again, 'idempotent-replayed'), id: again.body.id }).toEqual({ status: 201, replayed: 'true', id: created[0].body.id });
    }
    expectError(await admin[1].post(url, { name: 'Another Supply' }, key), 422, 'idempotency_key_reused');
    const rows = await t.db.query('SELECT id FROM vendors WHERE company_id = $1 AND name = ANY($2)', [sb.companyId, [body.name, 'Another Supply']]);
    expect(rows.rows.map((r) => r.id)).toEqual([created[0].body.id]);
  });

  it('applies a permission change made through one process on the very next request to the other', async () => {
    const p1 = sb.project('first');
    const superintendent = via[1].as(await sb.token('superintendent'), sb.companyId);
    const directory = `/rest/v1.0/projects/${p1}/users`;
    // Process 2 has the superintendent's token and permissions cached.
    for (let i = 0; i < 3; i++) expect((await superintendent.get(directory)).status).toBe(200);
    const templates = await admin[0].get(`/rest/v1.0/companies/${sb.companyId}/permission_templates?filters[scope]=project`);
    const sup = templates.body.find((x: { name: string }) => x.name === 'Superintendent');
    const edit = (levels: Record<string, string>) => admin[0].patch(`/rest/v1.0/companies/${sb.companyId}/permission_templates/${sup.id}`, { levels });
    expect((await edit({ ...sup.levels, directory: 'none' })).status).toBe(200);
    const denied = await superintendent.get(directory);
    expectError(denied, 403, 'permission_denied');
    expect(denied.body.error.details).toMatchObject({ layer: 'general_level', have: 'none' });
    expect((await edit(sup.levels)).status).toBe(200);
    expect((await superintendent.get(directory)).status).toBe(200);
  });

  async function hookOn(projectId: number, namespace: string): Promise<number> {
    const hook = await admin[0].post(`/rest/v1.0/projects/${projectId}/webhooks/hooks`, { namespace, destination_url: receiver.url });
    expect(hook.status).toBe(201);
    const trigger = await admin[1].post(`/rest/v1.0/projects/${projectId}/webhooks/hooks/${hook.body.id}/triggers`, { resource_name: 'Projects', event_type: 'update' });
    expect(trigger.status).toBe(201);
    return hook.body.id;
  }

  const deliveriesOf = async (projectId: number, hookId: number) =>
    (await admin[1].get(`/rest/v1.0/projects/${projectId}/webhooks/hooks/${hookId}/deliveries?per_page=1000`)).body as { id: number; status: string; attempts: number }[];
  const deliverJobs = async (projectId: number) =>
    ((await via[0].get(`/_sim/jobs?project_id=${projectId}`)).body as JobRow[]).filter((j) => j.name === 'webhooks.deliver');
  const eventIds = () => receiver.received.map((r) => r.body.id as number);
  const byWorker = (name: string) => new RegExp(`^${name}/\\d+@`);

  it('runs each job once on one of the two workers, and settle through one process waits for them all', async () => {
    const p1 = sb.project('first');
    const hookId = await hookOn(p1, 'scale-out-once');
    receiver.received.length = 0;
    const writes = 20;
    for (let i = 0; i < writes; i++) expect((await admin[i % 2].patch(`/rest/v1.0/projects/${p1}`, { address: `${i} Twin Street` })).status).toBe(200);
    const settled = await via[0].post(`/_sim/settle?project_id=${p1}&timeout_ms=30000`);
    expect(settled.status).toBe(200);
    // Settled means done: every delivery is made by the time settle answers.
    const deliveries = await deliveriesOf(p1, hookId);
    expect(deliveries).toHaveLength(writes);
    expect(deliveries.every((d) => d.status === 'delivered' && d.attempts === 1)).toBe(true);
    expect([...eventIds()].sort((a, b) => a - b)).toEqual(deliveries.map((d) => d.id).sort((a, b) => a - b));
    const jobs = await deliverJobs(p1);
    expect(jobs.map((j) => j.state)).toEqual(Array(writes).fill('completed'));
    expect(new Set(jobs.map((j) => j.payload.deliveryId))).toEqual(new Set(deliveries.map((d) => d.id)));
    for (const job of jobs) expect(job.processed_by).toMatch(/^worker-[ab]\/\d+@/);
  });

  it('fixes a scenario run through one process through the other: what its inbox received is seen by both', async () => {
    const run = await via[0].post('/_sim/scenarios/background_job_failed/run');
    expect(run.status).toBe(201);
    expect(run.body.symptom).toMatchObject({ present: true, observed: { received: 0 } });
    // The inbox's receiver is in process 1; the fix, and the look after it, run in process 2.
    const fixed = await via[1].post(`/_sim/scenarios/runs/${run.body.id}/actions/fix`);
    expect(fixed.status).toBe(200);
    expect(fixed.body).toMatchObject({ id: run.body.id, resolved: true, symptom_after: { present: false, observed: { received: 1, delivery: { status: 'delivered' } } } });
  });

  it('loses nothing when a worker is killed under a stream of writes: the other takes over its jobs, and each delivers once', async () => {
    const p2 = sb.project('second');
    const hookId = await hookOn(p2, 'scale-out-kill');
    // Each delivery job holds for 1.5 s before it sends: the killed worker dies holding jobs it has not sent yet.
    const hold = await via[1].post('/_sim/faults', { target: 'job', job_name: 'webhooks.deliver', effect: 'delay', delay_ms: 1500, probability: 1, project_id: p2 });
    expect(hold.status).toBe(201);
    receiver.received.length = 0;
    const writes = 30;
    let written = 0;
    const stream = (async () => {
      for (; written < writes; written++) {
        const res = await admin[written % 2].patch(`/rest/v1.0/projects/${p2}`, { address: `${written} Kill Street` });
        expect(res.status).toBe(200);
        await sleep(100);
      }
    })();

    const [a] = workers;
    const held = await until('worker-a to hold delivery jobs', async () => {
      const active = (await deliverJobs(p2)).filter((j) => j.state === 'active' && byWorker('worker-a').test(j.processed_by ?? ''));
      return active.length > 0 ? active : undefined;
    });
    expect(await a.kill('SIGKILL')).toBeNull();
    running.splice(running.indexOf(a), 1);
    expect(written).toBeLessThan(writes); // killed while writes were still coming in
    await stream;

    const settled = await via[1].post(`/_sim/settle?project_id=${p2}&timeout_ms=60000`);
    expect(settled.status).toBe(200);
    const deliveries = await deliveriesOf(p2, hookId);
    expect(deliveries).toHaveLength(writes);
    expect(deliveries.filter((d) => d.status !== 'delivered' || d.attempts !== 1)).toEqual([]);
    // Each event reached the receiver exactly once: the dead worker had sent none of the jobs it held.
    expect([...eventIds()].sort((x, y) => x - y)).toEqual(deliveries.map((d) => d.id).sort((x, y) => x - y));
    const jobs = await deliverJobs(p2);
    expect(jobs.filter((j) => j.state !== 'completed')).toEqual([]);
    expect(jobs).toHaveLength(writes);
    // The jobs the dead worker held were taken over by the other one.
    const after = new Map(jobs.map((j) => [j.id, j]));
    for (const job of held) expect(after.get(job.id)?.processed_by).toMatch(byWorker('worker-b'));
    await via[1].delete(`/_sim/faults/${hold.body.id}`);
  }, 120_000);

  it('loses no action of a simulated activity when a worker is killed holding some: the other takes them over, and each item is made once', async () => {
    const p1 = sb.project('first');
    const c = await WorkerProcess.start({ ...env, SIM_PROCESS_NAME: 'worker-c' });
    running.push(c);
    const count = async () => (await t.db.query(`SELECT (SELECT count(*) FROM rfis WHERE project_id = $1)::int AS rfis, (SELECT count(*) FROM submittals WHERE project_id = $1)::int AS submittals`, [p1])).rows[0];
    const before = await count();
    // Each action holds 1 s before it runs: the killed worker dies holding actions it has not done.
    const hold = await via[0].post('/_sim/faults', { target: 'job', job_name: 'sim.activity', effect: 'delay', delay_ms: 1000, probability: 1, project_id: p1 });
    expect(hold.status).toBe(201);
    const started = await via[0].post('/_sim/activity', { project_id: p1, rate_per_minute: 240, duration_seconds: 10, seed: 5, mix: { rfis: 2, submittals: 1 } });
    expect(started.status).toBe(200);
    const runId = started.body.run.id as string;
    const activityJobs = async () => ((await via[1].get(`/_sim/jobs?project_id=${p1}`)).body as JobRow[]).filter((j) => j.queue === 'activity' && j.payload.runId === runId);
    const held = await until('worker-c to hold activity actions', async () => {
      const active = (await activityJobs()).filter((j) => j.state === 'active' && byWorker('worker-c').test(j.processed_by ?? ''));
      return active.length > 0 ? active : undefined;
    });
    expect(await c.kill('SIGKILL')).toBeNull();
    running.splice(running.indexOf(c), 1);
    await via[1].delete(`/_sim/faults/${hold.body.id}`);

    const run = await until('the activity to finish', async () => {
      const state = (await via[1].get('/_sim/activity?sandbox_id=' + sb.info.id)).body.run;
      return state.state === 'finished' ? state : undefined;
    }, 90_000);
    expect(run.progress).toMatchObject({ planned: 40, done: 40, ok: 40, failed: 0, skipped: 0 });
    const plan = (await via[0].get(`/_sim/activity/plan?sandbox_id=${sb.info.id}&limit=100`)).body.actions as { workflow: string; step_index: number }[];
    const after = await count();
    expect(after.rfis - before.rfis).toBe(plan.filter((a) => a.workflow === 'rfis' && a.step_index === 0).length);
    expect(after.submittals - before.submittals).toBe(plan.filter((a) => a.workflow === 'submittals' && a.step_index === 0).length);
    const jobs = new Map((await activityJobs()).map((j) => [j.id, j]));
    for (const job of held) expect([job.id, jobs.get(job.id)?.state, jobs.get(job.id)?.processed_by]).toEqual([job.id, 'completed', expect.stringMatching(byWorker('worker-b'))]);
  }, 150_000);
});
