import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS } from '../redis/redis.module';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Job, JobType } from 'bullmq';
import { DataSource } from 'typeorm';
import { AppError } from '../common/errors';
import type { JobMeta } from './outbox-relay';
import { dueAtOf, OutboxRelay, parseOpenMember } from './outbox-relay';
import { JobName, JOB_SPECS } from './job-types';
import { QUEUE_NAMES, QueueName } from './queue-names';
import { QueueRegistry } from './queue-registry';
import { realTime } from '../sandboxes/sandbox-clock';

export interface JobScope {
  companyId: number | null;
  projectId: number | null;
}

export interface JobView {
  id: string;
  queue: QueueName;
  name: string;
  state: string;
  project_id: number | null;
  attempts_made: number;
  attempts_max: number;
  delay_ms: number;
  /** When the job (or its next attempt) is due, in its sandbox's time. */
  due_at: string | null;
  enqueued_at: string | null;
  processed_at: string | null;
  finished_at: string | null;
  /** The worker process that took the job last (`<name>/<pid>@<host>`), null until one did. */
  processed_by: string | null;
  error: string | null;
  result: unknown;
  payload: Record<string, unknown>;
}

const VISIBLE: JobType[] = ['waiting', 'delayed', 'active', 'prioritized', 'waiting-children', 'failed', 'completed'];

function dueAtIso(job: Job): string | null {
  return (job.data as { _meta?: JobMeta })?._meta ? new Date(dueAtOf(job)).toISOString() : null;
}

function matches(scope: JobScope, data: { companyId?: number; projectId?: number | null }): boolean {
  if (scope.companyId !== null && data.companyId !== scope.companyId) return false;
  if (scope.projectId !== null && data.projectId !== scope.projectId) return false;
  return true;
}

/** What is queued, running, failed and done, for `/_sim/jobs`, settle and diagnose. */
@Injectable()
export class JobInspector {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly queues: QueueRegistry,
    private readonly relay: OutboxRelay,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  async list(scope: JobScope, states: JobType[] = VISIBLE, limit = 500): Promise<JobView[]> {
    const outbox: { id: string; queue: QueueName; name: string; project_id: number | null; payload: Record<string, unknown>; created_at: Date }[] =
      await this.db.query(
        `SELECT id, queue, name, project_id, payload, created_at FROM outbox
          WHERE relayed_at IS NULL AND ($1::int IS NULL OR company_id = $1) AND ($2::int IS NULL OR project_id = $2)
          ORDER BY id LIMIT $3`,
        [scope.companyId, scope.projectId, limit],
      );
    const views: JobView[] = outbox.map((o) => ({
      id: `ob-${o.id}`,
      queue: o.queue,
      name: o.name,
      state: 'committed',
      project_id: o.project_id,
      attempts_made: 0,
      attempts_max: 0,
      delay_ms: 0,
      due_at: null,
      enqueued_at: o.created_at.toISOString(),
      processed_at: null,
      finished_at: null,
      processed_by: null,
      error: null,
      result: null,
      payload: o.payload,
    }));
    for (const queue of QUEUE_NAMES) {
      const q = this.queues.get(queue);
      for (const state of states) {
        const jobs: Job[] = await q.getJobs([state], 0, limit - 1);
        for (const job of jobs) {
          if (!job || !matches(scope, job.data)) continue;
          const { _meta, ...payload } = job.data as Record<string, unknown> & { _meta?: JobMeta };
          views.push({
            id: String(job.id),
            queue,
            name: job.name,
            state,
            project_id: (job.data.projectId as number | null) ?? null,
            attempts_made: job.attemptsMade,
            attempts_max: job.opts.attempts ?? 1,
            delay_ms: _meta?.delayMs ?? job.opts.delay ?? 0,
            due_at: dueAtIso(job),
            enqueued_at: new Date(job.timestamp).toISOString(),
            processed_at: job.processedOn ? new Date(job.processedOn).toISOString() : null,
            finished_at: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
            processed_by: job.processedBy ?? null,
            error: job.failedReason || null,
            result: job.returnvalue ?? null,
            payload,
          });
        }
      }
    }
    return views;
  }

