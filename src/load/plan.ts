import { basename, extname } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, Node, parseDocument, Scalar, YAMLMap } from 'yaml';
import { formatDuration, parseDuration } from './duration';
import { parseThreshold, Threshold, ThresholdCatalog, ThresholdSyntaxError } from './thresholds';
import { isWorkflowName, SESSION_STEPS, WORKFLOW_NAMES, WORKFLOWS, WorkflowName } from './workflows/catalog';

export type Arrival =
  | { model: 'constant_arrival_rate'; rate: number; timeUnitMs: number; maxVus: number }
  | { model: 'ramping_arrival_rate'; startRate: number; timeUnitMs: number; stages: { target: number; durationMs: number }[]; maxVus: number }
  | { model: 'vus'; vus: number; pauseMs: number };

export type SandboxTarget =
  | { kind: 'existing'; token: string }
  | { kind: 'create'; template: 'training'; name: string | null; keep: boolean; settings: Record<string, unknown> | null };

export interface Plan {
  name: string;
  file: string;
  target: { url: string; sandbox: SandboxTarget; operatorToken: string | null; line?: number };
  durationMs: number;
  arrival: Arrival;
  gracefulStopMs: number;
  workflows: { name: WorkflowName; weight: number }[];
  thresholds: Threshold[];
  consistency: { timeoutMs: number; pollIntervalMs: number };
  sessions: 'shared' | 'per_vu';
  thinkTimeMs: number;
  queues: { intervalMs: number; lagIntervalMs: number };
  http: { connections: number; timeoutMs: number; maxRetries429: number };
  seed: number;
}

export interface PlanProblem {
  line?: number;
  message: string;
}

/** A plan that cannot run: every problem found, each with its line. */
export class PlanError extends Error {
  constructor(
    readonly file: string,
    readonly problems: PlanProblem[],
  ) {
    super(problems.map((p) => `${file}${p.line ? `:${p.line}` : ''}: ${p.message}`).join('\n'));
  }
}

export interface PlanOverrides {
  durationMs?: number;
  targetUrl?: string;
}

const TOP_KEYS = ['name', 'target', 'duration', 'arrival', 'graceful_stop', 'workflows', 'thresholds', 'consistency', 'sessions', 'think_time', 'queues', 'http', 'seed'];

/** Reads a plan (YAML, or JSON, which YAML reads too) and checks all of it; throws PlanError naming each bad line. */
export function parsePlan(text: string, file: string, overrides: PlanOverrides = {}): Plan {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  const r = new Reader(lines);
  for (const e of doc.errors) r.problems.push({ line: e.linePos?.[0]?.line, message: e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '') });
  if (r.problems.length) throw new PlanError(file, r.problems);
  const root = doc.contents as Node | null;
  if (!isMap(root)) throw new PlanError(file, [{ line: r.line(root), message: 'a plan is a mapping with target, workflows, arrival, duration and thresholds' }]);
  const top = r.fields(root, TOP_KEYS, '');

  const name = top.name ? r.string(top.name, 'name') : basename(file, extname(file));
  const target = r.target(top.target, root, overrides.targetUrl);
  const workflows = r.workflows(top.workflows, root);
  const arrival = r.arrival(top.arrival, root);
  let durationMs: number | null = null;
  if (arrival?.model === 'ramping_arrival_rate') {
    if (top.duration) r.fail(top.duration, 'duration: a ramping_arrival_rate runs as long as its stages (leave duration out, or use --duration to scale them)');
    durationMs = arrival.stages.reduce((sum, s) => sum + s.durationMs, 0);
  } else if (top.duration) {
    durationMs = r.duration(top.duration, 'duration', { positive: true });
  } else if (!overrides.durationMs) {
    r.fail(root, 'duration is missing (e.g. "duration: 30s")');
  }
  const gracefulStopMs = top.graceful_stop ? (r.duration(top.graceful_stop, 'graceful_stop') ?? 10_000) : 10_000;
  const consistency = r.consistency(top.consistency);
  const sessions = top.sessions ? r.oneOf(top.sessions, 'sessions', ['shared', 'per_vu'] as const) : 'shared';
  const thinkTimeMs = top.think_time ? (r.duration(top.think_time, 'think_time') ?? 0) : 0;
  const queues = r.queues(top.queues);
  const http = r.http(top.http);
  const seed = top.seed ? (r.integer(top.seed, 'seed', 0) ?? 1) : 1;

  const running = new Set((workflows ?? []).map((w) => w.name));
  const catalog: ThresholdCatalog = {
    steps: new Map([...SESSION_STEPS.map((s) => [s, 'session'] as const), ...[...running].flatMap((w) => WORKFLOWS[w].steps.map((s) => [s, w] as const))]),
    workflows: running,
    consistency: new Set([...running].flatMap((w) => WORKFLOWS[w].consistency)),
  };
  const thresholds = r.thresholds(top.thresholds, catalog);

  if (r.problems.length) throw new PlanError(file, r.problems);
  let plan: Plan = {
    name: name!,
    file,
    target: target!,
    durationMs: durationMs ?? 0,
    arrival: arrival!,
    gracefulStopMs,
    workflows: workflows!,
    thresholds,
    consistency: consistency!,
    sessions: sessions!,
    thinkTimeMs,
    queues: queues!,
    http: http!,
    seed,
  };
  if (overrides.durationMs) plan = withDuration(plan, overrides.durationMs);
  return plan;
}

