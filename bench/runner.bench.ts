import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { LoadReport } from '../src/load/report/report';
import { JobWorkers } from '../src/queues/job-workers';
import type { RunnerJob } from './runner-worker';
import { fmt, load, Rate } from './support';

/** Runs jobs on the runner's worker thread, one at a time. */
class RunnerThread {
  private readonly worker = new Worker(join(__dirname, 'runner-worker.js'));

  run<T>(job: RunnerJob): Promise<T> {
    return new Promise((resolve, reject) => {
      this.worker.once('message', (m: { ok: boolean; result?: T; error?: string }) => (m.ok ? resolve(m.result as T) : reject(new Error(m.error))));
      this.worker.postMessage(job);
    });
  }

  close(): Promise<number> {
    return this.worker.terminate();
  }
}

export interface RunnerBenchInput {
  app: NestFastifyApplication;
  base: string;
  companyId: number;
  token: string;
  seconds: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * (1) The runner's own overhead: requests/s of its HTTP engine (undici Pool,
 * metrics recorded per request) against autocannon on the same GET route, same
 * connections, each on a worker thread, in alternating rounds of this run
 * (goal ≥ 0.9). (2) The highest sustained workflow rate on this machine with
 * every step's p95 under 300 ms, no errors over 1% and nothing dropped: a
 * doubling search over constant arrival rates, then bisection.
 */
export async function runnerBench(input: RunnerBenchInput): Promise<string[]> {
  const { app, base, companyId, token, seconds } = input;
  const path = '/rest/v1.0/me';
  const headers = { authorization: `Bearer ${token}`, 'procore-company-id': String(companyId) };
  const connections = 32;
  const thread = new RunnerThread();
  const out: string[] = ['runner: the load runner’s HTTP engine against autocannon, then the highest sustained workflow rate'];
  try {
    const warm = await fetch(`${base}${path}`, { headers });
    if (warm.status !== 200) throw new Error(`warm-up failed: ${warm.status}`);
    await load(`${base}${path}`, headers, 1, 16);
    await thread.run({ kind: 'engine', base, path, token, company: companyId, seconds: 1, connections: 16 });

    const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
    const engine: Rate[] = [];
    const cannon: Rate[] = [];
    for (let round = 0; round < rounds; round++) {
      cannon.push(await load(`${base}${path}`, headers, seconds, connections));
      engine.push(await thread.run<Rate>({ kind: 'engine', base, path, token, company: companyId, seconds, connections }));
    }
    const ratios = engine.map((e, i) => e.requestsPerSec / cannon[i].requestsPerSec);
    const ratio = median(ratios);
    process.stderr.write(`[bench] runner engine ${fmt(median(engine.map((r) => r.requestsPerSec)), 0)} req/s, autocannon ${fmt(median(cannon.map((r) => r.requestsPerSec)), 0)} req/s\n`);
    out.push(
      `  GET ${path}, ${connections} connections, ${rounds} alternating rounds of ${seconds}s`,
      `  autocannon          ${fmt(median(cannon.map((r) => r.requestsPerSec)), 0).padStart(6)} req/s (rounds: ${cannon.map((r) => fmt(r.requestsPerSec, 0)).join(', ')})  p99 ${fmt(median(cannon.map((r) => r.p99ms)), 1)} ms`,
      `  load runner engine  ${fmt(median(engine.map((r) => r.requestsPerSec)), 0).padStart(6)} req/s (rounds: ${engine.map((r) => fmt(r.requestsPerSec, 0)).join(', ')})  p99 ${fmt(median(engine.map((r) => r.p99ms)), 1)} ms, errors ${engine.reduce((n, r) => n + r.errors, 0)}`,
      `  ratio ${fmt(ratio, 3)} (rounds: ${ratios.map((r) => fmt(r, 3)).join(', ')}; goal ≥ 0.9: ${ratio >= 0.9 ? 'met' : 'NOT met'})`,
    );

    const workers = app.get(JobWorkers);
    await workers.start();
    const dir = await mkdtemp(join(tmpdir(), 'sitesim-bench-load-'));
    try {
      out.push(...(await rateSearch(thread, base, seconds, dir)));
    } finally {
      await workers.close();
      await rm(dir, { recursive: true, force: true });
    }
  } finally {
    await thread.close();
  }
  return out;
}

const planYaml = (base: string, rate: number, seconds: number) => `name: bench-${rate}
target:
  url: ${base}
  sandbox:
    template: training
    settings:
      latency_profile: instant
      rate_limit: { hourly: 10000000, spike_10s: 1000000 }
duration: ${seconds}s
arrival: { model: constant_arrival_rate, rate: ${rate}, max_vus: 400 }
workflows: { browse: 4, rfi_lifecycle: 2, photo_upload: 1, submittal_flow: 1, change_order: 1 }
consistency: { timeout: 15s, poll_interval: 100ms }
graceful_stop: 20s
queues: { interval: 1s, lag_interval: 0s }
`;

interface Trial {
  rate: number;
  ok: boolean;
  worstStep: string;
  worstP95: number;
  errorRate: number;
  dropped: number;
  done: number;
}

async function rateSearch(thread: RunnerThread, base: string, seconds: number, dir: string): Promise<string[]> {
  const trials: Trial[] = [];
  const trial = async (rate: number): Promise<Trial> => {
    const { report, message } = await thread.run<{ report: LoadReport | null; message?: string }>({ kind: 'plan', yaml: planYaml(base, rate, seconds), outDir: join(dir, String(rate)) });
    if (!report) throw new Error(`the plan at ${rate}/s did not run: ${message}`);
    const steps = report.steps.filter((s) => s.latency.count > 0);
    const worst = steps.reduce((a, b) => ((b.latency.p95 ?? 0) > (a.latency.p95 ?? 0) ? b : a), steps[0]);
    const t: Trial = {
      rate,
      worstStep: worst.name,
      worstP95: worst.latency.p95 ?? 0,
      errorRate: report.totals.error_rate,
      dropped: report.totals.iterations.dropped,
      done: report.totals.iterations.completed,
      ok: false,
    };
    t.ok = t.worstP95 < 300 && t.errorRate <= 0.01 && t.dropped === 0;
    trials.push(t);
    return t;
  };
  let good = 0;
  let bad = 0;
  for (let rate = 2; rate <= 256; rate *= 2) {
    if ((await trial(rate)).ok) good = rate;
    else {
      bad = rate;
      break;
    }
  }
  if (bad) {
    for (let i = 0; i < 3 && bad - good > 1; i++) {
      const mid = Math.round((good + bad) / 2);
      if ((await trial(mid)).ok) good = mid;
      else bad = mid;
    }
  }
  return [
    `  workflow rate search (${seconds}s a trial; mix browse 4, rfi_lifecycle 2, photo_upload 1, submittal_flow 1, change_order 1; instant jobs, workers in the API process):`,
    ...trials.map((t) => `    ${String(t.rate).padStart(4)} it/s: worst step p95 ${fmt(t.worstP95, 0).padStart(5)} ms (${t.worstStep}), errors ${fmt(t.errorRate * 100, 2)}%, dropped ${t.dropped}, done ${t.done}  ${t.ok ? 'ok' : 'over'}`),
    `  highest sustained rate with every step's p95 < 300 ms: ${good} workflow iterations/s${bad ? ` (${bad}/s is over)` : ' (the search stopped at its ceiling)'}`,
  ];
}
