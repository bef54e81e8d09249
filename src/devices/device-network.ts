import { Transform, TransformCallback } from 'node:stream';
import { AppError, FieldError } from '../common/errors';
import { sleep } from '../common/sleep';

/**
 * A device's simulated network: how fast its answers arrive (kilobits per
 * second, 1 kbit = 1000 bits), how long before the first byte, and how long
 * its client waits for a whole answer before it gives up.
 */
export interface NetworkConditions {
  profile: NetworkProfile | 'custom';
  bandwidth_kbps: number;
  latency_ms: number;
  timeout_ms: number;
}

export type NetworkProfile = Exclude<keyof typeof NETWORK_PROFILES, 'normal'>;

/**
 * Named networks, measured on real jobsites: a decent LTE signal outdoors,
 * and a weak 3G one inside a concrete structure (a phone client's common 8 s
 * timeout). `normal` is no simulated network at all.
 */
export const NETWORK_PROFILES = {
  jobsite_lte: { bandwidth_kbps: 4000, latency_ms: 120, timeout_ms: 30_000 },
  weak_3g: { bandwidth_kbps: 200, latency_ms: 600, timeout_ms: 8_000 },
  normal: null,
} as const;
export const NETWORK_PROFILE_NAMES = Object.keys(NETWORK_PROFILES) as (keyof typeof NETWORK_PROFILES)[];

/** The ranges a custom network takes. */
export const NETWORK_LIMITS = {
  bandwidth_kbps: { min: 8, max: 1_000_000 },
  latency_ms: { min: 0, max: 60_000 },
  timeout_ms: { min: 100, max: 600_000 },
} as const;
/** A custom network's timeout when none is given: a typical mobile client's. */
export const DEFAULT_TIMEOUT_MS = 30_000;

const FIELDS = ['profile', ...Object.keys(NETWORK_LIMITS)];

/**
 * The body of `POST /_sim/devices/{id}/network`: a profile alone, or
 * `bandwidth_kbps` and `latency_ms` (and `timeout_ms`). Answers the
 * conditions, or null for `normal` (no simulated network); 422 naming each
 * field that is wrong.
 */
export function parseNetwork(body: unknown): NetworkConditions | null {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw AppError.validation([{ field: '(body)', message: 'must be a JSON object: {"profile": "weak_3g"} or {"bandwidth_kbps", "latency_ms", "timeout_ms"}' }]);
  }
  const input = body as Record<string, unknown>;
  const errors: FieldError[] = Object.keys(input)
    .filter((k) => !FIELDS.includes(k))
    .map((field) => ({ field, message: `is not a known field (${FIELDS.join(', ')})` }));
  if ('profile' in input) {
    for (const k of Object.keys(NETWORK_LIMITS)) {
      if (k in input) errors.push({ field: k, message: 'cannot be sent with profile: send a profile, or your own bandwidth_kbps, latency_ms and timeout_ms' });
    }
    const profile = input.profile;
    if (typeof profile !== 'string' || !(NETWORK_PROFILE_NAMES as string[]).includes(profile)) {
      errors.push({ field: 'profile', message: `must be one of ${NETWORK_PROFILE_NAMES.join(', ')}` });
    }
    if (errors.length) throw AppError.validation(errors, `Invalid network: ${[...new Set(errors.map((e) => e.field))].join(', ')}.`);
    const named = NETWORK_PROFILES[profile as keyof typeof NETWORK_PROFILES];
    return named === null ? null : { profile: profile as NetworkProfile, ...named };
  }
  if (!Object.keys(input).some((k) => k in NETWORK_LIMITS) && !errors.length) {
    throw AppError.validation(
      [{ field: '(body)', message: `send a profile (${NETWORK_PROFILE_NAMES.join(', ')}), or bandwidth_kbps and latency_ms (timeout_ms is ${DEFAULT_TIMEOUT_MS} unless given)` }],
      'The network is missing: send a profile or your own numbers.',
    );
  }
  const number = (field: keyof typeof NETWORK_LIMITS, fallback?: number): number => {
    const value = input[field] ?? fallback;
    const { min, max } = NETWORK_LIMITS[field];
    if (value === undefined) errors.push({ field, message: `is required with a custom network (an integer from ${min} to ${max})` });
    else if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) errors.push({ field, message: `must be an integer from ${min} to ${max}` });
    return value as number;
  };
  const conditions: NetworkConditions = {
    profile: 'custom',
    bandwidth_kbps: number('bandwidth_kbps'),
    latency_ms: number('latency_ms'),
    timeout_ms: number('timeout_ms', DEFAULT_TIMEOUT_MS),
  };
  if (!errors.length && conditions.timeout_ms <= conditions.latency_ms) {
    errors.push({ field: 'timeout_ms', message: `must be longer than latency_ms (${conditions.latency_ms}): every answer would time out` });
  }
  if (errors.length) throw AppError.validation(errors, `Invalid network: ${[...new Set(errors.map((e) => e.field))].join(', ')}.`);
  return conditions;
}

/** Bytes per second at a bandwidth. */
export function bytesPerSecond(kbps: number): number {
  return (kbps * 1000) / 8;
}

/** How long `bytes` take to arrive at a bandwidth, in ms. */
export function transferMs(bytes: number, kbps: number): number {
  return (bytes * 1000) / bytesPerSecond(kbps);
}

/** The conditions in words, for messages: `weak_3g (200 kbps, 600 ms latency, 8000 ms timeout)`. */
export function describeNetwork(n: NetworkConditions): string {
  return `${n.profile} (${n.bandwidth_kbps} kbps, ${n.latency_ms} ms latency, ${n.timeout_ms} ms timeout)`;
}

/** Pieces are sent this often at most, so a slow link trickles instead of bursting. */
const TICK_MS = 20;

/**
 * Passes bytes on no faster than a bandwidth: each piece leaves when the bytes
 * before it and itself would have arrived over the link (measured on the
 * monotonic clock from the first byte). With a `deadline` (performance.now()
 * time), a piece that would arrive after it ends the stream with `late`'s error.
 */
export class PacedStream extends Transform {
  private sent = 0;
  private started: number | null = null;
  private readonly piece: number;

  constructor(
    private readonly rate: number,
    private readonly deadline?: { at: number; late: (sentBytes: number) => Error },
  ) {
    super();
    this.piece = Math.max(256, Math.floor((rate * TICK_MS) / 1000));
  }

  get bytesSent(): number {
    return this.sent;
  }

  override _transform(chunk: Buffer | string, _encoding: BufferEncoding, done: TransformCallback): void {
    this.pace(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk)).then(() => done(), done);
  }

  private async pace(chunk: Buffer): Promise<void> {
    this.started ??= performance.now();
    for (let at = 0; at < chunk.length; at += this.piece) {
      const piece = chunk.subarray(at, at + this.piece);
      const due = this.started + ((this.sent + piece.length) * 1000) / this.rate;
      if (this.deadline && due > this.deadline.at) throw this.deadline.late(this.sent);
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      this.sent += piece.length;
      this.push(piece);
    }
  }
}
