import { Enum, Int, Named, Num, Obj, Str, Type } from '../common/openapi/schema';
import { QueueCounts } from '../queues/queues.schemas';

const UP = Type.Unsafe<true>({ type: 'boolean', enum: [true] });
const latency = Num({ minimum: 0, description: 'How long the check took, in milliseconds', example: 1.37 });

/** `GET /health` when every dependency answers (otherwise 503 `service_unavailable`, with the checks in `details.checks`). */
export const Health = Named(
  'Health',
  Obj({
    status: Type.Unsafe<'ok'>({ type: 'string', enum: ['ok'] }),
    process: Named(
      'ProcessIdentity',
      Obj(
        {
          name: Str({ description: 'The process name (`SIM_PROCESS_NAME`; `api-1`… under `npm start -- --api N`, the role otherwise)', example: 'api-2' }),
          role: Enum(['api', 'worker', 'all'] as const, { description: '`all`: the API with the job workers in one process' }),
          pid: Int({ minimum: 1, example: 4242 }),
          host: Str({ description: 'The host name (a container id under Docker)', example: 'build-box' }),
        },
        { description: 'The process that answered' },
      ),
    ),
    checks: Obj({
      postgres: Obj({ ok: UP, latency_ms: latency }, { description: '`SELECT 1` on the database' }),
      redis: Obj({ ok: UP, latency_ms: latency }, { description: '`PING` to Redis' }),
      queues: Obj({ ok: UP, latency_ms: latency, counts: QueueCounts }, { description: 'The job counts of every queue (as `GET /_sim/queues`)' }),
    }),
  }),
);