  /** Waiting and delayed jobs per queue (all sandboxes: the workers are shared). */
  async backlog(): Promise<Record<QueueName, number>> {
    const entries = await Promise.all(
      QUEUE_NAMES.map(async (q) => {
        const c = await this.queues.get(q).getJobCounts('waiting', 'delayed', 'prioritized');
        return [q, (c.waiting ?? 0) + (c.delayed ?? 0) + (c.prioritized ?? 0)] as const;
      }),
    );
    return Object.fromEntries(entries) as Record<QueueName, number>;
  }

  /**
   * Jobs of the scope that are committed but not yet queued, or queued and not
   * done. Each open job is asked for its own state (atomic per job): a scan of
   * the state lists could miss a job moving between them (a retry goes from
   * active back to delayed).
   */
  async pending(scope: JobScope): Promise<JobView[]> {
    const committed = (await this.list(scope, [])).filter((j) => j.state === 'committed');
    const companies: number[] =
      scope.companyId !== null ? [scope.companyId] : (await this.db.query('SELECT id FROM companies')).map((r: { id: number }) => r.id);
    const open: JobView[] = [];
    for (const companyId of companies) {
      const key = this.relay.openKey(companyId);
      for (const member of await this.redis.smembers(key)) {
        const m = parseOpenMember(member);
        if (scope.projectId !== null && m.projectId !== scope.projectId) continue;
        const job = await this.queues.get(m.queue).getJob(m.jobId);
        const state = job ? await job.getState() : 'unknown';
        if (!job || state === 'completed' || state === 'failed' || state === 'unknown') {
          await this.redis.srem(key, member);
          continue;
        }
        open.push({
          id: m.jobId,
          queue: m.queue,
          name: job.name,
          state,
          project_id: m.projectId,
          attempts_made: job.attemptsMade,
          attempts_max: job.opts.attempts ?? 1,
          delay_ms: job.opts.delay ?? 0,
          due_at: dueAtIso(job),
          enqueued_at: new Date(job.timestamp).toISOString(),
          processed_at: job.processedOn ? new Date(job.processedOn).toISOString() : null,
          finished_at: null,
          processed_by: job.processedBy ?? null,
          error: job.failedReason || null,
          result: null,
          payload: job.data,
        });
      }
    }
    // A row relayed between the two reads shows in both: the queue's state is the newer.
    const queued = new Set(open.map((j) => j.id));
    return [...committed.filter((j) => !queued.has(j.id)), ...open];
  }

  /**
   * Waits until nothing of the scope is committed, queued or running (a timer
   * waiting for its time, such as an expiry, is not work to wait for); answers
   * what ran meanwhile. On timeout: 408 `settle_timeout` naming the stuck jobs.
   */
  async settle(scope: JobScope, timeoutMs: number): Promise<Record<string, unknown>> {
    const started = performance.now();
    // BullMQ stamps jobs with real time: what finished while waiting is what finished after this
    const since = realTime();
    let pending: JobView[] = [];
    // Settled only when two reads in a row find nothing: a job that finished
    // during the first read (after its outbox rows were read) has committed the
    // jobs it queued, and the second read finds them, queued or not yet relayed.
    let quiet = 0;
    for (;;) {
      this.relay.wake();
      await this.relay.idle();
      pending = (await this.pending(scope)).filter((j) => !(j.state === 'delayed' && JOB_SPECS[j.name as JobName]?.timer));
      if (pending.length === 0 && ++quiet >= 2) break;
      if (pending.length === 0) continue;
      quiet = 0;
      if (performance.now() - started >= timeoutMs) {
        throw new AppError('settle_timeout', `Jobs are still pending after ${timeoutMs} ms.`, {
          timeout_ms: timeoutMs,
          pending: pending.slice(0, 20).map((j) => ({ id: j.id, queue: j.queue, name: j.name, state: j.state, attempts_made: j.attempts_made, error: j.error })),
        });
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const done = (await this.list(scope, ['completed', 'failed'])).filter((j) => j.finished_at && Date.parse(j.finished_at) >= since - 5);
    return { settled: true, waited_ms: Math.round(performance.now() - started), ran: done };
  }
}
