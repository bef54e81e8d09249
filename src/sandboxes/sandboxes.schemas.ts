import { ArrayOf, Bool, DateTime, Email, Enum, Id, Int, Named, Nullable, Num, Obj, Optional, Str, Type, Version } from '../common/openapi/schema';
import { SEEDED_APPS } from './directory-seed';
import { PERSONAS, PROJECTS } from './training.fixture';

export const SANDBOX_TEMPLATES = ['training', 'blank'] as const;
export const LATENCY_PROFILES = ['instant', 'realistic', 'congested'] as const;
export const DISTRIBUTIONS = ['fixed', 'uniform', 'lognormal'] as const;

const MAX_SEED = 2_147_483_647;
const MAX_BYTES = 2 * 1024 ** 3;
const delayMs = (description: string) => Optional(Num({ minimum: 0, maximum: 86_400_000, description }));

/** One queue's delay distribution in a custom latency profile. */
export const QueueLatency = Named(
  'QueueLatency',
  Obj({
    distribution: Enum(DISTRIBUTIONS, { description: '`fixed` uses `ms`; `uniform` draws between `min_ms` and `max_ms`; `lognormal` around `median_ms` with `sigma`' }),
    ms: delayMs('fixed: the delay'),
    min_ms: delayMs('uniform: the shortest delay'),
    max_ms: delayMs('uniform: the longest delay'),
    median_ms: delayMs('lognormal: the median delay'),
    sigma: delayMs('lognormal: the spread'),
  }),
);

/** A named profile, or per-queue distributions (queues left out delay as `realistic`). */
const LatencyProfile = Type.Union(
  [
    Enum(LATENCY_PROFILES, { description: '`instant` (no delays; retries in milliseconds), `realistic` (default) or `congested`' }),
    Obj(
      { budget: Optional(QueueLatency), sync: Optional(QueueLatency), uploads: Optional(QueueLatency), webhooks: Optional(QueueLatency) },
      { description: 'A custom profile: a distribution per queue; a queue left out delays as in `realistic`' },
    ),
  ],
  { description: 'How long jobs wait before they run (API.md "Latency profiles")' },
);

const settingsFields = {
  seed: () => Int({ minimum: 0, maximum: MAX_SEED, description: 'Seed of every simulated random choice (delays, faults, refusals); a new seed starts the delay sequences again' }),
  hourly: () => Int({ minimum: 1, maximum: 10_000_000, description: 'Requests per access token per hour' }),
  spike: () => Int({ minimum: 1, maximum: 1_000_000, description: 'Requests per access token per 10 seconds' }),
  bytes: (what: string) => Int({ minimum: 1, maximum: MAX_BYTES, description: `Largest ${what}, in bytes` }),
  concurrent: () => Int({ minimum: 1, maximum: 1000, description: 'Uploads one user may have in flight at once' }),
  enabled: () => Bool({ description: 'Whether GETs are served from the simulated edge cache' }),
  ttl: () => Int({ minimum: 0, maximum: 86_400, description: 'How long a cached answer is served, in seconds' }),
  requireIfMatch: () => Bool({ description: 'Whether every edit must send `If-Match` (or `version`)' }),
};

/** `GET/PATCH /_sim/sandboxes/{id}/settings` (API.md): every field, defaults filled in. */
export const SandboxSettings = Named(
  'SandboxSettings',
  Obj({
    latency_profile: LatencyProfile,
    seed: settingsFields.seed(),
    rate_limit: Obj({ hourly: settingsFields.hourly(), spike_10s: settingsFields.spike() }),
    upload_limits: Obj({
      photo_bytes: settingsFields.bytes('photo'),
      drawing_bytes: settingsFields.bytes('drawing'),
      attachment_bytes: settingsFields.bytes('attachment'),
      concurrent_per_user: settingsFields.concurrent(),
    }),
    edge_cache: Obj({ enabled: settingsFields.enabled(), ttl_seconds: settingsFields.ttl() }),
    require_if_match: settingsFields.requireIfMatch(),
  }),
);

