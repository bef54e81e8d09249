import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../../src/load/cli';
import type { LoadReport } from '../../src/load/report/report';
import { WORKFLOWS } from '../../src/load/workflows/catalog';
import { createServer } from 'node:net';
import { TrainingSandbox } from '../support/sandbox';
import { TestApp } from '../support/test-app';

/** Runs the CLI in this process (as `npm run load` runs the compiled one), capturing what it prints. */
async function load(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const sink = (add: (s: string) => void) =>
    new Writable({
      write(chunk, _enc, done) {
        add(String(chunk));
        done();
      },
    });
  const code = await main(args, { stdout: sink((s) => (out += s)), stderr: sink((s) => (err += s)) });
  return { code, out, err };
}

const EXAMPLES = join(__dirname, '..', '..', 'examples', 'load');

describe('npm run load: workflow plans against a listening sitesim', () => {
  let t: TestApp;
  let base: string;
  let dir: string;

  beforeAll(async () => {
    t = await TestApp.start();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.getHttpServer().address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    dir = await mkdtemp(join(tmpdir(), 'sitesim-load-'));
  });
  afterAll(async () => {
    await t.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const sandboxes = async (): Promise<number> => (await t.db.query('SELECT count(*)::int AS n FROM sandboxes')).rows[0].n;
  const readReport = async (out: string): Promise<LoadReport> => JSON.parse(await readFile(join(out, 'report.json'), 'utf8'));
  const plan = async (name: string, text: string): Promise<string> => {
    const path = join(dir, name);
    await writeFile(path, text);
    return path;
  };

  it('runs smoke.yaml: every step of every workflow measured, each consistency kind recorded, thresholds evaluated, files written, its sandbox deleted', async () => {
    const before = await sandboxes();
    const out = join(dir, 'smoke');
    const res = await load([join(EXAMPLES, 'smoke.yaml'), '--duration', '4s', '--target', base, '--out', out, '--quiet']);
    const report = await readReport(out);
    if (process.env.LOAD_DEBUG) process.stderr.write(res.out + res.err);
    expect(res.code).toBe(report.passed ? 0 : 1);
    expect(report.errors).toEqual([]);
    expect(res.code).toBe(0);

    const measured = new Set(report.steps.filter((s) => s.requests > 0).map((s) => s.name));
    for (const w of Object.values(WORKFLOWS)) for (const step of w.steps) expect({ step, measured: measured.has(step) }).toEqual({ step, measured: true });
    expect(measured.has('login')).toBe(true);
    for (const s of report.steps) expect(s.latency.count).toBe(s.requests - (s.statuses['0'] ?? 0));
    expect(report.workflows.every((w) => w.completed > 0 && w.failed === 0)).toBe(true);
    expect(report.consistency.map((c) => c.kind).sort()).toEqual(['attachment_ready', 'budget_after_co', 'visible_to_other']);
    for (const c of report.consistency) expect(c).toMatchObject({ count: expect.any(Number), timeouts: 0 });
    expect(report.consistency.every((c) => c.count > 0 && c.latency.p99! >= c.latency.med!)).toBe(true);
    expect(report.thresholds).toHaveLength(8);
    expect(report.thresholds.every((th) => th.ok && th.actual !== null)).toBe(true);
    expect(report.queues.samples.length).toBeGreaterThan(0);
    expect(Object.keys(report.queues.samples[0].depth).sort()).toEqual(['activity', 'budget', 'sync', 'uploads', 'webhooks']);
    expect(report.series.length).toBeGreaterThan(0);
    expect(report.series.reduce((n, p) => n + p.requests, 0)).toBe(report.totals.http_reqs);

    const html = await readFile(join(out, 'report.html'), 'utf8');
    expect(html).toContain('new uPlot(');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/);
    for (const id of ['latency', 'throughput', 'errors', 'queues']) expect(html).toContain(`id="${id}"`);
    const junit = await readFile(join(out, 'junit.xml'), 'utf8');
    expect(junit.match(/<testcase /g)).toHaveLength(8);
    expect(junit).toContain('failures="0"');
    expect(res.out).toContain('all 8 thresholds passed');

    expect(report.plan.sandbox).toMatchObject({ created: true, deleted: true });
    expect(await sandboxes()).toBe(before);
  });

  const stepsOf = (report: LoadReport) => new Map(report.steps.map((s) => [s.name, s]));

  it('runs realistic-day.yaml: the ramping stages scaled to --duration, per-VU sessions, realistic job delays, every threshold evaluated', async () => {
    const out = join(dir, 'realistic-day');
    const res = await load([join(EXAMPLES, 'realistic-day.yaml'), '--duration', '5s', '--target', base, '--out', out, '--quiet']);
    const report = await readReport(out);
    expect(res.code).toBe(report.passed ? 0 : 1);
    expect(report.plan.arrival.model).toBe('ramping_arrival_rate');
    const stages = (report.plan.arrival as { stages: { durationMs: number }[] }).stages;
    expect(stages.reduce((n, s) => n + s.durationMs, 0)).toBeCloseTo(5000, 6);
    expect(report.plan.sessions).toBe('per_vu');
    const started = report.workflows.filter((w) => w.started > 0).map((w) => w.name);
    expect(started).toEqual(expect.arrayContaining(['browse', 'rfi_lifecycle', 'photo_upload', 'submittal_flow']));
    const steps = stepsOf(report);
    for (const w of started) for (const step of WORKFLOWS[w as keyof typeof WORKFLOWS].steps) expect(steps.get(step)?.requests ?? 0).toBeGreaterThan(0);
    // per-VU sessions: more sign-ins than the five personas of one shared session
    expect(steps.get('login')!.requests).toBeGreaterThan(5);
    expect(report.thresholds).toHaveLength(8);
    for (const th of report.thresholds) expect(th.observed).toMatch(/^(p\(\d+\)|rate)=/);
    expect(report.consistency.find((c) => c.kind === 'attachment_ready')?.count).toBeGreaterThan(0);
    expect(report.plan.sandbox.deleted).toBe(true);
  });

  it('runs submittal-crunch.yaml: virtual users loop submittals through both workflow steps, and the architect sees each in court', async () => {
    const out = join(dir, 'submittal-crunch');
    const res = await load([join(EXAMPLES, 'submittal-crunch.yaml'), '--duration', '3s', '--target', base, '--out', out, '--quiet']);
    const report = await readReport(out);
    expect(res.code).toBe(report.passed ? 0 : 1);
    expect(report.plan.arrival).toEqual({ model: 'vus', vus: 8, pauseMs: 100 });
    const flow = report.workflows.find((w) => w.name === 'submittal_flow')!;
    expect(flow.completed).toBeGreaterThan(0);
    expect(flow.failed).toBe(0);
    const steps = stepsOf(report);
    // each completed submittal went through both steps, distribution and closing once
    for (const step of ['create_submittal', 'respond_step_1', 'respond_step_2', 'distribute_submittal', 'close_submittal']) expect(steps.get(step)!.requests).toBeGreaterThanOrEqual(flow.completed);
    expect(steps.get('respond_step_2')!.statuses).toEqual({ '201': steps.get('respond_step_2')!.requests });
    const visible = report.consistency.find((c) => c.kind === 'visible_to_other')!;
    expect(visible.count + visible.timeouts).toBeGreaterThanOrEqual(flow.completed);
    expect(report.thresholds.find((th) => th.source === 'iterations:submittal_flow count > 0')).toMatchObject({ ok: true, actual: flow.completed });
    expect(report.plan.sandbox.deleted).toBe(true);
  });

  it('runs budget-month-end.yaml: each approval waits for the budget view to show it, and the queues are sampled meanwhile', async () => {
    const out = join(dir, 'budget-month-end');
    const res = await load([join(EXAMPLES, 'budget-month-end.yaml'), '--duration', '3s', '--target', base, '--out', out, '--quiet']);
    const report = await readReport(out);
    expect(res.code).toBe(report.passed ? 0 : 1);
    const steps = stepsOf(report);
    const approvals = steps.get('approve_change_order')!.requests;
    expect(approvals).toBeGreaterThan(0);
    const co = report.consistency.find((c) => c.kind === 'budget_after_co')!;
    // every approval was followed to the budget: seen there, or counted as a timeout
    expect(co.count + co.timeouts).toBe(approvals);
    expect(co.count).toBeGreaterThan(0);
    // one budget line per virtual user, made on its first change order
    expect(steps.get('create_budget_line')!.requests).toBeLessThanOrEqual(approvals);
    expect(report.queues.samples.length).toBeGreaterThan(0);
    expect(report.queues.depth.count).toBe(report.queues.samples.length);
    expect(report.thresholds.map((th) => th.source)).toContain('queue_depth max < 200');
    expect(report.thresholds.every((th) => th.actual !== null)).toBe(true);
    expect(report.plan.sandbox.deleted).toBe(true);
  });

  it('runs against an existing sandbox by its token, leaves it in place, and exits 1 with a JUnit failure when a threshold fails', async () => {
    const sb = await TrainingSandbox.create(t.client(), 'existing for load');
    await sb.relaxLimits();
    const before = await sandboxes();
    const out = join(dir, 'existing');
    const file = await plan(
      'existing.yaml',
      [`target:`, `  url: ${base}`, `  sandbox_token: ${sb.info.sandbox_token}`, 'duration: 2s', 'arrival: { model: constant_arrival_rate, rate: 3, max_vus: 5 }', 'workflows: { browse: 1 }', 'thresholds:', '  - http_reqs count < 1', '  - errors rate < 1%', ''].join('\n'),
    );
    const res = await load([file, '--out', out, '--quiet']);
    expect(res.code).toBe(1);
    const report = await readReport(out);
    expect(report.plan.sandbox).toEqual({ id: sb.info.id, created: false, deleted: false });
    expect(report.thresholds.map((th) => th.ok)).toEqual([false, true]);
    expect(report.thresholds[0]).toMatchObject({ line: 8, actual: report.totals.http_reqs });
    const junit = await readFile(join(out, 'junit.xml'), 'utf8');
    expect(junit).toContain('failures="1"');
    expect(junit).toMatch(/<failure message="http_reqs count &lt; 1: count=\d+"/);
    expect(res.out).toContain('1 of 2 thresholds failed');
    expect(await sandboxes()).toBe(before);
    expect((await t.client().get(`/_sim/sandboxes/${sb.info.id}`)).status).toBe(200);
  });

  describe('refuses what cannot run with exit 2, naming the line, before anything starts', () => {
    const good = (over: Record<number, string> = {}) =>
      [
        'target:', // 1
        `  url: ${'BASE'}`, // 2
        '  sandbox: { template: training }', // 3
        'duration: 2s', // 4
        'arrival:', // 5
        '  model: constant_arrival_rate', // 6
        '  rate: 2', // 7
        'workflows:', // 8
        '  browse: 1', // 9
        'thresholds:', // 10
        '  - errors rate < 1%', // 11
      ]
        .map((l, i) => over[i + 1] ?? l)
        .join('\n');

    const refused = async (name: string, text: string, extra: string[] = []) => {
      const before = await sandboxes();
      const out = join(dir, `refused-${name}`);
      const res = await load([await plan(`${name}.yaml`, text.replace('BASE', base)), '--out', out, '--quiet', ...extra]);
      expect(res.code).toBe(2);
      expect(await sandboxes()).toBe(before);
      expect(existsSync(out)).toBe(false);
      return res.err;
    };

    it('an unknown workflow', async () => {
      const err = await refused('unknown-workflow', good({ 9: '  rfi_lifecyle: 1' }));
      expect(err).toContain('unknown-workflow.yaml:9: unknown workflow "rfi_lifecyle" (known: rfi_lifecycle, submittal_flow, change_order, photo_upload, browse)');
    });

    it('a negative arrival rate', async () => {
      const err = await refused('negative-rate', good({ 7: '  rate: -5' }));
      expect(err).toContain('negative-rate.yaml:7: arrival.rate must be more than 0 (got -5)');
    });

    it('a threshold that does not parse, and one on a step the plan never runs', async () => {
      const err = await refused('bad-threshold', `${good({ 11: '  - step:list_rfis p95 < 300ms' })}\n  - step:create_rfi p(95) < 300ms\n`);
      expect(err).toContain('bad-threshold.yaml:11: cannot parse threshold "step:list_rfis p95 < 300ms"');
      expect(err).toMatch(/bad-threshold\.yaml:12: unknown step "create_rfi" in "step:create_rfi p\(95\) < 300ms"/);
    });

    it('an unreachable target (no sandbox is created, no report written)', async () => {
      const closed = await new Promise<number>((done) => {
        const server = createServer();
        server.listen(0, '127.0.0.1', () => {
          const port = (server.address() as { port: number }).port;
          server.close(() => done(port));
        });
      });
      const err = await refused('unreachable', good(), ['--target', `http://127.0.0.1:${closed}`]);
      expect(err).toContain(`unreachable.yaml:2: target http://127.0.0.1:${closed} is unreachable (ECONNREFUSED)`);
    });
  });
});

