import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { Job } from 'bullmq';
import type Redis from 'ioredis';
import { AppError } from '../common/errors';
import { AppConfig } from '../config/app-config';
import { HookVerdict, JobHook, JobHooks } from '../queues/job-hooks';
import { JobProcessors } from '../queues/job-processors';
import { uniform01 } from '../queues/latency';
import { PLATFORM_QUEUES, PlatformQueue, QueueName } from '../queues/queue-names';
import { QueueRegistry } from '../queues/queue-registry';
import { REDIS } from '../redis/redis.module';
import type { SimScope } from '../sandboxes/sim-access';
import { SimScopes } from '../sandboxes/sim-scopes';
import { sleep } from '../common/sleep';
import { randomUUID } from 'node:crypto';
import { SandboxClock } from '../sandboxes/sandbox-clock';

export interface LoadState {
  backlog_jobs: number;
  worker_slowdown: number;
  http_503_rate: number;
  project_id: number | null;
  queue: PlatformQueue | 'all';
  seed: number;
  started_at: string;
}

/** Extra time a slowed worker spends on every job, per unit of slowdown above 1. */
export const SLOWDOWN_STEP_MS = 50;
/** What one synthetic job costs a worker. */
export const SYNTHETIC_WORK_MS = 20;
const CACHE_MS = 500;

/**
 * Simulated system load for a sandbox: a real backlog of synthetic jobs on the
 * shared queues (so the sandbox's own jobs really wait behind them), workers that
 * take longer per job, and a seeded share of requests refused with 503.
 */
@Injectable()
export class LoadService implements JobHook, OnModuleInit {
  private readonly cache = new Map<number, { at: number; state: LoadState | null }>();

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
    private readonly queues: QueueRegistry,
    private readonly hooks: JobHooks,
    private readonly processors: JobProcessors,
    private readonly scopes: SimScopes,
    private readonly clock: SandboxClock,
  ) {}

  onModuleInit(): void {
    this.hooks.register(this);
    this.processors.register('sim.synthetic', async (payload) => {
      await sleep(payload.workMs);
      return { synthetic: true };
    });
  }

  private key(companyId: number): string {
    return `${this.config.redisPrefix}:load:${companyId}`;
  }

  async start(scope: SimScope | undefined, input: { backlog_jobs: number; worker_slowdown: number; http_503_rate: number; project_id?: number; sandbox_id?: number; queue?: PlatformQueue }): Promise<Record<string, unknown>> {
    const { companyId, seed } = await this.company(scope, input.sandbox_id, input.project_id);
    const state: LoadState = {
      backlog_jobs: input.backlog_jobs,
      worker_slowdown: input.worker_slowdown,
      http_503_rate: input.http_503_rate,
      project_id: input.project_id ?? null,
      queue: input.queue ?? 'all',
      seed,
      started_at: (await this.clock.now(companyId)).toISOString(),
    };
    await this.redis.set(this.key(companyId), JSON.stringify(state));
    await this.redis.del(`${this.key(companyId)}:n`);
    this.cache.delete(companyId);
    const targets: PlatformQueue[] = state.queue === 'all' ? [...PLATFORM_QUEUES] : [state.queue];
    const batch = randomUUID().slice(0, 8);
    for (let offset = 0; offset < state.backlog_jobs; offset += 1000) {
      const byQueue = new Map<QueueName, { name: string; data: Record<string, unknown>; opts: Record<string, unknown> }[]>();
      for (let i = offset; i < Math.min(state.backlog_jobs, offset + 1000); i++) {
        const queue = targets[i % targets.length];
        const list = byQueue.get(queue) ?? [];
        list.push({
          name: 'sim.synthetic',
          data: { companyId, projectId: state.project_id, workMs: SYNTHETIC_WORK_MS, synthetic: true },
          opts: { jobId: `syn-${companyId}-${batch}-${i}`, removeOnComplete: true, removeOnFail: true, attempts: 1 },
        });
        byQueue.set(queue, list);
      }
      for (const [queue, jobs] of byQueue) await this.queues.get(queue).addBulk(jobs);
    }
    return this.view(companyId);
  }

  async stop(scope: SimScope | undefined, sandboxId?: number): Promise<void> {
    const { companyId } = await this.company(scope, sandboxId, undefined);
    await this.redis.del(this.key(companyId), `${this.key(companyId)}:n`);
    this.cache.delete(companyId);
    // The backlog goes with the load: waiting synthetic jobs of the sandbox are removed.
    for (const queue of PLATFORM_QUEUES) {
      const q = this.queues.get(queue);
      for (let start = 0; ; start += 1000) {
        const jobs: Job[] = await q.getJobs(['waiting', 'delayed', 'prioritized'], start, start + 999);
        if (!jobs.length) break;
        await Promise.all(jobs.filter((j) => j?.name === 'sim.synthetic' && j.data.companyId === companyId).map((j) => j.remove().catch(() => undefined)));
        if (jobs.length < 1000) break;
      }
    }
  }

  async get(scope: SimScope | undefined, sandboxId?: number): Promise<Record<string, unknown>> {
    const { companyId } = await this.company(scope, sandboxId, undefined);
    return this.view(companyId);
  }

  async stateOf(companyId: number): Promise<LoadState | null> {
    const hit = this.cache.get(companyId);
    if (hit && performance.now() - hit.at < CACHE_MS) return hit.state;
    const raw = await this.redis.get(this.key(companyId)).catch(() => null);
    const state = raw ? (JSON.parse(raw) as LoadState) : null;
    this.cache.set(companyId, { at: performance.now(), state });
    return state;
  }

  /** Slowed workers: every job of a loaded sandbox takes longer. */
  async before(job: Job): Promise<HookVerdict> {
    const companyId = (job.data as { companyId?: number }).companyId;
    // Synthetic users are not workers: their pace is their run's, not the load's.
    if (typeof companyId !== 'number' || job.name === 'sim.activity') return { run: true };
    const state = await this.stateOf(companyId);
    if (state && state.worker_slowdown > 1) await sleep(Math.round((state.worker_slowdown - 1) * SLOWDOWN_STEP_MS));
    return { run: true };
  }

  /** Whether this request is one of the refused share (seeded: same seed and steps, same refusals). */
  async refuses(companyId: number, projectId: number | null): Promise<LoadState | null> {
    const state = await this.stateOf(companyId);
    if (!state || state.http_503_rate <= 0) return null;
    if (state.project_id !== null && state.project_id !== projectId) return null;
    const n = await this.redis.incr(`${this.key(companyId)}:n`).catch(() => 0);
    return uniform01(state.seed, 'load503', n) < state.http_503_rate ? state : null;
  }

  private async view(companyId: number): Promise<Record<string, unknown>> {
    const state = await this.stateOf(companyId);
    const counts = await this.queues.counts();
    return { active: state !== null, ...(state ?? {}), queues: counts };
  }

  private company(scope: SimScope | undefined, sandboxId: number | undefined, projectId: number | undefined): Promise<{ companyId: number; seed: number }> {
    return this.scopes.target(scope, { sandboxId, projectId });
  }

}