/** The plan run for another length: a ramping plan's stages are scaled to fit. */
export function withDuration(plan: Plan, durationMs: number): Plan {
  if (plan.arrival.model !== 'ramping_arrival_rate') return { ...plan, durationMs };
  const total = plan.arrival.stages.reduce((sum, s) => sum + s.durationMs, 0);
  const stages = plan.arrival.stages.map((s) => ({ ...s, durationMs: (s.durationMs / total) * durationMs }));
  return { ...plan, durationMs, arrival: { ...plan.arrival, stages } };
}

/** One line per plan setting, for the start of a run. */
export function describePlan(plan: Plan): string {
  const a = plan.arrival;
  const arrival =
    a.model === 'vus'
      ? `${a.vus} virtual users looping`
      : a.model === 'constant_arrival_rate'
        ? `${a.rate} iterations per ${formatDuration(a.timeUnitMs)} (up to ${a.maxVus} VUs)`
        : `ramping from ${a.startRate} per ${formatDuration(a.timeUnitMs)} through ${a.stages.map((s) => `${s.target} in ${formatDuration(s.durationMs)}`).join(', ')} (up to ${a.maxVus} VUs)`;
  const mix = plan.workflows.map((w) => `${w.name}×${w.weight}`).join(' ');
  return `${plan.name}: ${arrival} for ${formatDuration(plan.durationMs)}; mix ${mix}; ${plan.thresholds.length} thresholds`;
}

class Reader {
  readonly problems: PlanProblem[] = [];

  constructor(private readonly lines: LineCounter) {}

  line(node: unknown): number | undefined {
    const range = (node as { range?: [number, number, number] } | null)?.range;
    return range ? this.lines.linePos(range[0]).line : undefined;
  }

  fail(node: unknown, message: string): null {
    this.problems.push({ line: this.line(node), message });
    return null;
  }

  /** The map's values by key; an unknown key is a problem (a typo must not pass silently). */
  fields(map: YAMLMap, allowed: string[], path: string): Record<string, Node | undefined> {
    const out: Record<string, Node | undefined> = {};
    for (const pair of map.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : null;
      if (key === null) {
        this.fail(pair.key, `${path || 'plan'}: keys are plain names`);
        continue;
      }
      if (!allowed.includes(key)) {
        this.fail(pair.key, `unknown setting "${path}${key}" (known here: ${allowed.join(', ')})`);
        continue;
      }
      out[key] = (pair.value ?? new Scalar(null)) as Node;
      if (!pair.value) (out[key] as Node).range = (pair.key as Node).range;
    }
    return out;
  }

  map(node: Node | undefined, path: string, allowed: string[]): Record<string, Node | undefined> | null {
    if (!isMap(node)) return this.fail(node, `${path} must be a mapping`);
    return this.fields(node, allowed, `${path}.`);
  }

