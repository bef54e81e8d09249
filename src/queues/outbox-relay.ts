import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type Redis from 'ioredis';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { atMost } from '../common/sleep';
import { AppConfig } from '../config/app-config';
import { REDIS } from '../redis/redis.module';
import { clockNow, realDelayUntil, SandboxClock } from '../sandboxes/sandbox-clock';
import { SandboxSettings, withDefaults } from '../sandboxes/sandbox-settings';
import { JobName, JOB_SPECS } from './job-types';
import { OUTBOX_CHANNEL } from './jobs.service';
import { backoffFor, latencyOf, sampleDelay } from './latency';
import type { PlatformQueue, QueueName } from './queue-names';
import { QueueRegistry } from './queue-registry';

interface OutboxRow {
  id: string;
  company_id: number;
  project_id: number | null;
  /** Only the platform's queues take jobs through the outbox. */
  queue: PlatformQueue;
  name: JobName;
  payload: Record<string, unknown>;
  /** A timer's due time (sandbox time); null for a job due after its latency delay. */
  due_at: Date | null;
}

/** What the relay adds to every job beside its payload. */
export interface JobMeta {
  outboxId: number;
  backoffCapMs: number;
  /** Sandbox time (epoch ms) when the job was queued. */
  enqueuedAt: number;
  delayMs: number;
  /**
   * Sandbox time (epoch ms) when the job is due: when it was queued plus its
   * delay, and after a failure, when it failed plus its backoff. Advancing the
   * sandbox clock runs the jobs whose due time it passes.
   */
  dueAt?: number;
}

/** A job's due time in its sandbox's time (a job queued before sandbox clocks: BullMQ's real due time). */
export function dueAtOf(job: { data: unknown; timestamp: number; delay?: number; opts: { delay?: number } }): number {
  const meta = (job.data as { _meta?: JobMeta } | undefined)?._meta;
  return meta?.dueAt ?? job.timestamp + (job.delay ?? job.opts.delay ?? 0);
}

const BATCH = 1000;

export function openMember(projectId: number | null, queue: QueueName, jobId: string): string {
  return `${projectId ?? 0}|${queue}|${jobId}`;
}

export function parseOpenMember(member: string): { projectId: number | null; queue: QueueName; jobId: string } {
  const [project, queue, jobId] = member.split('|');
  return { projectId: project === '0' ? null : Number(project), queue: queue as QueueName, jobId };
}
const SWEEP_MS = 1000;

/**
 * Moves committed outbox rows to BullMQ: woken by NOTIFY at commit and by a
 * sweep every second. Rows are claimed with SKIP LOCKED, so any number of
 * processes relay without doubles, and the BullMQ job id is the outbox id, so a
 * row relayed twice after a crash is still one job. Each job gets its delay
 * from the sandbox's latency profile, drawn from its seeded sequence.
 */
