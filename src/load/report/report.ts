import { Metrics, SeriesPoint, TrendSummary } from '../metrics';
import { describePlan, Plan } from '../plan';
import { evaluateThreshold, ThresholdResult } from '../thresholds';

/** `report.json`: everything a run measured, and its verdict. */
export interface LoadReport {
  plan: {
    name: string;
    file: string;
    description: string;
    target: string;
    sandbox: { id: number; created: boolean; deleted: boolean };
    arrival: Plan['arrival'];
    duration_ms: number;
    workflows: Plan['workflows'];
    sessions: Plan['sessions'];
    seed: number;
  };
  started_at: string;
  ended_at: string;
  /** From the first iteration to the last one's end (the rates are over this). */
  elapsed_ms: number;
  interrupted: boolean;
  totals: {
    http_reqs: number;
    http_reqs_per_s: number;
    errors: number;
    error_rate: number;
    rate_limited: number;
    rate_limit_wait_ms: number;
    iterations: { started: number; completed: number; failed: number; interrupted: number; dropped: number };
  };
  http_req_duration: TrendSummary;
  steps: { name: string; workflow: string; requests: number; per_s: number; errors: number; rate_limited: number; statuses: Record<string, number>; latency: TrendSummary }[];
  workflows: { name: string; weight: number; started: number; completed: number; failed: number; duration: TrendSummary }[];
  consistency: { kind: string; count: number; timeouts: number; latency: TrendSummary }[];
  errors: { step: string; workflow: string; status: number; code: string; count: number; message: string }[];
  queues: { samples: { t_ms: number; depth: Record<string, number>; total: number }[]; depth: TrendSummary; lag: TrendSummary; sample_failures: number };
  series: SeriesPoint[];
  thresholds: ThresholdResult[];
  passed: boolean;
}

export interface RunFacts {
  plan: Plan;
  metrics: Metrics;
  startedAt: Date;
  endedAt: Date;
  elapsedMs: number;
  interrupted: boolean;
  interruptedIterations: number;
  sandbox: { id: number; created: boolean; deleted: boolean };
  sampleFailures: number;
}

export function buildReport(f: RunFacts): LoadReport {
  const m = f.metrics;
  const seconds = f.elapsedMs / 1000;
  const thresholds = f.plan.thresholds.map((t) => evaluateThreshold(t, m));
  const workflows = f.plan.workflows.map((w) => {
    const s = m.workflows.get(w.name);
    return { name: w.name, weight: w.weight, started: s?.started ?? 0, completed: s?.completed ?? 0, failed: s?.failed ?? 0, duration: (s?.duration ?? emptyTrend()).summary() };
  });
  const started = workflows.reduce((n, w) => n + w.started, 0);
  const completed = workflows.reduce((n, w) => n + w.completed, 0);
  const failed = workflows.reduce((n, w) => n + w.failed, 0);
  const answered = m.requests - m.rateLimited;
  return {
    plan: {
      name: f.plan.name,
      file: f.plan.file,
      description: describePlan(f.plan),
      target: f.plan.target.url,
      sandbox: f.sandbox,
      arrival: f.plan.arrival,
      duration_ms: f.plan.durationMs,
      workflows: f.plan.workflows,
      sessions: f.plan.sessions,
      seed: f.plan.seed,
    },
    started_at: f.startedAt.toISOString(),
    ended_at: f.endedAt.toISOString(),
    elapsed_ms: Math.round(f.elapsedMs),
    interrupted: f.interrupted,
    totals: {
      http_reqs: m.requests,
      http_reqs_per_s: round(m.requests / seconds),
      errors: m.failedRequests,
      error_rate: answered ? round(m.failedRequests / answered, 4) : 0,
      rate_limited: m.rateLimited,
      rate_limit_wait_ms: Math.round(m.rateLimitWaitMs),
      iterations: { started, completed, failed, interrupted: f.interruptedIterations, dropped: m.dropped },
    },
    http_req_duration: m.http.summary(),
    steps: [...m.steps.values()].map((s) => ({
      name: s.name,
      workflow: s.workflow,
      requests: s.requests,
      per_s: round(s.requests / seconds),
      errors: s.errors,
      rate_limited: s.rateLimited,
      statuses: Object.fromEntries([...s.statuses.entries()].sort(([a], [b]) => a - b).map(([k, v]) => [String(k), v])),
      latency: s.latency.summary(),
    })),
    workflows,
    consistency: [...m.consistency.entries()].map(([kind, c]) => ({ kind, count: c.latency.count, timeouts: c.timeouts, latency: c.latency.summary() })),
    errors: [...m.errors.values()].sort((a, b) => b.count - a.count),
    queues: { samples: m.queueSamples, depth: m.queueDepth.summary(), lag: m.queueLag.summary(), sample_failures: f.sampleFailures },
    series: m.series,
    thresholds,
    passed: thresholds.every((t) => t.ok),
  };
}

const round = (v: number, digits = 2) => (Number.isFinite(v) ? Math.round(v * 10 ** digits) / 10 ** digits : 0);

function emptyTrend(): { summary(): TrendSummary } {
  return { summary: () => ({ count: 0, min: null, avg: null, med: null, p90: null, p95: null, p99: null, max: null }) };
}
