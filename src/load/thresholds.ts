import { formatDuration } from './duration';

/**
 * Thresholds in k6's style: `<metric>[:<name>] <aggregation> <op> <value>`, e.g.
 * `step:create_rfi p(95) < 300ms`, `errors rate < 1%`, `http_reqs rate > 10/s`,
 * `consistency:budget_after_co p(99) < 2s`.
 */
export type MetricKind = 'trend' | 'gauge' | 'rate' | 'counter';
export type Op = '<' | '<=' | '>' | '>=' | '==' | '!=';
export type Aggregation = { kind: 'percentile'; p: number } | { kind: 'avg' | 'min' | 'max' | 'med' | 'count' | 'rate' };

export interface Threshold {
  /** The text as written. */
  source: string;
  /** Where it was written (1-based), when it came from a file. */
  line?: number;
  metric: string;
  /** The step, workflow or consistency kind after the colon. */
  name: string | null;
  kind: MetricKind;
  aggregation: Aggregation;
  op: Op;
  /** In the metric's base unit: milliseconds for durations, a fraction (0–1) for rates, per second for throughput. */
  value: number;
}

/** What a metric is and what may follow its colon. */
interface MetricDef {
  kind: MetricKind;
  /** `step`, `workflow` or `consistency`: the name after the colon (required unless `optionalName`). */
  names?: 'step' | 'workflow' | 'consistency';
  optionalName?: boolean;
  description: string;
}

export const METRICS: Record<string, MetricDef> = {
  http_req_duration: { kind: 'trend', description: 'latency of every request (all steps)' },
  step: { kind: 'trend', names: 'step', description: 'latency of one workflow step' },
  workflow: { kind: 'trend', names: 'workflow', description: 'duration of one whole workflow iteration' },
  consistency: { kind: 'trend', names: 'consistency', description: 'time until a write is seen (visible_to_other, budget_after_co, attachment_ready)' },
  queue_lag: { kind: 'trend', description: 'time jobs waited for a worker beyond their simulated delay (sampled from /_sim/jobs)' },
  queue_depth: { kind: 'gauge', description: 'jobs waiting, delayed or running in every queue (sampled from /_sim/queues)' },
  errors: { kind: 'rate', names: 'step', optionalName: true, description: 'share of requests that failed (all, or one step)' },
  failed_iterations: { kind: 'rate', names: 'workflow', optionalName: true, description: 'share of iterations that stopped on a failed step' },
  consistency_timeouts: { kind: 'counter', names: 'consistency', optionalName: true, description: 'writes never seen within the consistency timeout' },
  http_reqs: { kind: 'counter', names: 'step', optionalName: true, description: 'requests sent' },
  iterations: { kind: 'counter', names: 'workflow', optionalName: true, description: 'workflow iterations completed' },
  dropped_iterations: { kind: 'counter', description: 'iterations not started because every virtual user was busy' },
  rate_limited: { kind: 'counter', names: 'step', optionalName: true, description: '429 answers (waited out as Retry-After asked)' },
};

const ALLOWED: Record<MetricKind, string[]> = {
  trend: ['p', 'avg', 'min', 'max', 'med', 'count'],
  gauge: ['p', 'avg', 'min', 'max', 'med'],
  rate: ['rate', 'count'],
  counter: ['count', 'rate'],
};

/** What a threshold's names may be: the steps, workflows and consistency kinds of the plan. */
export interface ThresholdCatalog {
  steps: ReadonlyMap<string, string>;
  workflows: ReadonlySet<string>;
  consistency: ReadonlySet<string>;
}

export class ThresholdSyntaxError extends Error {}

