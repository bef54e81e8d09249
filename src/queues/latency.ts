import type { LatencyProfileName, QueueLatency, SandboxSettings } from '../sandboxes/sandbox-settings';
import type { PlatformQueue } from './queue-names';

/** The built-in profiles (API.md "Latency profiles"). */
export const PROFILES: Record<LatencyProfileName, Record<PlatformQueue, QueueLatency>> = {
  instant: {
    budget: { distribution: 'fixed', ms: 0 },
    sync: { distribution: 'fixed', ms: 0 },
    uploads: { distribution: 'fixed', ms: 0 },
    webhooks: { distribution: 'fixed', ms: 0 },
  },
  realistic: {
    budget: { distribution: 'lognormal', median_ms: 2500, sigma: 0.6 },
    sync: { distribution: 'uniform', min_ms: 500, max_ms: 4000 },
    uploads: { distribution: 'lognormal', median_ms: 3000, sigma: 0.5 },
    webhooks: { distribution: 'uniform', min_ms: 200, max_ms: 1500 },
  },
  congested: {
    budget: { distribution: 'lognormal', median_ms: 30000, sigma: 0.8 },
    sync: { distribution: 'uniform', min_ms: 10000, max_ms: 60000 },
    uploads: { distribution: 'lognormal', median_ms: 45000, sigma: 0.7 },
    webhooks: { distribution: 'uniform', min_ms: 5000, max_ms: 30000 },
  },
};

/** A stateless hash of (seed, stream, n) to [0, 1): the n-th draw of a seeded stream. */
export function uniform01(seed: number, stream: string, n: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  const text = `${stream}:${n}`;
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), 0x85ebca6b) >>> 0;
    h = (h ^ (h >>> 13)) >>> 0;
  }
  h = Math.imul(h ^ (h >>> 16), 0xc2b2ae35) >>> 0;
  h = (h ^ (h >>> 16)) >>> 0;
  return h / 4294967296;
}

/** Standard normal from two uniforms (Box–Muller). */
function normal(u1: number, u2: number): number {
  return Math.sqrt(-2 * Math.log(Math.max(u1, 1e-12))) * Math.cos(2 * Math.PI * u2);
}

export function latencyOf(settings: SandboxSettings, queue: PlatformQueue): QueueLatency {
  const profile = settings.latency_profile;
  if (typeof profile === 'string') return PROFILES[profile][queue];
  return profile[queue] ?? PROFILES.realistic[queue];
}

/** The delay of the n-th job of a queue in a sandbox: same seed and same steps, same delays. */
export function sampleDelay(spec: QueueLatency, seed: number, stream: string, n: number): number {
  const u1 = uniform01(seed, stream, 2 * n);
  const u2 = uniform01(seed, stream, 2 * n + 1);
  switch (spec.distribution) {
    case 'fixed':
      return Math.max(0, Math.round(spec.ms ?? 0));
    case 'uniform': {
      const min = spec.min_ms ?? 0;
      const max = Math.max(min, spec.max_ms ?? min);
      return Math.round(min + (max - min) * u1);
    }
    case 'lognormal': {
      const median = spec.median_ms ?? 1000;
      const sigma = spec.sigma ?? 0.5;
      return Math.round(Math.min(86_400_000, median * Math.exp(sigma * normal(u1, u2))));
    }
  }
}

/**
 * Retry backoff of a job under a profile: the job's own (base, cap) except under
 * `instant`, which retries in milliseconds (1 ms doubling to at most 100 ms).
 */
export function backoffFor(settings: SandboxSettings, backoff: { baseMs: number; capMs: number }): { baseMs: number; capMs: number } {
  return settings.latency_profile === 'instant' ? { baseMs: 1, capMs: Math.min(100, backoff.capMs) } : backoff;
}
