/** Per-sandbox simulator settings (API.md `/_sim/sandboxes/{id}/settings`). */
export type LatencyProfileName = 'instant' | 'realistic' | 'congested';

/** A custom delay distribution for one queue. */
export interface QueueLatency {
  distribution: 'fixed' | 'uniform' | 'lognormal';
  ms?: number;
  min_ms?: number;
  max_ms?: number;
  median_ms?: number;
  sigma?: number;
}

export interface SandboxSettings {
  latency_profile: LatencyProfileName | Partial<Record<'budget' | 'sync' | 'uploads' | 'webhooks', QueueLatency>>;
  seed: number;
  rate_limit: { hourly: number; spike_10s: number };
  upload_limits: {
    photo_bytes: number;
    drawing_bytes: number;
    attachment_bytes: number;
    concurrent_per_user: number;
  };
  edge_cache: { enabled: boolean; ttl_seconds: number };
  require_if_match: boolean;
}

export function defaultSettings(seed: number): SandboxSettings {
  return {
    latency_profile: 'realistic',
    seed,
    rate_limit: { hourly: 3600, spike_10s: 100 },
    upload_limits: {
      photo_bytes: 25 * 1024 * 1024,
      drawing_bytes: 100 * 1024 * 1024,
      attachment_bytes: 50 * 1024 * 1024,
      concurrent_per_user: 5,
    },
    edge_cache: { enabled: false, ttl_seconds: 60 },
    require_if_match: false,
  };
}

/** Settings as stored may predate a field; reading always fills the defaults. */
export function withDefaults(stored: Partial<SandboxSettings> | null | undefined, seed: number): SandboxSettings {
  const base = defaultSettings(seed);
  const s = stored ?? {};
  return {
    latency_profile: s.latency_profile ?? base.latency_profile,
    seed: s.seed ?? base.seed,
    rate_limit: { ...base.rate_limit, ...s.rate_limit },
    upload_limits: { ...base.upload_limits, ...s.upload_limits },
    edge_cache: { ...base.edge_cache, ...s.edge_cache },
    require_if_match: s.require_if_match ?? base.require_if_match,
  };
}

/** A company's sandbox settings (defaults for a company that is not a sandbox). */
export async function loadSettings(db: { query(sql: string, params?: unknown[]): Promise<unknown> }, companyId: number): Promise<SandboxSettings> {
  const [row] = (await db.query('SELECT settings, seed FROM sandboxes WHERE company_id = $1', [companyId])) as { settings: Partial<SandboxSettings>; seed: number }[];
  return withDefaults(row?.settings, row?.seed ?? 0);
}
