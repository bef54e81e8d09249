import { AnyJson, Bool, DateTime, Enum, Id, Int, Named, Nullable, Obj, Str, Type } from '../common/openapi/schema';

/** A device key as `X-Device-Id` carries it (anything else is not a device: 422 on a request, 404 here). */
export const DeviceKey = Type.String({ pattern: '^[A-Za-z0-9._:-]{1,128}$', maxLength: 128, example: 'tablet-1' });

/** A device (`X-Device-Id` of one user) and how far behind it is. */
export const Device = Named(
  'Device',
  Obj({
    id: { ...DeviceKey, description: 'The device key, as sent in `X-Device-Id` (one user may use the same key on each of their devices: one device per user and key)' },
    user_id: Id,
    online: Bool({ description: 'Offline, its writes are kept on the device (202) until it goes online' }),
    synced_at: { ...DateTime, description: 'When it last synced: it reads the project as of then' },
    synced_change_id: Int({ minimum: 0, description: 'The last change-log id it has seen (`GET /_sim/changes`)' }),
    changes_not_seen: Int({ minimum: 0, description: 'Changes of its company written after its last sync' }),
    sync_pending: Bool({ description: 'A sync delivery is queued for it (a `sync.device` job)' }),
    queued_writes: Int({ minimum: 0, description: 'Writes made offline, not yet applied' }),
    conflicts: Int({ minimum: 0, description: 'Offline writes that answered 409 when they were applied' }),
  }),
);

export const DEVICE_WRITE_STATUSES = ['queued', 'applied', 'conflict', 'refused'] as const;

/** A write made while the device was offline, and what it answered when it was applied. */
export const DeviceWrite = Named(
  'DeviceWrite',
  Obj({
    id: Int({ minimum: 1, description: 'The write id (`write_id` of its 202 answer)', example: 7 }),
    method: Enum(['POST', 'PATCH', 'PUT', 'DELETE']),
    url: Str({ maxLength: 2048, description: 'The path and query it was sent to', example: '/rest/v1.0/projects/12/rfis/34' }),
    status: Enum(DEVICE_WRITE_STATUSES, {
      description: '`queued` until the device is back online; then `applied` (2xx), `conflict` (409: the item changed meanwhile) or `refused` (any other answer below 500, such as a 403 for a permission the user no longer has; a 5xx is retried)',
    }),
    response_status: Nullable(Int({ minimum: 100, maximum: 599, description: 'The status it answered when applied' })),
    response: AnyJson(
      "The body it answered when applied (null until then, or when it had none): that endpoint's own answer or error, so any JSON; a body that was not JSON is kept as a string of its first 1000 characters",
    ),
    created_at: DateTime,
    applied_at: Nullable(DateTime),
  }),
);
