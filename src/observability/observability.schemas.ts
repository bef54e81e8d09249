import { Named, Num, Obj, Type } from '../common/openapi/schema';
import { QueueCounts } from '../queues/queues.schemas';

const UP = Type.Unsafe<true>({ type: 'boolean', enum: [true] });
const latency = Num({ minimum: 0, description: 'How long the check took, in milliseconds', example: 1.37 });

/** `GET /health` when every dependency answers (otherwise 503 `service_unavailable`, with the checks in `details.checks`). */
export const Health = Named(
  'Health',
  Obj({
    status: Type.Unsafe<'ok'>({ type: 'string', enum: ['ok'] }),
    checks: Obj({
      postgres: Obj({ ok: UP, latency_ms: latency }, { description: '`SELECT 1` on the database' }),
      redis: Obj({ ok: UP, latency_ms: latency }, { description: '`PING` to Redis' }),
      queues: Obj({ ok: UP, latency_ms: latency, counts: QueueCounts }, { description: 'The job counts of every queue (as `GET /_sim/queues`)' }),
    }),
  }),
);
