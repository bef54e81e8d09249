import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { DelayedError, Job, MinimalJob, UnrecoverableError, Worker } from 'bullmq';
import { atMost } from '../common/sleep';
import { AppConfig } from '../config/app-config';
import { processIdentity, processLabel } from '../observability/process-identity';
import { clockNow, realTimeFor, SandboxClock } from '../sandboxes/sandbox-clock';
import { JobHooks } from './job-hooks';
import { JobProcessors } from './job-processors';
import { dueAtOf, JobMeta } from './outbox-relay';
import { QUEUE_NAMES } from './queue-names';

/**
 * A job that comes up less than this before its due time in sandbox time runs
 * anyway (clock jitter, and the instant profile's millisecond retries); one due
 * later waits (its sandbox clock is frozen, or behind its real timer).
 */
export const HOLD_TOLERANCE_MS = 100;

/** Exponential backoff from the job's base delay, capped (API.md: webhooks 1 s … 1 h). */
export function simBackoff(attemptsMade: number, type: string | undefined, _err: Error | undefined, job: MinimalJob | undefined): number {
  const base = job?.opts.backoff && typeof job.opts.backoff === 'object' ? (job.opts.backoff.delay ?? 1000) : 1000;
  const cap = (job?.data as { _meta?: JobMeta } | undefined)?._meta?.backoffCapMs ?? 3_600_000;
  void type;
  return Math.min(cap, base * 2 ** Math.max(0, attemptsMade - 1));
}

/**
 * The worker side: one BullMQ worker per queue, dispatching by job name to the
 * registered processors. Any number of these run in any number of processes on
 * one Redis; a job that stalls (its process died) is picked up again.
 */
/** Whether this failure ends the job: unrecoverable, or its last attempt (`made`: attempts counted so far, the running one not yet when called from the processor). */
function isFinal(job: Job, err: Error, made = job.attemptsMade + 1): boolean {
  return !(err instanceof DelayedError) && (err.name === 'UnrecoverableError' || made >= (job.opts.attempts ?? 1));
}

const attemptKey = (job: Job) => `${job.queueName}:${job.id}:${job.attemptsStarted}`;

@Injectable()
export class JobWorkers implements OnApplicationShutdown {
  private readonly logger = new Logger('Worker');
  private workers: Worker[] = [];

  constructor(
    private readonly config: AppConfig,
    private readonly processors: JobProcessors,
    private readonly hooks: JobHooks,
    private readonly clock: SandboxClock,
  ) {}

  get running(): boolean {
    return this.workers.length > 0;
  }

  async start(concurrency = 8): Promise<void> {
    if (this.workers.length) return;
    this.processors.assertComplete();
    // Every job records which process took it last (`processed_by` in /_sim/jobs).
    const name = processLabel(processIdentity(this.config));
    this.workers = QUEUE_NAMES.map(
      (queue) =>
        new Worker(queue, (job, token) => this.run(job, token), {
          connection: { url: this.config.redisUrl, maxRetriesPerRequest: null },
          prefix: this.config.redisPrefix,
          name,
          concurrency,
          lockDuration: this.config.jobLockMs,
          stalledInterval: Math.max(250, Math.floor(this.config.jobLockMs / 2)),
          maxStalledCount: 2,
          settings: { backoffStrategy: simBackoff },
        }),
    );
    for (const w of this.workers) {
      w.on('error', (err) => this.logger.warn(`${w.name}: ${err.message}`));
      // Failures that never reached the processor's catch (a stalled job given up) are recorded here.
      w.on('failed', (job, err) => {
        if (job && this.recorded.delete(attemptKey(job))) return;
        if (job && isFinal(job, err, job.attemptsMade)) void this.record(job, err);
      });
    }
    await Promise.all(this.workers.map((w) => w.waitUntilReady()));
  }

  /** Final failures already recorded by `run` (the `failed` event of the same attempt skips them). */
  private readonly recorded = new Set<string>();

  private async run(job: Job, token: string | undefined): Promise<unknown> {
    const processor = this.processors.get(job.name);
    if (!processor) throw new UnrecoverableError(`no processor for job ${job.name}`);
    if (await this.heldBack(job, token)) throw new DelayedError();
    try {
      const verdict = await this.hooks.before(job);
      if (!verdict.run) return verdict.result;
      return await processor(job.data, job);
    } catch (err) {
      await this.scheduleRetry(job, err as Error);
      // A last failure is recorded before BullMQ marks the job failed, so that whoever waits
      // for the job (settle) finds the failure recorded once it is over.
      if (isFinal(job, err as Error)) {
        this.recorded.add(attemptKey(job));
        await this.record(job, err as Error);
      }
      throw err;
    }
  }

  /**
   * Jobs are due in their sandbox's time. One that comes up before that while
   * its sandbox clock is frozen goes back to wait, without using an attempt,
   * until the clock gets there: advancing the clock runs it (so does
   * `JobClock.runNow`, which makes it due now).
   */
  private async heldBack(job: Job, token: string | undefined): Promise<boolean> {
    const companyId = (job.data as { companyId?: unknown }).companyId;
    if (typeof companyId !== 'number' || !token || (job.data as { _meta?: JobMeta })._meta === undefined) return false;
    const state = await this.clock.state(companyId);
    // A running clock is never behind a job's real timer (it only moves forward, and every move reschedules):
    // a job up early there was promoted on purpose, and runs.
    if (state.frozenAt === null) return false;
    const dueAt = dueAtOf(job);
    if (dueAt - clockNow(state) <= HOLD_TOLERANCE_MS) return false;
    await job.moveToDelayed(realTimeFor(state, dueAt), token);
    return true;
  }

  /** A failed attempt that BullMQ will retry: its next attempt is due after its backoff in sandbox time. */
  private async scheduleRetry(job: Job, err: Error): Promise<void> {
    const meta = (job.data as { _meta?: JobMeta })._meta;
    const companyId = (job.data as { companyId?: unknown }).companyId;
    if (!meta || typeof companyId !== 'number' || err instanceof DelayedError) return;
    if (err.name === 'UnrecoverableError' || job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) return;
    const now = (await this.clock.now(companyId)).getTime();
    const dueAt = now + simBackoff(job.attemptsMade + 1, 'sim', err, job);
    await job.updateData({ ...job.data, _meta: { ...meta, dueAt } }).catch((e: Error) => this.logger.warn(`${job.name} ${job.id}: retry time not recorded: ${e.message}`));
  }

  /** After the last attempt, the feature records the failure where its users look (never retried from here). */
  private async record(job: Job, err: Error): Promise<void> {
    const handler = this.processors.exhaustedHandler(job.name);
    if (!handler) return;
    await handler(job.data, err).catch((e: Error) => this.logger.warn(`${job.name} ${job.id}: recording the failure failed: ${e.message}`));
  }

  async close(): Promise<void> {
    const workers = this.workers;
    this.workers = [];
    // A worker finishes its running jobs first; one that cannot (Redis gone) is closed by force.
    await Promise.all(workers.map(async (w) => (await atMost(w.close(), 10_000)) ?? w.close(true)));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }
}
