import { build, Histogram } from 'hdr-histogram-js';
import { ThresholdData, TrendView } from './thresholds';

/** Latency (or any duration) as an HDR histogram in microseconds, 3 significant digits; exact min, max and mean beside it. */
export class Trend implements TrendView {
  private readonly hist: Histogram;
  count = 0;
  private sum = 0;
  min = Infinity;
  max = -Infinity;

  constructor(digits = 3) {
    this.hist = build({ bitBucketSize: 32, autoResize: true, lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: digits as 3, useWebAssembly: false });
  }

  /** Records a value in milliseconds. */
  record(ms: number): void {
    this.hist.recordValue(Math.max(1, Math.round(ms * 1000)));
    this.count++;
    this.sum += ms;
    if (ms < this.min) this.min = ms;
    if (ms > this.max) this.max = ms;
  }

  get avg(): number {
    return this.count ? this.sum / this.count : NaN;
  }

  percentile(p: number): number {
    if (!this.count) return NaN;
    if (p >= 100) return this.max;
    return Math.min(this.max, Math.max(this.min, this.hist.getValueAtPercentile(p) / 1000));
  }

  summary(): TrendSummary {
    const r = (v: number) => (Number.isFinite(v) ? Math.round(v * 100) / 100 : null);
    return {
      count: this.count,
      min: r(this.min),
      avg: r(this.avg),
      med: r(this.percentile(50)),
      p90: r(this.percentile(90)),
      p95: r(this.percentile(95)),
      p99: r(this.percentile(99)),
      max: r(this.max),
    };
  }

  destroy(): void {
    this.hist.destroy();
  }
}

/**
 * A trend of few samples (queue depth, sampled once a second or so) kept exactly:
 * its percentiles are sample values (nearest rank), so that `queue_depth p(95) <= 100`
 * holds when 95% of the samples were 100, where an HDR bucket's upper edge would not.
 */
export class ExactTrend extends Trend {
  private readonly values: number[] = [];

  override record(value: number): void {
    super.record(value);
    this.values.push(value);
  }

  override percentile(p: number): number {
    if (!this.values.length) return NaN;
    const sorted = [...this.values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
  }
}

export interface TrendSummary {
  count: number;
  min: number | null;
  avg: number | null;
  med: number | null;
  p90: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}

export interface StepStats {
  name: string;
  workflow: string;
  latency: Trend;
  requests: number;
  errors: number;
  rateLimited: number;
  statuses: Map<number, number>;
}

export interface ErrorStats {
  step: string;
  workflow: string;
  /** The HTTP status, or 0 when no answer came (a network error or timeout). */
  status: number;
  /** The API error's `code`, or the network error's code. */
  code: string;
  count: number;
  message: string;
}

/** One second of the run. */
export interface SeriesPoint {
  t: number;
  requests: number;
  errors: number;
  rate_limited: number;
  iterations: number;
  dropped: number;
  vus: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  queue_depth: number | null;
}

interface OpenBucket {
  t: number;
  requests: number;
  errors: number;
  rateLimited: number;
  iterations: number;
  dropped: number;
  vus: number;
  latency: Trend;
  queueDepth: number | null;
}

export interface QueueSample {
  t_ms: number;
  depth: Record<string, number>;
  total: number;
}

/** Everything a run measures, and the views thresholds and reports read. */
export class Metrics implements ThresholdData {
  readonly steps = new Map<string, StepStats>();
  readonly http = new Trend();
  readonly workflows = new Map<string, { duration: Trend; started: number; completed: number; failed: number }>();
  readonly consistency = new Map<string, { latency: Trend; timeouts: number }>();
  readonly errors = new Map<string, ErrorStats>();
  readonly queueLag = new Trend();
  readonly queueDepth = new ExactTrend();
  readonly queueSamples: QueueSample[] = [];
  readonly series: SeriesPoint[] = [];
  requests = 0;
  failedRequests = 0;
  rateLimited = 0;
  rateLimitWaitMs = 0;
  dropped = 0;
  /** The length the rates are computed over, in seconds (set when the run ends; live meanwhile). */
  seconds = 0;
  private bucket: OpenBucket | null = null;

