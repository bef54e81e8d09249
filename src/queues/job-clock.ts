import { Injectable, Logger } from '@nestjs/common';
import { sleep } from '../common/sleep';
import { realDelayUntil, SandboxClock } from '../sandboxes/sandbox-clock';
import { JobInspector, JobView } from './job-inspector';
import { dueAtOf, JobMeta, OutboxRelay } from './outbox-relay';
import { QueueName } from './queue-names';
import { QueueRegistry } from './queue-registry';

/** What an advance of the clock ran: each due job once per attempt, in due order. */
export interface RanJob {
  id: string;
  queue: string;
  name: string;
  /** When it was due, in sandbox time. */
  due_at: string;
  /** Its state once the attempt was over: completed, failed, or delayed (a retry is due later). */
  state: string;
  attempts_made: number;
}

/** How long an advance waits for one job's attempt (a webhook may take its 5 s timeout), in real ms. */
export const ATTEMPT_WAIT_MS = 30_000;
/** At most this many attempts run in one advance (a year of hourly retries is far below). */
export const MAX_ATTEMPTS_PER_ADVANCE = 10_000;
const POLL_MS = 10;

const IN_FLIGHT = new Set(['committed', 'waiting', 'active', 'prioritized', 'waiting-children']);

/**
 * The jobs side of a sandbox clock: which of a sandbox's delayed jobs are due
 * by a time, running them one attempt at a time through the real workers
 * (promoted, then awaited), and rescheduling the real timers of the rest after
 * the clock moved.
 */
@Injectable()
export class JobClock {
  private readonly logger = new Logger('JobClock');

  constructor(
    private readonly inspector: JobInspector,
    private readonly queues: QueueRegistry,
    private readonly relay: OutboxRelay,
    private readonly clock: SandboxClock,
  ) {}

  /**
   * Runs the company's jobs due at or before `until` (sandbox ms), earliest
   * first. Before each, jobs already waiting or running finish, and the clock
   * is moved to the job's due time (`moveTo`), so every attempt runs at its own
   * time and the retries it schedules are due after it. Answers what ran.
   */
  async runDue(companyId: number, until: number, moveTo: (sandboxMs: number) => Promise<void>): Promise<RanJob[]> {
    const ran: RanJob[] = [];
    while (ran.length < MAX_ATTEMPTS_PER_ADVANCE) {
      const delayed = await this.delayedAfterQuiet(companyId);
      const next = delayed.filter((d) => d.dueAt <= until).sort((a, b) => a.dueAt - b.dueAt || a.view.id.localeCompare(b.view.id))[0];
      if (!next) break;
      const job = await this.queues.get(next.view.queue).getJob(next.view.id);
      if (!job) continue;
      await moveTo(next.dueAt);
      const started = job.attemptsStarted;
      // Its own timer may have moved it already; then it is awaited all the same.
      await job.promote().catch(() => undefined);
      const after = await this.attemptOver(next.view, started);
      ran.push({
        id: next.view.id,
        queue: next.view.queue,
        name: next.view.name,
        due_at: new Date(next.dueAt).toISOString(),
        state: after.state,
        attempts_made: after.attemptsMade,
      });
    }
    return ran;
  }

  /** Runs a delayed job now ("sync now"): due at the sandbox's now, even on a frozen clock. */
  async runNow(companyId: number, queue: QueueName, jobId: string): Promise<void> {
    const job = await this.queues.get(queue).getJob(jobId);
    if (!job) return;
    const meta = (job.data as { _meta?: JobMeta })._meta;
    if (meta) await job.updateData({ ...job.data, _meta: { ...meta, dueAt: (await this.clock.now(companyId)).getTime() } }).catch(() => undefined);
    await job.promote().catch(() => undefined);
  }

  /**
   * After the clock moved, each delayed job of the company fires when the
   * sandbox clock reaches its due time (moved by `shiftMs` first: a reset
   * keeps the time each job still had to wait).
   */
  async reschedule(companyId: number, shiftMs = 0): Promise<void> {
    const state = await this.clock.state(companyId);
    for (const { view, dueAt } of await this.delayed(companyId)) {
      const job = await this.queues.get(view.queue).getJob(view.id);
      if (!job) continue;
      try {
        const due = dueAt + shiftMs;
        const meta = (job.data as { _meta?: JobMeta })._meta;
        if (shiftMs !== 0 && meta) await job.updateData({ ...job.data, _meta: { ...meta, dueAt: due } });
        await job.changeDelay(realDelayUntil(state, due));
      } catch (err) {
        // It left the delayed set meanwhile (its timer fired, or it was removed): nothing to move.
        this.logger.debug(`job ${view.id} not rescheduled: ${(err as Error).message}`);
      }
    }
  }

  /** The company's delayed jobs with their due times, once nothing of it is committed, waiting or running. */
  private async delayedAfterQuiet(companyId: number): Promise<{ view: JobView; dueAt: number }[]> {
    const started = performance.now();
    for (;;) {
      this.relay.wake();
      await this.relay.idle();
      const pending = await this.inspector.pending({ companyId, projectId: null });
      const busy = pending.some((j) => IN_FLIGHT.has(j.state));
      if (!busy || performance.now() - started > ATTEMPT_WAIT_MS) return this.withDue(pending);
      await sleep(POLL_MS);
    }
  }

  private async delayed(companyId: number): Promise<{ view: JobView; dueAt: number }[]> {
    return this.withDue(await this.inspector.pending({ companyId, projectId: null }));
  }

  private withDue(views: JobView[]): { view: JobView; dueAt: number }[] {
    return views
      .filter((v) => v.state === 'delayed')
      .map((view) => ({ view, dueAt: dueAtOf({ data: view.payload, timestamp: Date.parse(view.enqueued_at ?? '') || 0, opts: { delay: view.delay_ms } }) }));
  }

  /** Waits until the attempt started after `started` is over: done, failed, or back in the delayed set. */
  private async attemptOver(view: JobView, started: number): Promise<{ state: string; attemptsMade: number }> {
    const begun = performance.now();
    for (;;) {
      const current = await this.queues.get(view.queue).getJob(view.id);
      if (!current) return { state: 'removed', attemptsMade: view.attempts_made + 1 };
      const state = await current.getState();
      const over = state === 'completed' || state === 'failed' || (state === 'delayed' && current.attemptsStarted > started);
      if (over || performance.now() - begun > ATTEMPT_WAIT_MS) return { state, attemptsMade: current.attemptsMade };
      await sleep(POLL_MS);
    }
  }
}
