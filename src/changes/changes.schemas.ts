import { DateTime, Enum, Id, Int, Named, Nullable, Obj, Str, Type } from '../common/openapi/schema';
import { RESOURCE_NAMES } from './change-log.service';

/** One write as the change log keeps it (`GET /_sim/changes`). */
export const ChangeLogEntry = Named(
  'ChangeLogEntry',
  Obj({
    id: Int({ minimum: 1, description: 'The change id: increasing over the whole log (poll with `after_id`)', example: 1842 }),
    project_id: Nullable(Id),
    resource: Enum(RESOURCE_NAMES, { description: 'What was written (the webhook resource names, and the simulator\'s own)' }),
    resource_id: Id,
    event_type: Enum(['create', 'update', 'delete']),
    version: Int({ minimum: 1, description: 'The version of the item after the write (1 for a record without versions)', example: 3 }),
    // open on purpose: a snapshot is a row of whichever table was written, its columns as stored
    snapshot: Type.Unsafe<Record<string, unknown>>({
      type: 'object',
      additionalProperties: true,
      description: "The row as it was after the write (as it was before, for a delete): the columns of that resource's table as stored (camelCase), secrets left out. Its fields are the resource's own, so the schema leaves them open.",
    }),
    actor_id: Nullable(Type.Integer({ minimum: 1, description: 'The user who made the change; null for the system (a job, the seed)' })),
    request_id: Nullable(Str({ maxLength: 128, description: 'The request that made it (its `X-Request-Id`); null for the system', example: '0f2c6a1e9b7d4c3a' })),
    created_at: DateTime,
  }),
);
