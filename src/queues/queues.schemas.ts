import { AnyJson, ArrayOf, DateTime, Enum, Id, Int, Named, Nullable, Obj, Optional, Str, Type } from '../common/openapi/schema';
import { JOB_NAMES } from './job-types';
import { QUEUE_NAMES } from './queue-names';

const count = (state: string) => Int({ minimum: 0, description: `Jobs ${state}` });

/** BullMQ's job counts of one queue, by state. */
export const QueueStateCounts = Named(
  'QueueStateCounts',
  Obj({
    waiting: count('waiting to run'),
    delayed: count('waiting for their delay (the latency profile, or a retry backoff)'),
    active: count('running'),
    completed: count('done (kept for an hour)'),
    failed: count('failed after their last attempt'),
    paused: count('in a paused queue'),
    prioritized: count('waiting with a priority'),
  }),
);

/** Counts per state of every queue (all sandboxes: the workers are shared). */
export const QueueCounts = Named(
  'QueueCounts',
  Obj({ budget: QueueStateCounts, sync: QueueStateCounts, uploads: QueueStateCounts, webhooks: QueueStateCounts, activity: QueueStateCounts }),
);

export const JOB_STATES = ['committed', 'waiting', 'delayed', 'active', 'prioritized', 'waiting-children', 'failed', 'completed'] as const;

/** What a job carries: its tenant, and the id of what it works on (one of them, by job name). */
export const JobPayload = Named(
  'JobPayload',
  Obj({
    companyId: Id,
    projectId: Nullable(Id),
    deliveryId: Optional(Type.Integer({ minimum: 1, description: '`webhooks.deliver`: the delivery to send' })),
    deviceId: Optional(Type.Integer({ minimum: 1, description: '`sync.device` and `sync.replay`: the device (its internal id)' })),
    uploadId: Optional(Type.Integer({ minimum: 1, description: '`uploads.process-attachment`: the upload to check' })),
    segmentedUploadId: Optional(Type.Integer({ minimum: 1, description: '`uploads.expire-segmented`: the segmented upload to delete at its `expires_at`' })),
    resource: Optional(Str({ description: '`sync.contracts-to-budget`: the resource whose change travels to the budget', example: 'Change Orders' })),
    resourceId: Optional(Type.Integer({ minimum: 1, description: '`sync.contracts-to-budget`: its id' })),
    workMs: Optional(Type.Integer({ minimum: 0, description: '`sim.synthetic`: how long the job takes' })),
    synthetic: Optional(Type.Unsafe<true>({ type: 'boolean', enum: [true], description: '`sim.synthetic`: always true' })),
    runId: Optional(Str({ description: '`sim.activity`: the activity run', example: '3f9c2a1b7d4e' })),
    index: Optional(Type.Integer({ minimum: 0, description: '`sim.activity`: the action of the run (its place in the plan)' })),
  }),
);

/** One job as `/_sim/jobs` and settle show it. */
export const Job = Named(
  'Job',
  Obj({
    id: Str({ description: 'The job id: `ob-<outbox id>` for jobs of writes, `syn-…` for simulated backlog, `act-…` for simulated activity', example: 'ob-1842' }),
    queue: Enum(QUEUE_NAMES),
    name: Enum(JOB_NAMES),
    state: Enum(JOB_STATES, { description: '`committed`: written with its change but not yet on a queue; the others are BullMQ states' }),
    project_id: Nullable(Id),
    attempts_made: Int({ minimum: 0 }),
    attempts_max: Int({ minimum: 0, description: 'Attempts before the job fails for good (0 while committed)' }),
    delay_ms: Int({ minimum: 0, description: 'The delay drawn from the latency profile' }),
    due_at: Nullable({ ...DateTime, description: 'When the job (or its next attempt) is due, in its sandbox\'s time; the sandbox clock runs it then (an advance, at once)' }),
    enqueued_at: DateTime,
    processed_at: Nullable(DateTime),
    finished_at: Nullable(DateTime),
    processed_by: Nullable(
      Str({ description: 'The worker process that took the job last, as `<name>/<pid>@<host>` (a job taken over after its worker died names the one that took it over); null until a worker took it', example: 'worker-2/4711@build-box' }),
    ),
    error: Nullable(Str({ description: 'Why the last attempt failed', example: 'connect ECONNREFUSED 127.0.0.1:9' })),
    result: AnyJson("What the job's processor returned (its shape is the processor's own: e.g. `{delivered, status, attempt}` or `{skipped}`), or null"),
    payload: JobPayload,
  }),
);

export const SettleAnswer = Obj({
  settled: Type.Unsafe<true>({ type: 'boolean', enum: [true] }),
  waited_ms: Int({ minimum: 0 }),
  ran: ArrayOf(Job, { description: 'The jobs of the scope that finished (completed or failed) while waiting' }),
});


