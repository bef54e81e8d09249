import { AnyJson, ArrayOf, Bool, DateTime, Enum, Id, Int, Named, Nullable, Obj, Optional, Str, Type } from '../common/openapi/schema';
import { DEFAULT_TIMEOUT_MS, NETWORK_LIMITS, NETWORK_PROFILE_NAMES, NETWORK_PROFILES } from './device-network';

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
    queued_photos: Int({ minimum: 0, description: 'Photos the device keeps with those writes: others see them once they are sent and processed' }),
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
    files: ArrayOf(
      Obj({
        part: Str({ description: 'The multipart part it was sent in', example: 'file' }),
        file_name: Str({ maxLength: 1024, example: 'IMG_0412.jpg' }),
        content_type: Str({ description: 'As the device declared it (the type is checked by content when it is sent)', example: 'image/jpeg' }),
        size: Int({ minimum: 0 }),
        held: Bool({ description: 'The device still holds the bytes: until the write is applied, and after a refusal (nothing is lost)' }),
      }),
      { description: 'The files of a photo taken offline, kept on the device with the write; empty for a JSON write' },
    ),
    response_status: Nullable(Int({ minimum: 100, maximum: 599, description: 'The status it answered when applied' })),
    response: AnyJson(
      "The body it answered when applied (null until then, or when it had none): that endpoint's own answer or error, so any JSON; a body that was not JSON is kept as a string of its first 1000 characters",
    ),
    created_at: DateTime,
    applied_at: Nullable(DateTime),
  }),
);

const range = (field: keyof typeof NETWORK_LIMITS, description: string) =>
  Int({ minimum: NETWORK_LIMITS[field].min, maximum: NETWORK_LIMITS[field].max, description });

const profiles = (Object.entries(NETWORK_PROFILES) as [string, { bandwidth_kbps: number; latency_ms: number; timeout_ms: number } | null][])
  .map(([name, n]) => (n ? `\`${name}\` ${n.bandwidth_kbps} kbps, ${n.latency_ms} ms, ${n.timeout_ms} ms timeout` : `\`${name}\` no simulated network`))
  .join('; ');

/** A device's simulated network, as it is set. */
export const NetworkConditionsSchema = Named(
  'NetworkConditions',
  Obj({
    profile: Enum([...NETWORK_PROFILE_NAMES.filter((p) => p !== 'normal'), 'custom'], { description: `The named network (${profiles}), or \`custom\` numbers` }),
    bandwidth_kbps: range('bandwidth_kbps', 'How fast answers arrive, kilobits per second'),
    latency_ms: range('latency_ms', 'Added before the first byte of every answer'),
    timeout_ms: range('timeout_ms', "How long the device's client waits for a whole answer (from when it sent the request) before it gives up: 408 `device_timeout`"),
  }),
);

/** `POST /_sim/devices/{id}/network`: a named network, or custom numbers. */
export const SetNetworkRequest = Named(
  'SetDeviceNetwork',
  Type.Unsafe<{ profile: string } | { bandwidth_kbps: number; latency_ms: number; timeout_ms?: number }>({
    oneOf: [
      Obj({ profile: Enum(NETWORK_PROFILE_NAMES, { description: `${profiles}. \`normal\` clears the simulated network` }) }, { description: 'A named network' }),
      Obj(
        {
          bandwidth_kbps: range('bandwidth_kbps', 'Kilobits per second'),
          latency_ms: range('latency_ms', 'Before the first byte'),
          timeout_ms: Optional({ ...range('timeout_ms', `The client's timeout for a whole answer (default ${DEFAULT_TIMEOUT_MS})`), default: DEFAULT_TIMEOUT_MS }),
        },
        { description: 'Custom numbers (timeout_ms longer than latency_ms)' },
      ),
    ],
    description: 'A profile alone, or custom numbers: anything else answers 422 naming each field',
  }),
);

/** A request whose answer could not reach the device within its timeout. */
export const NetworkTimeout = Named(
  'DeviceNetworkTimeout',
  Obj({
    id: Int({ minimum: 1 }),
    method: Str({ example: 'GET' }),
    url: Str({ maxLength: 2048, example: '/rest/v1.0/projects/12/uploads/34/content' }),
    route: Nullable(Str({ maxLength: 500, description: 'The route pattern', example: '/rest/v1.0/projects/:project_id/uploads/:upload_id/content' })),
    response_status: Int({ minimum: 100, maximum: 599, description: 'The status the answer had before it was lost' }),
    response_bytes: Nullable(Int({ minimum: 0, description: 'Its size (null: a stream of unknown size, cut off at the timeout)' })),
    needed_ms: Int({ minimum: 0, description: 'How long the whole answer needed on this network, from when the request arrived' }),
    timeout_ms: Int({ minimum: 0 }),
    network: NetworkConditionsSchema,
    request_id: Nullable(Str()),
    at: DateTime,
  }),
);

/** A device (one user's `X-Device-Id`) and its simulated network. */
export const DeviceNetworkState = Named(
  'DeviceNetwork',
  Obj({
    id: { ...DeviceKey, description: 'The device key' },
    user_id: Id,
    network: Nullable(NetworkConditionsSchema),
    timed_out_requests: ArrayOf(NetworkTimeout, { description: 'Requests that timed out on its current network, newest first (at most 20); empty on a normal network' }),
  }),
);
