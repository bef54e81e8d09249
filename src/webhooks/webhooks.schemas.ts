import { ArrayOf, DateTime, Enum, Id, Int, MapOf, Named, Nullable, Obj, Str, Type, Version } from '../common/openapi/schema';
import { WEBHOOK_RESOURCES } from './dto/webhook.dto';

const EVENT_TYPES = ['create', 'update', 'delete'] as const;


/** One attempt of a delivery. */
const DeliveryAttempt = Named(
  'WebhookDeliveryAttempt',
  Obj({
    attempt: Int({ minimum: 1 }),
    at: { ...DateTime, description: 'When the attempt was made, in sandbox time' },
    response_status: Nullable(Int({ minimum: 100, maximum: 599, description: 'What the destination answered; null when it could not be reached' })),
    error: Nullable(Str({ maxLength: 1000, example: 'destination answered 500' })),
  }),
);
/** A trigger of a hook: which changes it is sent (`mapTrigger`). */
export const WebhookTrigger = Named(
  'WebhookTrigger',
  Obj({
    id: Id,
    resource_name: Enum(WEBHOOK_RESOURCES, { description: 'The reference platform’s resource name' }),
    event_type: Enum(EVENT_TYPES),
    created_at: DateTime,
  }),
);

/** A hook of a project (`mapHook`). */
export const WebhookHook = Named(
  'WebhookHook',
  Obj({
    id: Id,
    project_id: Id,
    namespace: Str({ example: 'my-integration' }),
    destination_url: Str({ maxLength: 2048, description: 'As saved: an http(s) URL whose host the operator allows', example: 'http://127.0.0.1:9000/hooks' }),
    destination_headers: MapOf(Str({ example: '••••' }), 'The names of the headers sent with every delivery; their values are never answered (each shows as `••••`)'),
    triggers: ArrayOf(WebhookTrigger),
    version: Version,
    created_at: DateTime,
    updated_at: DateTime,
  }),
);

/** The body each delivery POSTs to the destination (API.md "Webhooks"). */
export const WebhookEvent = Named(
  'WebhookEvent',
  Obj(
    {
      id: Id,
      ulid: Type.String({ pattern: '^[0-9A-HJKMNP-TV-Z]{26}$', description: 'A ULID of the change’s time', example: '01JDQ7X3T5R8M2K9B4C6V0N1WZ' }),
      timestamp: DateTime,
      company_id: Id,
      project_id: Id,
      user_id: Nullable(Id),
      resource_name: Enum(WEBHOOK_RESOURCES),
      resource_id: Id,
      event_type: Enum(EVENT_TYPES),
      api_version: Enum(['v2']),
    },
    { description: 'Ids only, never content; `id` is the delivery’s id, the same on every attempt (receivers de-duplicate by it)' },
  ),
);

/** One delivery of a change to a hook's destination (`mapDelivery`). */
export const WebhookDelivery = Named(
  'WebhookDelivery',
  Obj({
    id: Id,
    hook_id: Id,
    event: WebhookEvent,
    status: Enum(['queued', 'retrying', 'delivered', 'discarded'], { description: 'Retried with exponential backoff from 1 s to 1 h; discarded after 12 h or when the destination is no longer allowed' }),
    attempts: Int({ minimum: 0, example: 1 }),
    response_status: Nullable(Int({ minimum: 100, maximum: 599, description: 'The status the destination answered last', example: 200 })),
    response_body: Nullable(Str({ maxLength: 1000, description: 'The start of what the destination answered last' })),
    last_error: Nullable(Str({ maxLength: 1000, example: 'destination answered 503' })),
    next_attempt_at: Nullable(DateTime),
    attempt_log: ArrayOf(DeliveryAttempt, { description: 'Every attempt, oldest first, at its sandbox time: the retry schedule as it ran (1 s doubling to 1 h; none after 12 h)' }),
    delivered_at: Nullable(DateTime),
    created_at: DateTime,
    updated_at: DateTime,
  }),
);