/** The same fields, each optional (nested objects too): what is sent changes, the rest stays. */
export const SandboxSettingsPatch = Named(
  'SandboxSettingsPatch',
  Obj(
    {
      latency_profile: Optional(LatencyProfile),
      seed: Optional(settingsFields.seed()),
      rate_limit: Optional(Obj({ hourly: Optional(settingsFields.hourly()), spike_10s: Optional(settingsFields.spike()) })),
      upload_limits: Optional(
        Obj({
          photo_bytes: Optional(settingsFields.bytes('photo')),
          drawing_bytes: Optional(settingsFields.bytes('drawing')),
          attachment_bytes: Optional(settingsFields.bytes('attachment')),
          concurrent_per_user: Optional(settingsFields.concurrent()),
        }),
      ),
      edge_cache: Optional(Obj({ enabled: Optional(settingsFields.enabled()), ttl_seconds: Optional(settingsFields.ttl()) })),
      require_if_match: Optional(settingsFields.requireIfMatch()),
    },
    { description: 'A partial update: an unknown or invalid field answers 422 naming it, and nothing changes' },
  ),
);

/** A seeded persona, with the sandbox's shared persona password. */
export const SandboxPersona = Named(
  'SandboxPersona',
  Obj({
    key: Enum(PERSONAS.map((p) => p.key), { description: 'The persona (API.md "Training sandbox personas"); a blank sandbox has `company_admin` only' }),
    user_id: Id,
    name: Nullable(Str({ example: 'Morgan Reyes' })),
    email: Nullable(Email),
    password: Nullable(Str({ description: "The personas' password (a seeded fixture)", example: 'Girder-4821-k3Jd9a' })),
    template: Nullable(Str({ description: 'The permission template on the first project it is a member of, else its company template', example: 'Project Manager' })),
    company_template: Nullable(Str({ description: 'Its company permission template', example: 'Company Employee' })),
    description: Nullable(Str({ description: 'Job title', example: 'Project Manager' })),
  }),
);

export const SandboxProject = Named(
  'SandboxProject',
  Obj({ key: Enum(PROJECTS.map((p) => p.key)), id: Id, name: Nullable(Str({ example: 'Riverside Medical Office Building' })) }),
);

const appFields = {
  key: Nullable(Enum(Object.keys(SEEDED_APPS) as (keyof typeof SEEDED_APPS)[], { description: 'The seeded app it is; null for an app registered since' })),
  name: Str({ example: 'Training Integration' }),
  client_id: Str({ example: 'a1b2c3d4e5f6' }),
  redirect_uris: ArrayOf(Str({ maxLength: 2048, example: 'http://localhost:8765/callback' })),
  user_id: Optional(Id),
};

/** An OAuth app of the sandbox's company (`user_id`: the directory user of a service account). */
export const SandboxApp = Named('SandboxApp', Obj(appFields));

/** An app as answered with fresh credentials: `client_secret` for the seeded apps (shown once). */
export const SandboxAppIssued = Named(
  'SandboxAppIssued',
  Obj({ ...appFields, client_secret: Optional(Str({ description: 'The app secret, shown once: for the seeded apps only', example: 'Wm2nB8vC4xZ1lK7jH3gF9dS5aQ0pO6iU2yT8rE4w' })) }),
);

const sandboxFields = {
  id: Id,
  name: Str({ example: 'training' }),
  template: Enum(SANDBOX_TEMPLATES),
  seed: Int({ minimum: 0, maximum: MAX_SEED, description: 'The seed the sandbox was created with' }),
  company_id: Id,
  personas: ArrayOf(SandboxPersona),
  projects: ArrayOf(SandboxProject),
  settings: SandboxSettings,
  version: Version,
  created_at: DateTime,
  updated_at: DateTime,
};

export const Sandbox = Named('Sandbox', Obj({ ...sandboxFields, apps: ArrayOf(SandboxApp) }));

const SandboxToken = Str({ description: 'Drives `/_sim` for this sandbox (`Authorization: Bearer …`); shown only here', example: 'sbx_q8Zt3LmV0cR6yN1kH4sW9bX2fJ7dP5gA' });

/** A sandbox as answered when created or when its credentials are rotated: with its token and app secrets. */
export const SandboxWithCredentials = Named(
  'SandboxWithCredentials',
  Obj({ ...sandboxFields, sandbox_token: SandboxToken, apps: ArrayOf(SandboxAppIssued) }),
);

export const SandboxSummary = Named(
  'SandboxSummary',
  Obj({ id: Id, name: Str({ example: 'training' }), template: Enum(SANDBOX_TEMPLATES), company_id: Id, created_at: DateTime }),
);

export { SandboxToken };
