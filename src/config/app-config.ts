import { isAbsolute, resolve } from 'node:path';

/**
 * The one place that reads the environment. Everything else receives an
 * `AppConfig` (injected) and never touches `process.env`.
 */
export type SimRole = 'api' | 'worker' | 'all';

export class AppConfig {
  readonly databaseUrl!: string;
  readonly redisUrl!: string;
  readonly host!: string;
  readonly port!: number;
  readonly role!: SimRole;
  /**
   * What this process is called where several run (`api-2`, `worker-1`): shown by
   * `/health`, `X-Sim-Process` and `/_sim/jobs` (`processed_by`); the role by default.
   */
  readonly processName!: string;
  readonly openControls!: boolean;
  readonly operatorToken!: string | null;
  readonly accessTokenTtlSeconds!: number;
  readonly refreshTokenTtlSeconds!: number;
  readonly redisPrefix!: string;
  readonly bodyLimitBytes!: number;
  readonly dbPoolSize!: number;
  readonly logRequests!: boolean;
  readonly publicUrl!: string | null;
  readonly webhookAllow!: string[];
  /** How long a worker holds a job before others may take it over (a dead worker's jobs come back after this). */
  readonly jobLockMs!: number;
  /** An upload that sends nothing for this long is cut off with 408 `upload_interrupted`. */
  readonly uploadIdleTimeoutMs!: number;
  /**
   * Where uploaded content lives: `<dir>/<upload id>`, files on their way in under
   * `<dir>/tmp`, segments of segmented uploads under `<dir>/segmented/<id>`.
   * The API and the workers must see the same directory.
   */
  readonly storageDir!: string;

  constructor(values: AppConfig) {
    Object.assign(this, values);
  }
}

export class ConfigError extends Error {
  constructor(readonly variable: string, problem: string) {
    super(`${variable} ${problem}`);
  }
}

type Env = Record<string, string | undefined>;

function required(env: Env, name: string): string {
  const value = env[name];
  if (value === undefined || value.trim() === '') throw new ConfigError(name, 'is required but not set');
  return value.trim();
}

function url(env: Env, name: string, protocols: string[]): string {
  const value = required(env, name);
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError(name, `must be a URL (got "${value}")`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must use ${protocols.join(' or ')} (got "${parsed.protocol}")`);
  }
  return value;
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(name, `must be an integer between ${min} and ${max} (got "${raw}")`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be an integer between ${min} and ${max} (got "${raw}")`);
  return value;
}

/** A directory, as an absolute path (a relative one is taken from the working directory). */
function directory(env: Env, name: string, fallback: string): string {
  const raw = env[name]?.trim() || fallback;
  if (raw.includes('\0')) throw new ConfigError(name, 'must be a directory path');
  return isAbsolute(raw) ? raw : resolve(raw);
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['true', '1', 'yes'].includes(raw.toLowerCase())) return true;
  if (['false', '0', 'no'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(name, `must be true or false (got "${raw}")`);
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')} (got "${raw}")`);
  }
  return raw as T;
}

const PROCESS_NAME = /^[A-Za-z0-9._-]{1,64}$/;

function processName(env: Env, role: SimRole): string {
  const raw = env.SIM_PROCESS_NAME?.trim();
  if (!raw) return role;
  if (!PROCESS_NAME.test(raw)) throw new ConfigError('SIM_PROCESS_NAME', `must be 1-64 letters, digits, '.', '_' or '-' (got "${raw}")`);
  return raw;
}

export function loadConfig(env: Env = process.env): AppConfig {
  const operatorToken = env.SIM_OPERATOR_TOKEN?.trim() || null;
  if (operatorToken !== null && operatorToken.length < 16) {
    throw new ConfigError('SIM_OPERATOR_TOKEN', 'must be at least 16 characters long');
  }
  const role = oneOf(env, 'SIM_ROLE', ['api', 'worker', 'all'] as const, 'all');
  return new AppConfig({
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:']),
    host: env.HOST?.trim() || '127.0.0.1',
    port: int(env, 'PORT', 3000, 0, 65535),
    role,
    processName: processName(env, role),
    openControls: bool(env, 'SIM_OPEN_CONTROLS', false),
    operatorToken,
    accessTokenTtlSeconds: int(env, 'SIM_ACCESS_TOKEN_TTL_SECONDS', 5400, 1, 31_536_000),
    refreshTokenTtlSeconds: int(env, 'SIM_REFRESH_TOKEN_TTL_SECONDS', 30 * 86_400, 60, 31_536_000),
    redisPrefix: env.SIM_REDIS_PREFIX?.trim() || 'sitesim',
    bodyLimitBytes: int(env, 'SIM_BODY_LIMIT_BYTES', 8 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    dbPoolSize: int(env, 'SIM_DB_POOL_SIZE', 10, 1, 500),
    logRequests: bool(env, 'SIM_LOG_REQUESTS', false),
    publicUrl: env.SIM_PUBLIC_URL?.trim() || null,
    jobLockMs: int(env, 'SIM_JOB_LOCK_MS', 30_000, 500, 600_000),
    uploadIdleTimeoutMs: int(env, 'SIM_UPLOAD_IDLE_TIMEOUT_MS', 30_000, 100, 600_000),
    storageDir: directory(env, 'SIM_STORAGE_DIR', '.sitesim/storage'),
    webhookAllow: (env.SIM_WEBHOOK_ALLOW ?? '127.0.0.1,localhost,::1')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  });
}
