import { ArrayOf, DateTime, Enum, Id, Int, Named, Nullable, Obj, Str, Type } from '../common/openapi/schema';
import { TIMELINE_RESOURCES } from './timeline-resources';

export const TIMELINE_KINDS = ['change', 'job', 'webhook', 'device'] as const;

export const TimelineEntry = Named(
  'TimelineEntry',
  Obj({
    at: { ...DateTime, description: 'When it happened (sandbox time for changes, deliveries and syncs; the server clock for job phases)' },
    kind: Enum(TIMELINE_KINDS, { description: '`change`: a write to the item (or a reply, an attachment of it); `job`: a background job behind it; `webhook`: a delivery of one of its changes; `device`: a device syncing it or writing it offline' }),
    title: Str({ example: 'RFIs #5 update → version 3, by Sam Okafor' }),
    status: Enum(['done', 'waiting', 'running', 'failed', 'retrying'], { description: 'Whether this step is over, still to come, or went wrong' }),
    since_previous_ms: Nullable(Int({ minimum: 0, description: 'Time since the entry before it' })),
    since_first_ms: Int({ minimum: 0, description: 'Time since the first entry' }),
    // open on purpose: a change, a job, a delivery and a device sync each carry their own facts
    details: Type.Unsafe<Record<string, unknown>>({
      type: 'object',
      additionalProperties: true,
      description: 'What the entry is made of: for a change its id, version, actor and `changed` fields (null when the log holds no earlier state of the item, as for seeded items); for a job its name, state, attempts, drawn delay and phases; for a delivery its hook, attempts and answers; for a device its key, user and sync',
    }),
  }),
);

export const ItemTimeline = Named(
  'ItemTimeline',
  Obj({
    resource: Enum(TIMELINE_RESOURCES),
    resource_id: Id,
    project_id: Id,
    now: { ...DateTime, description: "The sandbox's time when it was read" },
    entries: ArrayOf(TimelineEntry, { description: 'Oldest first' }),
    waiting: Int({ minimum: 0, description: 'How many entries are not over yet (jobs queued or running, deliveries retrying, devices not synced)' }),
    first_change_id: Nullable(Type.Integer({ minimum: 1 })),
  }),
);

export const TimelineQuery = {
  project_id: { schema: Id, required: true, description: 'The project of the item' },
  resource: { schema: Enum(TIMELINE_RESOURCES), required: true, description: 'What the item is' },
  resource_id: { schema: Id, required: true, description: 'Its id' },
} as const;

export { Str };
