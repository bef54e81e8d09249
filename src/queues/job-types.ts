import type { QueueName } from './queue-names';

/** Every job carries the tenant it belongs to; the rest are ids, the processor reloads state. */
export interface JobScope {
  companyId: number;
  projectId: number | null;
}

/** One payload per job name (string constants: renaming a class never orphans queued jobs). */
export interface JobPayloads {
  'webhooks.deliver': JobScope & { deliveryId: number };
  /** Delivers the changes a device has not seen yet (its sync). */
  'sync.device': JobScope & { deviceId: number };
  /** Applies, in order, the writes a device queued while offline. */
  'sync.replay': JobScope & { deviceId: number };
  /** Checks a received attachment (checksum, type) and makes it `ready` for everyone. */
  'uploads.process-attachment': JobScope & { uploadId: number };
  /** Removes the files of deleted uploads (by the tombstones their deletion left; any sweep takes them all). */
  'uploads.remove-content': JobScope;
  /** Deletes a segmented upload whose time is up, with its segments (due at its `expires_at`, sandbox time). */
  'uploads.expire-segmented': JobScope & { segmentedUploadId: number };
  /** Rebuilds a project's budget snapshot from its rows (deduplicated: one rebuild covers every revision before it). */
  'budget.recalculate': JobScope & { projectId: number };
  /** Carries a commitment, change order, direct cost or invoice change to the budget (a new revision, then a recalculation). */
  'sync.contracts-to-budget': JobScope & { projectId: number; resource: string; resourceId: number };
  /** Simulated load: a job that only takes time, queued in bulk to make a real backlog. */
  'sim.synthetic': JobScope & { workMs: number; synthetic: true };
  /** Simulated activity: one action of a run, by one synthetic user, over HTTP (it queues the next). */
  'sim.activity': JobScope & { runId: string; index: number };
}

export type JobName = keyof JobPayloads;
export type JobOf<N extends JobName> = JobPayloads[N];

export interface JobSpec {
  queue: QueueName;
  /** Attempts before the job lands in the failed set. */
  attempts: number;
  /** Exponential backoff: base × 2^(attempt−1), capped; the instant profile scales it to milliseconds. */
  backoff: { baseMs: number; capMs: number };
  /**
   * A timer: due at a time its feature sets (`Jobs.enqueue`'s `dueAt`, sandbox
   * time), not after the latency profile's delay. Settle does not wait for one
   * while it is delayed (advancing the clock runs it when its time comes).
   */
  timer?: true;
}

/** Retry, backoff and queue of every job, in one place. */
export const JOB_SPECS: { [N in JobName]: JobSpec } = {
  // API.md: 5 s timeout, exponential backoff from 1 s to 1 h, discarded after 12 h.
  'webhooks.deliver': { queue: 'webhooks', attempts: 30, backoff: { baseMs: 1000, capMs: 3_600_000 } },
  'sync.device': { queue: 'sync', attempts: 10, backoff: { baseMs: 1000, capMs: 60_000 } },
  'sync.replay': { queue: 'sync', attempts: 10, backoff: { baseMs: 1000, capMs: 60_000 } },
  'uploads.process-attachment': { queue: 'uploads', attempts: 3, backoff: { baseMs: 2000, capMs: 60_000 } },
  'uploads.remove-content': { queue: 'uploads', attempts: 5, backoff: { baseMs: 1000, capMs: 60_000 } },
  'uploads.expire-segmented': { queue: 'uploads', attempts: 5, backoff: { baseMs: 1000, capMs: 60_000 }, timer: true },
  'budget.recalculate': { queue: 'budget', attempts: 5, backoff: { baseMs: 1000, capMs: 30_000 } },
  'sync.contracts-to-budget': { queue: 'sync', attempts: 10, backoff: { baseMs: 1000, capMs: 60_000 } },
  'sim.synthetic': { queue: 'sync', attempts: 1, backoff: { baseMs: 1000, capMs: 1000 } },
  'sim.activity': { queue: 'activity', attempts: 3, backoff: { baseMs: 1000, capMs: 1000 } },
};

export const JOB_NAMES = Object.keys(JOB_SPECS) as JobName[];
