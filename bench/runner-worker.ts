import { Writable } from 'node:stream';
import { parentPort } from 'node:worker_threads';
import { HttpEngine } from '../src/load/http-engine';
import { Metrics } from '../src/load/metrics';
import { parsePlan } from '../src/load/plan';
import { runPlan } from '../src/load/runner';

/**
 * The load runner on a worker thread of its own (as autocannon runs with
 * `workers: 1`), so that it does not share the API's event loop: `engine`
 * drives one GET route closed-loop through the runner's HTTP engine (with
 * its metrics); `plan` runs a whole plan and answers its report.
 */
export type RunnerJob =
  | { kind: 'engine'; base: string; path: string; token: string; company: number; seconds: number; connections: number }
  | { kind: 'plan'; yaml: string; outDir: string };

async function engineRound(job: Extract<RunnerJob, { kind: 'engine' }>) {
  const started = performance.now();
  const metrics = new Metrics(() => performance.now() - started);
  const engine = new HttpEngine(job.base, { connections: job.connections, timeoutMs: 30_000, maxRetries429: 0 }, metrics, new AbortController().signal);
  const step = metrics.step('get', 'bench');
  const deadline = performance.now() + job.seconds * 1000;
  let errors = 0;
  await Promise.all(
    Array.from({ length: job.connections }, async () => {
      while (performance.now() < deadline) {
        await engine.send(step, { method: 'GET', path: job.path, token: job.token, company: job.company }).catch(() => errors++);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await engine.close();
  return { requestsPerSec: step.requests / seconds, p50ms: step.latency.percentile(50), p99ms: step.latency.percentile(99), errors };
}

const quiet = () => new Writable({ write: (_c, _e, done) => done() });

parentPort!.on('message', (job: RunnerJob) => {
  const work =
    job.kind === 'engine'
      ? engineRound(job)
      : runPlan(parsePlan(job.yaml, 'bench.yaml'), { outDir: job.outDir, stdout: quiet(), stderr: quiet(), progress: false }).then((r) => ({ report: r.report, message: r.message }));
  work.then(
    (result) => parentPort!.postMessage({ ok: true, result }),
    (err: Error) => parentPort!.postMessage({ ok: false, error: err.stack ?? err.message }),
  );
});