  constructor(private readonly clock: () => number) {}

  private open(): OpenBucket {
    const t = Math.floor(this.clock() / 1000);
    if (this.bucket && this.bucket.t === t) return this.bucket;
    if (this.bucket) this.close(this.bucket);
    // seconds with nothing in them still show on the charts
    for (let gap = (this.bucket?.t ?? -1) + 1; gap < t; gap++) this.series.push(emptyPoint(gap, this.bucket?.vus ?? 0));
    this.bucket = { t, requests: 0, errors: 0, rateLimited: 0, iterations: 0, dropped: 0, vus: this.bucket?.vus ?? 0, latency: new Trend(2), queueDepth: null };
    return this.bucket;
  }

  private close(b: OpenBucket): void {
    const r = (v: number) => (Number.isFinite(v) ? Math.round(v * 100) / 100 : null);
    this.series.push({
      t: b.t,
      requests: b.requests,
      errors: b.errors,
      rate_limited: b.rateLimited,
      iterations: b.iterations,
      dropped: b.dropped,
      vus: b.vus,
      p50: r(b.latency.percentile(50)),
      p95: r(b.latency.percentile(95)),
      p99: r(b.latency.percentile(99)),
      queue_depth: b.queueDepth,
    });
    b.latency.destroy();
  }

  /** Closes the current second (at the end of the run). */
  finish(seconds: number): void {
    if (this.bucket) this.close(this.bucket);
    this.bucket = null;
    this.seconds = seconds;
  }

  step(name: string, workflow: string): StepStats {
    let s = this.steps.get(name);
    if (!s) {
      s = { name, workflow, latency: new Trend(), requests: 0, errors: 0, rateLimited: 0, statuses: new Map() };
      this.steps.set(name, s);
    }
    return s;
  }

  /** One answered request (any status but a waited-out 429). */
  response(step: StepStats, ms: number, status: number, failed: boolean, error?: { code: string; message: string }): void {
    step.latency.record(ms);
    step.requests++;
    step.statuses.set(status, (step.statuses.get(status) ?? 0) + 1);
    this.http.record(ms);
    this.requests++;
    const b = this.open();
    b.requests++;
    b.latency.record(ms);
    if (failed) {
      step.errors++;
      this.failedRequests++;
      b.errors++;
      this.error(step, status, error?.code ?? 'unexpected_status', error?.message ?? `HTTP ${status}`);
    }
  }

  /** A request that got no answer (refused, reset, timed out). */
  networkError(step: StepStats, ms: number, code: string, message: string): void {
    step.requests++;
    step.errors++;
    step.statuses.set(0, (step.statuses.get(0) ?? 0) + 1);
    this.requests++;
    this.failedRequests++;
    const b = this.open();
    b.requests++;
    b.errors++;
    this.http.record(ms);
    this.error(step, 0, code, message);
  }

  /** A 429 whose Retry-After the virtual user waits out before sending again. */
  throttled(step: StepStats, waitMs: number): void {
    step.rateLimited++;
    this.rateLimited++;
    this.rateLimitWaitMs += waitMs;
    this.requests++;
    this.open().rateLimited++;
    this.open().requests++;
  }

  private error(step: StepStats, status: number, code: string, message: string): void {
    const key = `${step.name}|${status}|${code}`;
    const e = this.errors.get(key);
    if (e) e.count++;
    else this.errors.set(key, { step: step.name, workflow: step.workflow, status, code, count: 1, message: message.slice(0, 300) });
  }

  workflow(name: string): { duration: Trend; started: number; completed: number; failed: number } {
    let w = this.workflows.get(name);
    if (!w) {
      w = { duration: new Trend(), started: 0, completed: 0, failed: 0 };
      this.workflows.set(name, w);
    }
    return w;
  }

