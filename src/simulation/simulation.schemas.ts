import { Bool, DateTime, Enum, Id, Int, Named, Nullable, Num, Obj, Str, Type } from '../common/openapi/schema';
import { JOB_NAMES } from '../queues/job-types';
import { PLATFORM_QUEUES, QUEUE_NAMES } from '../queues/queue-names';
import { QueueCounts } from '../queues/queues.schemas';
import { EFFECTS, HTTP_METHODS } from './faults/fault-rule.dto';

/** A fault rule (API.md "A fault rule"), with how often it was evaluated and hit. */
export const FaultRule = Named(
  'FaultRule',
  Obj({
    id: Id,
    target: Enum(['job', 'http']),
    queue: Nullable(Enum(QUEUE_NAMES, { description: 'job: the queue it matches (from `job_name` when only that was given); null: any' })),
    job_name: Nullable(Enum(JOB_NAMES, { description: 'job: the job it matches; null: any' })),
    route: Nullable(Str({ maxLength: 500, description: 'http: the route pattern or `prefix*` it matches; null: any', example: '/rest/v1.0/projects/:project_id/rfis' })),
    method: Nullable(Enum(HTTP_METHODS, { description: 'http: the method it matches; null: any' })),
    project_id: Nullable(Id),
    user_id: Nullable(Id),
    effect: Enum(EFFECTS),
    status: Nullable(Int({ minimum: 400, maximum: 599, description: 'http_error: the status answered' })),
    delay_ms: Nullable(Int({ minimum: 0, maximum: 600_000, description: 'delay and stall: milliseconds' })),
    probability: Num({ minimum: 0, maximum: 1, description: 'Chance that a matching job or request is hit' }),
    count: Nullable(Int({ minimum: 1, maximum: 1_000_000, description: 'Hit at most this many times; null: no limit' })),
    remaining: Nullable(Int({ minimum: 0, description: 'Hits left; null: no limit' })),
    seed: Int({ minimum: 0, maximum: 2_147_483_647, description: "Seed of the rule's draws (the sandbox's seed unless given)" }),
    evaluations: Int({ minimum: 0, description: 'Matching jobs or requests it was drawn for' }),
    hits: Int({ minimum: 0, description: 'Of those, how many it hit' }),
    active: Bool({ description: 'False once it expired or has no hits left' }),
    expires_at: Nullable(DateTime),
    created_at: DateTime,
  }),
);

const TRUE = Type.Unsafe<true>({ type: 'boolean', enum: [true] });
const FALSE = Type.Unsafe<false>({ type: 'boolean', enum: [false] });

/** The simulated load of a sandbox, and the queues as they are now. */
export const LoadState = Named(
  'LoadState',
  Type.Union(
    [
      Obj({ active: FALSE, queues: QueueCounts }, { description: 'No simulated load' }),
      Obj(
        {
          active: TRUE,
          backlog_jobs: Int({ minimum: 0, maximum: 100_000, description: 'Synthetic jobs queued when the load started' }),
          worker_slowdown: Num({ minimum: 1, maximum: 100, description: 'How many times slower workers are' }),
          http_503_rate: Num({ minimum: 0, maximum: 1, description: 'Share of requests answered 503 `system_overloaded`' }),
          project_id: Nullable(Id),
          queue: Enum([...PLATFORM_QUEUES, 'all'], { description: 'Where the backlog was queued' }),
          seed: Int({ minimum: 0, maximum: 2_147_483_647, description: "The sandbox's seed, which draws the refusals" }),
          started_at: DateTime,
          queues: QueueCounts,
        },
        { description: 'Simulated load is on' },
      ),
    ],
    { description: '`active` says whether simulated load is on; `queues` counts jobs per queue and state over every sandbox' },
  ),
);
