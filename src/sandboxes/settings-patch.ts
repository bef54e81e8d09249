import { AppError, FieldError } from '../common/errors';
import { SandboxSettings } from './sandbox-settings';

type Check = (value: unknown, field: string, errors: FieldError[]) => unknown;

const int =
  (min: number, max: number): Check =>
  (value, field, errors) => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      errors.push({ field, message: `must be an integer between ${min} and ${max}` });
    }
    return value;
  };

const bool: Check = (value, field, errors) => {
  if (typeof value !== 'boolean') errors.push({ field, message: 'must be true or false' });
  return value;
};

const DISTRIBUTIONS = ['fixed', 'uniform', 'lognormal'];

const latency: Check = (value, field, errors) => {
  if (typeof value === 'string') {
    if (!['instant', 'realistic', 'congested'].includes(value)) errors.push({ field, message: 'must be instant, realistic, congested or a custom object' });
    return value;
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    errors.push({ field, message: 'must be instant, realistic, congested or {queue: {distribution, …}}' });
    return value;
  }
  for (const [queue, spec] of Object.entries(value as Record<string, unknown>)) {
    const f = `${field}.${queue}`;
    if (!['budget', 'sync', 'uploads', 'webhooks'].includes(queue)) errors.push({ field: f, message: 'is not a queue (budget, sync, uploads, webhooks)' });
    const s = spec as Record<string, unknown> | null;
    if (!s || typeof s !== 'object' || !DISTRIBUTIONS.includes(String(s.distribution))) {
      errors.push({ field: `${f}.distribution`, message: `must be one of ${DISTRIBUTIONS.join(', ')}` });
      continue;
    }
    for (const [k, v] of Object.entries(s)) {
      if (k === 'distribution') continue;
      if (!['ms', 'min_ms', 'max_ms', 'median_ms', 'sigma'].includes(k)) errors.push({ field: `${f}.${k}`, message: 'is not a known parameter' });
      else if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 86_400_000) errors.push({ field: `${f}.${k}`, message: 'must be a number between 0 and 86400000' });
    }
  }
  return value;
};

const SCHEMA: Record<string, Check | Record<string, Check>> = {
  latency_profile: latency,
  seed: int(0, 2_147_483_647),
  rate_limit: { hourly: int(1, 10_000_000), spike_10s: int(1, 1_000_000) },
  upload_limits: {
    photo_bytes: int(1, 2 * 1024 ** 3),
    drawing_bytes: int(1, 2 * 1024 ** 3),
    attachment_bytes: int(1, 2 * 1024 ** 3),
    concurrent_per_user: int(1, 1000),
  },
  edge_cache: { enabled: bool, ttl_seconds: int(0, 86_400) },
  require_if_match: bool,
};

/** Applies a partial settings update; unknown or invalid fields answer 422 and nothing changes. */
export function applySettingsPatch(current: SandboxSettings, patch: unknown): SandboxSettings {
  if (!patch || typeof patch !== 'object' || Array.isArray(patch)) {
    throw AppError.validation([{ field: '(body)', message: 'must be a JSON object' }]);
  }
  const errors: FieldError[] = [];
  const next = structuredClone(current) as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(patch as Record<string, unknown>)) {
    const rule = SCHEMA[key];
    if (!rule) {
      errors.push({ field: key, message: 'is not a known setting' });
    } else if (typeof rule === 'function') {
      next[key] = rule(value, key, errors);
    } else if (!value || typeof value !== 'object' || Array.isArray(value)) {
      errors.push({ field: key, message: 'must be an object' });
    } else {
      const target = next[key] as Record<string, unknown>;
      for (const [sub, v] of Object.entries(value as Record<string, unknown>)) {
        const check = rule[sub];
        if (!check) errors.push({ field: `${key}.${sub}`, message: 'is not a known setting' });
        else target[sub] = check(v, `${key}.${sub}`, errors);
      }
    }
  }
  if (errors.length) throw AppError.validation(errors, 'Invalid sandbox settings.');
  return next as unknown as SandboxSettings;
}