const SHAPE = /^\s*([a-z_]+)(?::([A-Za-z0-9_.-]+))?\s+(p\(\s*(\d+(?:\.\d+)?)\s*\)|avg|min|max|med|count|rate)\s*(<=|>=|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*(ms|s|m|%|\/s|\/m)?\s*$/;

/** Parses one threshold; throws ThresholdSyntaxError with a message for people. */
export function parseThreshold(source: string, catalog?: ThresholdCatalog, line?: number): Threshold {
  const m = SHAPE.exec(source);
  if (!m) {
    throw new ThresholdSyntaxError(
      `cannot parse threshold "${source}": write "<metric>[:<name>] <aggregation> <op> <value>", e.g. "step:create_rfi p(95) < 300ms", "errors rate < 1%", "http_reqs rate > 10/s"`,
    );
  }
  const [, metric, name = null, aggText, pText, opText, numText, unit] = m;
  const def = METRICS[metric];
  if (!def) throw new ThresholdSyntaxError(`unknown metric "${metric}" in "${source}" (known: ${Object.keys(METRICS).join(', ')})`);
  if (def.names && !def.optionalName && !name) throw new ThresholdSyntaxError(`"${metric}" needs a ${def.names} name: "${metric}:<${def.names}> …" in "${source}"`);
  if (!def.names && name) throw new ThresholdSyntaxError(`"${metric}" takes no name after a colon in "${source}"`);
  if (name && catalog && def.names) checkName(def.names, name, catalog, source);

  const aggregation: Aggregation = pText !== undefined ? { kind: 'percentile', p: Number(pText) } : { kind: aggText as 'avg' };
  if (aggregation.kind === 'percentile' && !(aggregation.p > 0 && aggregation.p <= 100)) throw new ThresholdSyntaxError(`percentile must be within (0, 100] in "${source}"`);
  const aggKey = aggregation.kind === 'percentile' ? 'p' : aggregation.kind;
  if (!ALLOWED[def.kind].includes(aggKey)) {
    throw new ThresholdSyntaxError(`"${metric}" is a ${def.kind} metric: it takes ${ALLOWED[def.kind].map((a) => (a === 'p' ? 'p(N)' : a)).join(', ')}, not ${aggText} ("${source}")`);
  }
  const value = valueOf(def.kind, aggKey, Number(numText), unit, source);
  return { source: source.trim(), line, metric, name, kind: def.kind, aggregation, op: opText as Op, value };
}

function checkName(names: 'step' | 'workflow' | 'consistency', name: string, catalog: ThresholdCatalog, source: string): void {
  const known = names === 'step' ? [...catalog.steps.keys()] : names === 'workflow' ? [...catalog.workflows] : [...catalog.consistency];
  if (!known.includes(name)) {
    throw new ThresholdSyntaxError(`unknown ${names} "${name}" in "${source}"; the plan's workflows have: ${known.sort().join(', ') || 'none'}`);
  }
}

function valueOf(kind: MetricKind, agg: string, n: number, unit: string | undefined, source: string): number {
  const bad = (want: string) => new ThresholdSyntaxError(`"${source}": the value needs ${want}`);
  if (agg === 'count') {
    if (unit) throw bad('no unit (a count)');
    return n;
  }
  if (kind === 'rate') {
    if (unit === '%') return n / 100;
    if (unit) throw bad('a percentage ("1%") or a fraction ("0.01")');
    if (n < 0 || n > 1) throw bad('a fraction between 0 and 1, or a percentage ("1%")');
    return n;
  }
  if (kind === 'counter') {
    if (unit === '/s' || unit === undefined) return n;
    if (unit === '/m') return n / 60;
    throw bad('a rate per second ("10/s") or per minute ("600/m")');
  }
  if (kind === 'gauge') {
    if (unit) throw bad('a number of jobs, without a unit');
    return n;
  }
  if (unit === undefined || unit === 'ms') return n;
  if (unit === 's') return n * 1000;
  if (unit === 'm') return n * 60_000;
  throw bad('a duration ("300ms", "2s")');
}

/** A trend's numbers, in milliseconds (a gauge's in its own unit). */
export interface TrendView {
  count: number;
  percentile(p: number): number;
  avg: number;
  min: number;
  max: number;
}

/** What thresholds are evaluated against (the run's metrics). */
export interface ThresholdData {
  seconds: number;
  trend(metric: string, name: string | null): TrendView | null;
  /** A rate metric: hits out of total. */
  rate(metric: string, name: string | null): { hits: number; total: number };
  counter(metric: string, name: string | null): number;
}

export interface ThresholdResult {
  source: string;
  line?: number;
  ok: boolean;
  /** The measured value in the threshold's unit (null: nothing measured). */
  actual: number | null;
  /** The measured value as people read it, e.g. "p(95)=412ms". */
  observed: string;
}

const compare = (a: number, op: Op, b: number): boolean =>
  op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : op === '>=' ? a >= b : op === '==' ? a === b : a !== b;

/** Evaluates one threshold. A metric with no samples fails it: a threshold that measured nothing proves nothing. */
export function evaluateThreshold(t: Threshold, data: ThresholdData): ThresholdResult {
  const agg = t.aggregation;
  const label = agg.kind === 'percentile' ? `p(${agg.p})` : agg.kind;
  const result = (actual: number | null, shown: string): ThresholdResult => ({
    source: t.source,
    line: t.line,
    ok: actual !== null && Number.isFinite(actual) && compare(actual, t.op, t.value),
    actual,
    observed: `${label}=${shown}`,
  });
  if (t.kind === 'trend' || t.kind === 'gauge') {
    const trend = data.trend(t.metric, t.name);
    if (agg.kind === 'count') return result(trend?.count ?? 0, String(trend?.count ?? 0));
    if (!trend || trend.count === 0) return result(null, 'no samples');
    const v = agg.kind === 'percentile' ? trend.percentile(agg.p) : agg.kind === 'med' ? trend.percentile(50) : agg.kind === 'avg' ? trend.avg : agg.kind === 'min' ? trend.min : trend.max;
    return result(v, t.kind === 'gauge' ? String(Math.round(v * 100) / 100) : formatDuration(v));
  }
  if (t.kind === 'rate') {
    const { hits, total } = data.rate(t.metric, t.name);
    if (agg.kind === 'count') return result(hits, `${hits} of ${total}`);
    if (total === 0) return result(null, 'no samples');
    const r = hits / total;
    return result(r, `${(r * 100).toFixed(2)}% (${hits} of ${total})`);
  }
  const n = data.counter(t.metric, t.name);
  if (agg.kind === 'count') return result(n, String(n));
  if (!(data.seconds > 0)) return result(null, 'no time measured');
  const perSecond = n / data.seconds;
  return result(perSecond, `${perSecond.toFixed(2)}/s (${n} in ${data.seconds.toFixed(1)}s)`);
}