@Injectable()
export class OutboxRelay implements OnApplicationShutdown {
  private readonly logger = new Logger('OutboxRelay');
  private listener: Client | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  /** When the last warning was logged (monotonic ms), so that a failing relay logs every 10 s at most. */
  private lastWarning = -Infinity;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly queues: QueueRegistry,
    private readonly config: AppConfig,
    private readonly clock: SandboxClock,
  ) {}

  async start(): Promise<void> {
    if (this.timer) return;
    this.stopped = false;
    this.timer = setInterval(() => this.wake(), SWEEP_MS);
    this.timer.unref();
    try {
      this.listener = new Client({ connectionString: this.config.databaseUrl });
      this.listener.on('notification', () => this.wake());
      this.listener.on('error', (err) => this.warn(`listener: ${err.message}`));
      await this.listener.connect();
      await this.listener.query(`LISTEN ${OUTBOX_CHANNEL}`);
    } catch (err) {
      this.warn(`LISTEN failed, relaying on the sweep only: ${(err as Error).message}`);
    }
    this.wake();
  }

  /** Relays now (and again after the current pass if one is running). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((err: Error) => this.warn(`relay pass failed, rows stay in the outbox: ${err.message}`))
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  /** Waits for the relay pass in progress (tests, settle). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    for (;;) {
      const moved = await this.db.transaction(async (m) => {
        const rows: OutboxRow[] = await m.query(
          `SELECT id, company_id, project_id, queue, name, payload, due_at FROM outbox
            WHERE relayed_at IS NULL ORDER BY id LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`,
        );
        if (rows.length === 0) return 0;
        const companies = [...new Set(rows.map((r) => r.company_id))];
        const settings = await this.settingsOf(m.query.bind(m), companies);
        // Each job is due in its sandbox's time: now there plus its delay (a timer: at its own due time).
        const clocks = new Map(await Promise.all(companies.map(async (c) => [c, await this.clock.state(c)] as const)));
        const nows = new Map([...clocks].map(([c, state]) => [c, clockNow(state)] as const));
        const byQueue = new Map<QueueName, Parameters<ReturnType<QueueRegistry['get']>['addBulk']>[0]>();
        // One INCRBY per (sandbox, queue) reserves the sequence numbers of the whole batch, in outbox order.
        const streams = new Map<string, { key: string; count: number; next: number }>();
        // Timers draw no delay: they leave the sequence of the other jobs as it was.
        for (const row of rows.filter((r) => r.due_at === null)) {
          const key = this.sequenceKey(row.company_id, row.queue);
          const stream = streams.get(key) ?? { key, count: 0, next: 0 };
          stream.count += 1;
          streams.set(key, stream);
        }
        const reserve = this.redis.multi();
        for (const stream of streams.values()) reserve.incrby(stream.key, stream.count);
        const reserved = await reserve.exec();
        [...streams.values()].forEach((stream, i) => (stream.next = Number(reserved?.[i]?.[1] ?? stream.count) - stream.count + 1));
        for (const row of rows) {
          const s = settings.get(row.company_id) ?? withDefaults(null, 0);
          const now = nows.get(row.company_id)!;
          let dueAt: number;
          let delay: number;
          if (row.due_at === null) {
            delay = sampleDelay(latencyOf(s, row.queue), s.seed, row.queue, streams.get(this.sequenceKey(row.company_id, row.queue))!.next++);
            dueAt = now + delay;
          } else {
            // BullMQ's timer is real time: on a frozen clock a timer comes up to be looked at again (and is held back).
            dueAt = row.due_at.getTime();
            delay = realDelayUntil(clocks.get(row.company_id)!, dueAt);
          }
          const spec = JOB_SPECS[row.name];
          const backoff = backoffFor(s, spec.backoff);
          const meta: JobMeta = {
            outboxId: Number(row.id),
            backoffCapMs: backoff.capMs,
            enqueuedAt: now,
            delayMs: Math.max(0, dueAt - now),
            dueAt,
          };
          const list = byQueue.get(row.queue) ?? [];
          list.push({
            name: row.name,
            data: { ...row.payload, _meta: meta },
            opts: {
              jobId: `ob-${row.id}`,
              delay,
              attempts: spec.attempts,
              backoff: { type: 'sim', delay: backoff.baseMs },
              removeOnComplete: { age: 3600, count: 5000 },
              removeOnFail: { age: 7 * 86400 },
            },
          });
          byQueue.set(row.queue, list);
        }
        for (const [queue, jobs] of byQueue) await this.queues.get(queue).addBulk(jobs);
        // Open jobs per company, for settle: each is checked by its own state until it is done.
        const open = this.redis.multi();
        for (const row of rows) open.sadd(this.openKey(row.company_id), openMember(row.project_id, row.queue, `ob-${row.id}`));
        await open.exec();
        await m.query(
          `UPDATE outbox o SET relayed_at = v.at, job_id = 'ob-' || o.id FROM unnest($1::bigint[], $2::timestamptz[]) AS v(id, at) WHERE o.id = v.id`,
          [rows.map((r) => r.id), rows.map((r) => new Date(nows.get(r.company_id)!))],
        );
        return rows.length;
      });
      if (moved < BATCH) return;
    }
  }

  /** The set of a company's jobs that were queued and may not be done yet. */
  openKey(companyId: number): string {
    return `${this.config.redisPrefix}:open:${companyId}`;
  }

  /** The per-sandbox, per-queue sequence that makes delays reproducible. */
  sequenceKey(companyId: number, queue: QueueName): string {
    return `${this.config.redisPrefix}:latseq:${companyId}:${queue}`;
  }

  /** Starts a sandbox's delay sequences again (reset, new seed). */
  async resetSequences(companyId: number): Promise<void> {
    const keys = (['budget', 'sync', 'uploads', 'webhooks'] as QueueName[]).map((q) => this.sequenceKey(companyId, q));
    await this.redis.del(...keys).catch(() => undefined);
  }

  private async settingsOf(query: (sql: string, params?: unknown[]) => Promise<unknown>, companyIds: number[]): Promise<Map<number, SandboxSettings>> {
    const rows = (await query('SELECT company_id, settings, seed FROM sandboxes WHERE company_id = ANY($1::int[])', [companyIds])) as {
      company_id: number;
      settings: Partial<SandboxSettings>;
      seed: number;
    }[];
    return new Map(rows.map((r) => [r.company_id, withDefaults(r.settings, r.seed)]));
  }

  private warn(message: string): void {
    if (performance.now() - this.lastWarning < 10_000) return;
    this.lastWarning = performance.now();
    this.logger.warn(message);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await atMost(this.idle(), 5000);
    await atMost(this.listener?.end().catch(() => undefined) ?? Promise.resolve(), 2000);
    this.listener = null;
  }
}