  scalar(node: Node | undefined): unknown {
    return isScalar(node) ? node.value : undefined;
  }

  string(node: Node | undefined, path: string): string | null {
    const v = this.scalar(node);
    if (typeof v !== 'string' || v.trim() === '') return this.fail(node, `${path} must be a non-empty string`);
    return v;
  }

  number(node: Node | undefined, path: string, opts: { positive?: boolean; min?: number } = {}): number | null {
    const v = this.scalar(node);
    if (typeof v !== 'number' || !Number.isFinite(v)) return this.fail(node, `${path} must be a number (got ${JSON.stringify(v ?? null)})`);
    if (opts.positive && !(v > 0)) return this.fail(node, `${path} must be more than 0 (got ${v})`);
    if (opts.min !== undefined && v < opts.min) return this.fail(node, `${path} must be at least ${opts.min} (got ${v})`);
    return v;
  }

  integer(node: Node | undefined, path: string, min: number): number | null {
    const v = this.number(node, path, { min });
    if (v !== null && !Number.isInteger(v)) return this.fail(node, `${path} must be a whole number (got ${v})`);
    return v;
  }

  duration(node: Node | undefined, path: string, opts: { positive?: boolean } = {}): number | null {
    const v = this.scalar(node);
    // A bare number would be milliseconds, and `duration: 60` meant as a minute would run for 60 ms: a unit is required.
    if (typeof v === 'number' || (typeof v === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(v))) return this.fail(node, `${path} needs a unit, e.g. "${v}s" or "${v}ms" (got ${JSON.stringify(v)})`);
    const ms = typeof v === 'string' ? parseDuration(v) : null;
    if (ms === null) return this.fail(node, `${path} must be a duration such as "300ms", "5s" or "2m" (got ${JSON.stringify(v ?? null)})`);
    if (opts.positive && ms <= 0) return this.fail(node, `${path} must be longer than 0`);
    return ms;
  }

  oneOf<T extends string>(node: Node | undefined, path: string, values: readonly T[]): T | null {
    const v = this.scalar(node);
    if (typeof v !== 'string' || !values.includes(v as T)) return this.fail(node, `${path} must be one of ${values.join(', ')} (got ${JSON.stringify(v ?? null)})`);
    return v as T;
  }

  target(node: Node | undefined, root: Node, urlOverride?: string): Plan['target'] | null {
    if (!node) return this.fail(root, 'target is missing (url, and sandbox_token or sandbox: {template: training})');
    const f = this.map(node, 'target', ['url', 'sandbox_token', 'sandbox', 'operator_token']);
    if (!f) return null;
    let url: string | null = urlOverride ?? null;
    if (!url) url = f.url ? this.string(f.url, 'target.url') : this.fail(node, 'target.url is missing');
    if (url) {
      try {
        const u = new URL(url);
        if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
      } catch {
        this.fail(f.url ?? node, `target.url must be an http(s) URL (got ${JSON.stringify(url)})`);
      }
    }
    let sandbox: SandboxTarget | null = null;
    if (f.sandbox_token && f.sandbox) this.fail(f.sandbox, 'target takes sandbox_token (an existing sandbox) or sandbox (one created for the run), not both');
    else if (f.sandbox_token) {
      const token = this.string(f.sandbox_token, 'target.sandbox_token');
      if (token) sandbox = { kind: 'existing', token };
    } else if (f.sandbox) {
      const s = this.map(f.sandbox, 'target.sandbox', ['template', 'name', 'keep', 'settings']);
      if (s) {
        const template = s.template ? this.oneOf(s.template, 'target.sandbox.template', ['training'] as const) : this.fail(f.sandbox, 'target.sandbox.template is missing (training)');
        const name = s.name ? this.string(s.name, 'target.sandbox.name') : null;
        const keepValue = s.keep ? this.scalar(s.keep) : false;
        if (typeof keepValue !== 'boolean') this.fail(s.keep, 'target.sandbox.keep must be true or false');
        let settings: Record<string, unknown> | null = null;
        if (s.settings) {
          if (!isMap(s.settings)) this.fail(s.settings, 'target.sandbox.settings must be a mapping (as PATCH /_sim/sandboxes/{id}/settings takes)');
          else settings = s.settings.toJSON() as Record<string, unknown>;
        }
        if (template) sandbox = { kind: 'create', template, name, keep: keepValue === true, settings };
      }
    } else this.fail(node, 'target needs sandbox_token (an existing sandbox) or sandbox: {template: training} (one created for the run)');
    const operatorToken = f.operator_token ? this.string(f.operator_token, 'target.operator_token') : null;
    if (!url || !sandbox) return null;
    return { url: url.replace(/\/+$/, ''), sandbox, operatorToken, line: this.line(f.url ?? node) };
  }

