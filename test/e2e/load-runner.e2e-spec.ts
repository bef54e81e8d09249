import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../../src/load/cli';
import type { LoadReport } from '../../src/load/report/report';
import { WORKFLOWS } from '../../src/load/workflows/catalog';
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
    expect(Object.keys(report.queues.samples[0].depth).sort()).toEqual(['budget', 'sync', 'uploads', 'webhooks']);
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
});
