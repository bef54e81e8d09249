import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { discoverFixtures } from './fixtures';
import { HttpEngine, Interrupted, StepFailure } from './http-engine';
import { Metrics } from './metrics';
import { describePlan, Plan } from './plan';
import { Progress } from './progress';
import { QueueSampler } from './queue-sampler';
import { reportHtml } from './report/html';
import { junitXml } from './report/junit';
import { buildReport, LoadReport } from './report/report';
import { summaryText } from './report/summary';
import { Rng, WeightedRoundRobin } from './rng';
import { wallDate, wallNow } from './wall-clock';
import { schedule } from './scheduler';
import { Sessions } from './sessions';
import { prepareTarget, probe, releaseTarget, Target, TargetError } from './target';
import { Iteration, RunEnv, VirtualUser } from './workflows/context';
import { RUNS } from './workflows';

export interface RunOptions {
  outDir: string;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** Live progress on stderr (default true). */
  progress?: boolean;
  /** Aborting it stops starting iterations (Ctrl-C): the run drains, reports and cleans up as at its end. */
  stop?: AbortSignal;
}

export interface RunResult {
  /** 0: every threshold passed; 1: one failed; 2: the run could not start (the message says why). */
  exitCode: 0 | 1 | 2;
  report: LoadReport | null;
  files: string[];
  message?: string;
}

/**
 * Runs a plan against its target: checks the target answers, creates (or
 * finds) the sandbox, runs the workflows on the arrival schedule while
 * sampling the queues, drains, deletes a sandbox it created, then writes
 * report.json, report.html and junit.xml and prints the summary.
 */
export async function runPlan(plan: Plan, opts: RunOptions): Promise<RunResult> {
  const stop = opts.stop ?? new AbortController().signal;
  const hard = new AbortController();
  setMaxListeners(0, hard.signal);
  setMaxListeners(0, stop);
  const setup = new HttpEngine(plan.target.url, { connections: 4, timeoutMs: 15_000, maxRetries429: 0 }, null, new AbortController().signal);
  const fail = (err: unknown): RunResult => {
    if (err instanceof TargetError) {
      opts.stderr.write(`${err.message}\n`);
      return { exitCode: 2, report: null, files: [], message: err.message };
    }
    throw err;
  };

  let target: Target;
  const runTag = `${wallNow().toString(36)}${randomBytes(2).toString('hex')}`;
  try {
    await probe(setup, plan);
    target = await prepareTarget(setup, plan, runTag);
  } catch (err) {
    await setup.close();
    return fail(err);
  }

  let t0 = performance.now();
  const clock = () => performance.now() - t0;
  const metrics = new Metrics(clock);
  const engine = new HttpEngine(plan.target.url, plan.http, metrics, hard.signal);
  const monitor = new HttpEngine(plan.target.url, { connections: 2, timeoutMs: 10_000, maxRetries429: 0 }, null, new AbortController().signal);
  const sampler = new QueueSampler(monitor, target, metrics, clock, plan.queues.intervalMs, plan.queues.lagIntervalMs);
  let progress: Progress | null = null;
  let interruptedIterations = 0;
  let runnerErrors = 0;
  let elapsedMs = 0;
  const startedAt = wallDate();
  let released: { deleted: boolean; status?: number } = { deleted: false };
  try {
    opts.stderr.write(`[load] ${describePlan(plan)}\n[load] sandbox ${target.sandboxId} on ${target.url}${target.created ? ' (created for the run)' : ''}\n`);
    const fixtures = await discoverFixtures(setup, new Sessions(setup, new Metrics(clock), target, 'shared'), target, runTag);
    const env: RunEnv = {
      engine,
      metrics,
      sessions: new Sessions(engine, metrics, target, plan.sessions),
      fixtures,
      rng: new Rng(plan.seed),
      consistency: plan.consistency,
      thinkTimeMs: plan.thinkTimeMs,
      signal: hard.signal,
    };
    const mix = new WeightedRoundRobin(plan.workflows.map((w) => w.weight));
    const runIteration = async (vu: VirtualUser): Promise<void> => {
      const workflow = plan.workflows[mix.next()].name;
      metrics.iterationStarted(workflow);
      const began = performance.now();
      try {
        await RUNS[workflow](new Iteration(vu, workflow, env));
        metrics.iterationEnded(workflow, performance.now() - began, true);
      } catch (err) {
        if (err instanceof Interrupted) {
          interruptedIterations++;
          return;
        }
        metrics.iterationEnded(workflow, performance.now() - began, false);
        if (!(err instanceof StepFailure) && runnerErrors++ === 0) opts.stderr.write(`\n[load] ${workflow} stopped on an unexpected error: ${(err as Error).stack ?? err}\n`);
      }
    };

    // The run's time starts before the first queue sample, so that the series is in order from 0.
    t0 = performance.now();
    await sampler.start();
    if (opts.progress !== false) progress = new Progress(opts.stderr, metrics, clock, plan.durationMs, () => sampler.last).start();
    const inflight = await schedule(plan.arrival, plan.durationMs, metrics, runIteration, stop);
    const grace = new AbortController();
    const drained = await Promise.race([
      Promise.allSettled(inflight).then(() => true),
      sleep(plan.gracefulStopMs, false, { signal: grace.signal }).catch(() => false),
    ]);
    grace.abort();
    if (!drained) {
      hard.abort();
      await Promise.allSettled(inflight);
    }
    elapsedMs = clock();
  } catch (err) {
    // Whatever stopped the run (a refused setup, a 429 or 5xx at sign-in, a lost connection), the sandbox made for it goes.
    progress?.stop();
    await sampler.stop();
    await releaseTarget(setup, target).catch(() => undefined);
    await Promise.all([engine.close(), monitor.close(), setup.close()]);
    if (err instanceof TargetError) return fail(err);
    throw err;
  } finally {
    if (elapsedMs === 0) elapsedMs = clock();
    progress?.stop();
  }
  await sampler.stop();
  released = await releaseTarget(setup, target);
  if (target.created && !target.keep && !released.deleted) opts.stderr.write(`[load] could not delete sandbox ${target.sandboxId} (DELETE answered ${released.status ?? 'nothing'}): delete it with DELETE /_sim/sandboxes/${target.sandboxId}\n`);
  await Promise.all([engine.close(), monitor.close(), setup.close()]);
  metrics.finish(elapsedMs / 1000);

  const report = buildReport({
    plan,
    metrics,
    startedAt,
    endedAt: wallDate(),
    elapsedMs,
    interrupted: stop.aborted,
    interruptedIterations,
    sandbox: { id: target.sandboxId, created: target.created, deleted: released.deleted },
    sampleFailures: sampler.failures,
  });
  const dir = resolve(opts.outDir);
  await mkdir(dir, { recursive: true });
  const files = [join(dir, 'report.json'), join(dir, 'report.html'), join(dir, 'junit.xml')];
  await writeFile(files[0], `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(files[1], reportHtml(report));
  await writeFile(files[2], junitXml(report));
  opts.stdout.write(summaryText(report));
  opts.stdout.write(`\nreports: ${files.join(', ')}\n`);
  return { exitCode: report.passed ? 0 : 1, report, files };
}