  workflows(node: Node | undefined, root: Node): Plan['workflows'] | null {
    if (!node) return this.fail(root, `workflows is missing: a mapping of workflow to weight (known: ${WORKFLOW_NAMES.join(', ')})`);
    if (!isMap(node)) return this.fail(node, 'workflows must be a mapping of workflow to weight, e.g. "rfi_lifecycle: 3"');
    const out: Plan['workflows'] = [];
    for (const pair of node.items) {
      const name = isScalar(pair.key) ? String(pair.key.value) : '';
      if (!isWorkflowName(name)) {
        this.fail(pair.key, `unknown workflow "${name}" (known: ${WORKFLOW_NAMES.join(', ')})`);
        continue;
      }
      const value = (pair.value ?? undefined) as Node | undefined;
      let weight: number | null;
      if (isMap(value)) {
        const wf = this.fields(value, ['weight'], `workflows.${name}.`);
        weight = wf.weight ? this.number(wf.weight, `workflows.${name}.weight`, { min: 0 }) : this.fail(value, `workflows.${name}.weight is missing`);
      } else if (value === undefined || this.scalar(value) === null) {
        weight = this.fail(pair.key, `workflows.${name} needs a weight (e.g. "${name}: 1")`);
      } else {
        weight = this.number(value, `workflows.${name} weight`, { min: 0 });
      }
      if (weight === null) continue;
      out.push({ name, weight });
    }
    if (out.length && out.every((w) => w.weight === 0)) this.fail(node, 'workflows: at least one weight must be more than 0');
    if (!out.length && !this.problems.length) this.fail(node, 'workflows: name at least one workflow');
    return out.filter((w) => w.weight > 0);
  }

  arrival(node: Node | undefined, root: Node): Arrival | null {
    if (!node) return this.fail(root, 'arrival is missing (model: constant_arrival_rate, ramping_arrival_rate or vus)');
    const f = this.map(node, 'arrival', ['model', 'rate', 'time_unit', 'start_rate', 'stages', 'vus', 'pause', 'max_vus']);
    if (!f) return null;
    const model = f.model ? this.oneOf(f.model, 'arrival.model', ['constant_arrival_rate', 'ramping_arrival_rate', 'vus'] as const) : this.fail(node, 'arrival.model is missing');
    if (!model) return null;
    const only = (allowed: string[]) => {
      for (const [k, v] of Object.entries(f)) if (v && k !== 'model' && !allowed.includes(k)) this.fail(v, `arrival.${k} does not apply to ${model} (it takes ${allowed.join(', ')})`);
    };
    const timeUnitMs = f.time_unit ? this.duration(f.time_unit, 'arrival.time_unit', { positive: true }) : 1000;
    const maxVus = f.max_vus ? this.integer(f.max_vus, 'arrival.max_vus', 1) : 100;
    if (model === 'vus') {
      only(['vus', 'pause']);
      const vus = f.vus ? this.integer(f.vus, 'arrival.vus', 1) : this.fail(node, 'arrival.vus is missing (how many virtual users loop)');
      const pauseMs = f.pause ? this.duration(f.pause, 'arrival.pause') : 0;
      return vus === null || pauseMs === null ? null : { model, vus, pauseMs };
    }
    if (model === 'constant_arrival_rate') {
      only(['rate', 'time_unit', 'max_vus']);
      const rate = f.rate ? this.number(f.rate, 'arrival.rate', { positive: true }) : this.fail(node, 'arrival.rate is missing (iterations per time_unit)');
      return rate === null || timeUnitMs === null || maxVus === null ? null : { model, rate, timeUnitMs, maxVus };
    }
    only(['start_rate', 'stages', 'time_unit', 'max_vus']);
    const startRate = f.start_rate ? this.number(f.start_rate, 'arrival.start_rate', { min: 0 }) : 0;
    if (!f.stages) return this.fail(node, 'arrival.stages is missing: a list of {target, duration}');
    if (!isSeq(f.stages) || f.stages.items.length === 0) return this.fail(f.stages, 'arrival.stages must be a non-empty list of {target, duration}');
    const stages: { target: number; durationMs: number }[] = [];
    f.stages.items.forEach((item, i) => {
      const s = this.map(item as Node, `arrival.stages[${i}]`, ['target', 'duration']);
      if (!s) return;
      const target = s.target ? this.number(s.target, `arrival.stages[${i}].target`, { min: 0 }) : this.fail(item, `arrival.stages[${i}].target is missing`);
      const durationMs = s.duration ? this.duration(s.duration, `arrival.stages[${i}].duration`, { positive: true }) : this.fail(item, `arrival.stages[${i}].duration is missing`);
      if (target !== null && durationMs !== null) stages.push({ target, durationMs });
    });
    if (stages.length && startRate !== null && startRate === 0 && stages.every((s) => s.target === 0)) this.fail(f.stages, 'arrival.stages: every rate is 0, nothing would run');
    return startRate === null || timeUnitMs === null || maxVus === null || stages.length !== f.stages.items.length ? null : { model, startRate, timeUnitMs, stages, maxVus };
  }

