import { AppError } from '../common/errors';
import { DEFAULT_TIMEOUT_MS, NETWORK_PROFILES, PacedStream, parseNetwork, transferMs } from './device-network';

const fieldsOf = (body: unknown): string[] => {
  try {
    parseNetwork(body);
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return ((err as AppError).details.fields as { field: string }[]).map((f) => f.field).sort();
  }
  throw new Error('accepted');
};

describe('device networks', () => {
  it.each([
    [{ profile: 'jobsite_lte' }, { profile: 'jobsite_lte', ...NETWORK_PROFILES.jobsite_lte }],
    [{ profile: 'weak_3g' }, { profile: 'weak_3g', bandwidth_kbps: 200, latency_ms: 600, timeout_ms: 8000 }],
    [{ profile: 'normal' }, null],
    [{ bandwidth_kbps: 1000, latency_ms: 80 }, { profile: 'custom', bandwidth_kbps: 1000, latency_ms: 80, timeout_ms: DEFAULT_TIMEOUT_MS }],
    [{ bandwidth_kbps: 8, latency_ms: 0, timeout_ms: 100 }, { profile: 'custom', bandwidth_kbps: 8, latency_ms: 0, timeout_ms: 100 }],
  ])('reads %j', (body, expected) => {
    expect(parseNetwork(body)).toEqual(expected);
  });

  it.each([
    [null, ['(body)']],
    ['weak_3g', ['(body)']],
    [{}, ['(body)']],
    [{ profile: 'satellite' }, ['profile']],
    [{ profile: 3 }, ['profile']],
    [{ profile: 'weak_3g', bandwidth_kbps: 100, timeout_ms: 10 }, ['bandwidth_kbps', 'timeout_ms']],
    [{ bandwidth_kbps: 100 }, ['latency_ms']],
    [{ bandwidth_kbps: 7, latency_ms: 0 }, ['bandwidth_kbps']],
    [{ bandwidth_kbps: 100, latency_ms: 60_001 }, ['latency_ms']],
    [{ bandwidth_kbps: 100, latency_ms: 10, timeout_ms: 99 }, ['timeout_ms']],
    [{ bandwidth_kbps: 100, latency_ms: 1000, timeout_ms: 1000 }, ['timeout_ms']],
    [{ bandwidth_kbps: '100', latency_ms: 10 }, ['bandwidth_kbps']],
    [{ bandwidth_kbps: 100, latency_ms: 10, loss: 0.1 }, ['loss']],
  ])('refuses %j naming %j', (body, fields) => {
    expect(fieldsOf(body)).toEqual(fields);
  });

  it('takes 8 bits a byte at 1000 bits a kilobit', () => {
    expect(transferMs(25_000, 200)).toBe(1000);
    expect(transferMs(0, 8)).toBe(0);
  });

  it('passes every byte in order, no faster than its rate', async () => {
    const data = Buffer.from(Array.from({ length: 3000 }, (_, i) => i % 251));
    const paced = new PacedStream(10_000);
    const started = performance.now();
    paced.end(data);
    const out: Buffer[] = [];
    for await (const chunk of paced) out.push(chunk as Buffer);
    expect(Buffer.concat(out).equals(data)).toBe(true);
    expect(performance.now() - started).toBeGreaterThanOrEqual(280);
    expect(out.length).toBeGreaterThan(1);
  });

  it('ends with the late error once a piece would arrive past its deadline', async () => {
    const paced = new PacedStream(1000, { at: performance.now() + 100, late: (sent) => new Error(`late after ${sent}`) });
    paced.end(Buffer.alloc(2000));
    const read = (async () => {
      for await (const _ of paced) void _;
    })();
    await expect(read).rejects.toThrow(/late after \d+/);
  });
});