  iterationStarted(name: string): void {
    this.workflow(name).started++;
  }

  iterationEnded(name: string, ms: number, ok: boolean): void {
    const w = this.workflow(name);
    if (ok) {
      w.completed++;
      w.duration.record(ms);
    } else w.failed++;
    this.open().iterations++;
  }

  droppedIteration(): void {
    this.dropped++;
    this.open().dropped++;
  }

  activeVus(n: number): void {
    this.open().vus = Math.max(this.open().vus, n);
  }

  consistencyOf(kind: string): { latency: Trend; timeouts: number } {
    let c = this.consistency.get(kind);
    if (!c) {
      c = { latency: new Trend(), timeouts: 0 };
      this.consistency.set(kind, c);
    }
    return c;
  }

  consistent(kind: string, ms: number): void {
    this.consistencyOf(kind).latency.record(ms);
  }

  inconsistent(kind: string): void {
    this.consistencyOf(kind).timeouts++;
  }

  queue(sample: QueueSample): void {
    this.queueSamples.push(sample);
    this.queueDepth.record(sample.total);
    const b = this.open();
    b.queueDepth = Math.max(b.queueDepth ?? 0, sample.total);
  }

  lag(ms: number): void {
    this.queueLag.record(ms);
  }

  /** Rolls the time series over to the current second (so that a quiet second still shows). */
  tick(): void {
    this.open();
  }

  /** Live figures for the progress line: the last full second's requests and p95. */
  lastSecond(): SeriesPoint | undefined {
    return this.series[this.series.length - 1];
  }

  // ThresholdData

  trend(metric: string, name: string | null): TrendView | null {
    if (metric === 'http_req_duration') return this.http;
    if (metric === 'step') return this.steps.get(name!)?.latency ?? null;
    if (metric === 'workflow') return this.workflows.get(name!)?.duration ?? null;
    if (metric === 'consistency') return this.consistency.get(name!)?.latency ?? null;
    if (metric === 'queue_lag') return this.queueLag;
    if (metric === 'queue_depth') return this.queueDepth;
    return null;
  }

  rate(metric: string, name: string | null): { hits: number; total: number } {
    if (metric === 'errors') {
      if (name) {
        const s = this.steps.get(name);
        return { hits: s?.errors ?? 0, total: s?.requests ?? 0 };
      }
      return { hits: this.failedRequests, total: this.requests - this.rateLimited };
    }
    if (metric === 'failed_iterations') {
      const ws = name ? [this.workflows.get(name)].filter((w) => w !== undefined) : [...this.workflows.values()];
      const failed = ws.reduce((n, w) => n + w.failed, 0);
      return { hits: failed, total: ws.reduce((n, w) => n + w.completed + w.failed, 0) };
    }
    return { hits: 0, total: 0 };
  }

  counter(metric: string, name: string | null): number {
    switch (metric) {
      case 'http_reqs':
        return name ? (this.steps.get(name)?.requests ?? 0) + (this.steps.get(name)?.rateLimited ?? 0) : this.requests;
      case 'iterations':
        return name ? (this.workflows.get(name)?.completed ?? 0) : [...this.workflows.values()].reduce((n, w) => n + w.completed, 0);
      case 'dropped_iterations':
        return this.dropped;
      case 'rate_limited':
        return name ? (this.steps.get(name)?.rateLimited ?? 0) : this.rateLimited;
      case 'consistency_timeouts':
        return name ? (this.consistency.get(name)?.timeouts ?? 0) : [...this.consistency.values()].reduce((n, c) => n + c.timeouts, 0);
      default:
        return 0;
    }
  }
}

function emptyPoint(t: number, vus: number): SeriesPoint {
  return { t, requests: 0, errors: 0, rate_limited: 0, iterations: 0, dropped: 0, vus, p50: null, p95: null, p99: null, queue_depth: null };
}