  thresholds(node: Node | undefined, catalog: ThresholdCatalog): Threshold[] {
    if (!node) return [];
    if (!isSeq(node)) {
      this.fail(node, 'thresholds must be a list of strings such as "step:create_rfi p(95) < 300ms"');
      return [];
    }
    const out: Threshold[] = [];
    for (const item of node.items as Node[]) {
      const text = this.scalar(item);
      if (typeof text !== 'string') {
        this.fail(item, 'a threshold is a string such as "errors rate < 1%"');
        continue;
      }
      try {
        out.push(parseThreshold(text, catalog, this.line(item)));
      } catch (err) {
        if (!(err instanceof ThresholdSyntaxError)) throw err;
        this.fail(item, err.message);
      }
    }
    return out;
  }

  consistency(node: Node | undefined): Plan['consistency'] | null {
    const f = node ? this.map(node, 'consistency', ['timeout', 'poll_interval']) : {};
    if (!f) return null;
    const timeoutMs = f.timeout ? this.duration(f.timeout, 'consistency.timeout', { positive: true }) : 10_000;
    const pollIntervalMs = f.poll_interval ? this.duration(f.poll_interval, 'consistency.poll_interval', { positive: true }) : 100;
    return timeoutMs === null || pollIntervalMs === null ? null : { timeoutMs, pollIntervalMs };
  }

  queues(node: Node | undefined): Plan['queues'] | null {
    const f = node ? this.map(node, 'queues', ['interval', 'lag_interval']) : {};
    if (!f) return null;
    const intervalMs = f.interval ? this.duration(f.interval, 'queues.interval', { positive: true }) : 1000;
    const lagIntervalMs = f.lag_interval ? this.duration(f.lag_interval, 'queues.lag_interval') : 5000;
    return intervalMs === null || lagIntervalMs === null ? null : { intervalMs, lagIntervalMs };
  }

  http(node: Node | undefined): Plan['http'] | null {
    const f = node ? this.map(node, 'http', ['connections', 'timeout', 'max_retries_429']) : {};
    if (!f) return null;
    const connections = f.connections ? this.integer(f.connections, 'http.connections', 1) : 64;
    const timeoutMs = f.timeout ? this.duration(f.timeout, 'http.timeout', { positive: true }) : 30_000;
    const maxRetries429 = f.max_retries_429 ? this.integer(f.max_retries_429, 'http.max_retries_429', 0) : 5;
    return connections === null || timeoutMs === null || maxRetries429 === null ? null : { connections, timeoutMs, maxRetries429 };
  }
}
