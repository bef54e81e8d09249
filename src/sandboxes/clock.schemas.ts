import { ArrayOf, Bool, DateTime, Enum, Int, Named, Num, Obj, Str } from '../common/openapi/schema';
import { QUEUE_NAMES } from '../queues/queue-names';

const clockFields = {
  now: DateTime,
  frozen: Bool({ description: 'Whether time stands still in the sandbox' }),
  offset_seconds: Num({ description: 'Sandbox time minus real time, in seconds (millisecond precision); grows more negative while frozen', example: 172800 }),
};

/** `GET /_sim/sandboxes/{id}/clock` and the answers of freeze and resume. */
export const Clock = Named('SandboxClock', Obj(clockFields));

const ATTEMPT_STATES = ['completed', 'failed', 'delayed', 'waiting', 'active', 'prioritized', 'waiting-children', 'unknown', 'removed'] as const;

/** One attempt an advance ran. */
export const RanJob = Named(
  'ClockRanJob',
  Obj({
    id: Str({ example: 'ob-1842' }),
    queue: Enum(QUEUE_NAMES),
    name: Str({ example: 'webhooks.deliver' }),
    due_at: { ...DateTime, description: 'When the attempt was due, in sandbox time' },
    state: Enum(ATTEMPT_STATES, { description: 'After the attempt: `completed`, `failed` (no attempt left), `delayed` (its retry is due later), `removed`; another state if it was still running after 30 s' }),
    attempts_made: Int({ minimum: 0 }),
  }),
);

/** `POST .../clock/actions/advance`. */
export const AdvancedClock = Named(
  'SandboxClockAdvanced',
  Obj({ ...clockFields, jobs_run: ArrayOf(RanJob, { description: 'The delayed jobs and retries of the sandbox whose time came, one entry per attempt, in due order' }) }),
);
