import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Job, MinimalJob, UnrecoverableError, Worker } from 'bullmq';
import { atMost } from '../common/sleep';
import { AppConfig } from '../config/app-config';
import { JobHooks } from './job-hooks';
import { JobProcessors } from './job-processors';
import type { JobMeta } from './outbox-relay';
import { QUEUE_NAMES } from './queue-names';

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
@Injectable()
export class JobWorkers implements OnApplicationShutdown {
  private readonly logger = new Logger('Worker');
  private workers: Worker[] = [];

  constructor(
    private readonly config: AppConfig,
    private readonly processors: JobProcessors,
    private readonly hooks: JobHooks,
  ) {}

  get running(): boolean {
    return this.workers.length > 0;
  }

  async start(concurrency = 8): Promise<void> {
    if (this.workers.length) return;
    this.processors.assertComplete();
    this.workers = QUEUE_NAMES.map(
      (queue) =>
        new Worker(queue, (job) => this.run(job), {
          connection: { url: this.config.redisUrl, maxRetriesPerRequest: null },
          prefix: this.config.redisPrefix,
          concurrency,
          lockDuration: this.config.jobLockMs,
          stalledInterval: Math.max(250, Math.floor(this.config.jobLockMs / 2)),
          maxStalledCount: 2,
          settings: { backoffStrategy: simBackoff },
        }),
    );
    for (const w of this.workers) {
      w.on('error', (err) => this.logger.warn(`${w.name}: ${err.message}`));
      w.on('failed', (job, err) => void this.exhausted(job, err));
    }
    await Promise.all(this.workers.map((w) => w.waitUntilReady()));
  }

  private async run(job: Job): Promise<unknown> {
    const processor = this.processors.get(job.name);
    if (!processor) throw new UnrecoverableError(`no processor for job ${job.name}`);
    const verdict = await this.hooks.before(job);
    if (!verdict.run) return verdict.result;
    return processor(job.data, job);
  }

  /** After the last attempt, the feature records the failure where its users look (never retried from here). */
  private async exhausted(job: Job | undefined, err: Error): Promise<void> {
    if (!job || (err.name !== 'UnrecoverableError' && job.attemptsMade < (job.opts.attempts ?? 1))) return;
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
