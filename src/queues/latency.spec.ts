import { withDefaults } from '../sandboxes/sandbox-settings';
import { simBackoff } from './job-workers';
import { PROFILES, sampleDelay, uniform01 } from './latency';

describe('latency profiles', () => {
  it('draws the same delays for the same seed and steps, and others for another seed', () => {
    const spec = PROFILES.realistic.budget;
    const a = [1, 2, 3, 4, 5].map((n) => sampleDelay(spec, 42, 'budget', n));
    const b = [1, 2, 3, 4, 5].map((n) => sampleDelay(spec, 42, 'budget', n));
    const c = [1, 2, 3, 4, 5].map((n) => sampleDelay(spec, 43, 'budget', n));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('keeps draws uniform enough on [0, 1)', () => {
    const draws = Array.from({ length: 20000 }, (_, n) => uniform01(7, 'sync', n));
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
    const mean = draws.reduce((x, y) => x + y, 0) / draws.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.01);
  });

  it('respects each distribution', () => {
    expect(sampleDelay({ distribution: 'fixed', ms: 250 }, 1, 'x', 9)).toBe(250);
    const uniform = Array.from({ length: 500 }, (_, n) => sampleDelay({ distribution: 'uniform', min_ms: 100, max_ms: 200 }, 1, 'x', n));
    expect(Math.min(...uniform)).toBeGreaterThanOrEqual(100);
    expect(Math.max(...uniform)).toBeLessThanOrEqual(200);
    const lognormal = Array.from({ length: 2001 }, (_, n) => sampleDelay({ distribution: 'lognormal', median_ms: 1000, sigma: 0.5 }, 1, 'x', n)).sort((x, y) => x - y);
    expect(lognormal[1000]).toBeGreaterThan(900);
    expect(lognormal[1000]).toBeLessThan(1100);
  });

  it('makes every instant delay zero', () => {
    const settings = withDefaults({ latency_profile: 'instant' }, 1);
    expect(typeof settings.latency_profile === 'string' && Object.values(PROFILES.instant).every((q) => sampleDelay(q, 1, 'x', 3) === 0)).toBe(true);
  });
});

describe('retry backoff', () => {
  const job = (base: number, cap: number) => ({ opts: { backoff: { type: 'sim', delay: base } }, data: { _meta: { backoffCapMs: cap } } }) as never;

  it('doubles from the base and stops at the cap (webhooks: 1 s to 1 h)', () => {
    const delays = [1, 2, 3, 4, 12, 13, 20].map((n) => simBackoff(n, 'sim', undefined, job(1000, 3_600_000)));
    expect(delays).toEqual([1000, 2000, 4000, 8000, 2_048_000, 3_600_000, 3_600_000]);
  });
});
