import { ExactTrend, Trend } from './metrics';

describe('trends', () => {
  it('answers a sampled trend’s percentiles as sample values, so that an exact bound holds', () => {
    const depth = new ExactTrend();
    for (let i = 0; i < 95; i++) depth.record(100);
    for (let i = 0; i < 5; i++) depth.record(200);
    expect(depth.percentile(95)).toBe(100);
    expect(depth.percentile(96)).toBe(200);
    expect(depth.percentile(50)).toBe(100);
    expect(new ExactTrend().percentile(95)).toBeNaN();
  });

  it('keeps latency percentiles within the HDR resolution of the true value', () => {
    const latency = new Trend();
    for (let i = 1; i <= 1000; i++) latency.record(i);
    expect(Math.abs(latency.percentile(95) - 950) / 950).toBeLessThan(0.002);
    expect(latency.percentile(100)).toBe(1000);
  });
});
