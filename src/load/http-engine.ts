import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { FormData, Pool } from 'undici';
import { Metrics, StepStats } from './metrics';
import { wallNow } from './wall-clock';

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface HttpRequest {
  method: Method;
  /** The path under the target URL, with its query. */
  path: string;
  token?: string;
  company?: number;
  json?: unknown;
  /** A multipart body, made anew for each attempt. */
  form?: () => FormData;
  headers?: Record<string, string>;
  /** Which statuses the step counts as success (default: 2xx). Anything else is an error of the step. */
  ok?: (status: number) => boolean;
}

export interface HttpAnswer<T = any> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: T;
  ms: number;
}

/** A step's request answered with a status it does not accept (or no answer): the iteration stops there. */
export class StepFailure extends Error {
  constructor(
    readonly step: string,
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(`${step}: ${status ? `HTTP ${status} ${code}` : code}: ${message}`);
  }
}

/** The run is over (its graceful stop ran out): what was in flight is abandoned, not counted as an error. */
export class Interrupted extends Error {
  constructor() {
    super('interrupted at the end of the run');
  }
}

export interface EngineOptions {
  connections: number;
  timeoutMs: number;
  maxRetries429: number;
}

/** The longest Retry-After a virtual user waits out; past it the 429 counts as an error. */
const MAX_RETRY_AFTER_MS = 60_000;

/**
 * The runner's HTTP engine: one undici Pool (keep-alive connections, no
 * pipelining) to the target, each request timed from send to the last byte of
 * its body. A 429 is waited out as its Retry-After asks and sent again, counted
 * apart from errors and latency.
 */
export class HttpEngine {
  private readonly pool: Pool;
  private readonly prefix: string;

  constructor(
    baseUrl: string,
    private readonly options: EngineOptions,
    private readonly metrics: Metrics | null,
    private readonly signal: AbortSignal,
  ) {
    // every request in flight listens to the run's end
    setMaxListeners(0, signal);
    const u = new URL(baseUrl);
    this.prefix = u.pathname.replace(/\/+$/, '');
    this.pool = new Pool(u.origin, {
      connections: options.connections,
      pipelining: 1,
      keepAliveTimeout: 30_000,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      connectTimeout: Math.min(options.timeoutMs, 10_000),
    });
  }

  /** A request of a step: measured, 429s waited out, a status the step does not accept thrown as StepFailure. */
  async send<T = any>(step: StepStats, req: HttpRequest): Promise<HttpAnswer<T>> {
    const ok = req.ok ?? ((s: number) => s >= 200 && s < 300);
    for (let attempt = 0; ; attempt++) {
      if (this.signal.aborted) throw new Interrupted();
      const started = performance.now();
      let answer: HttpAnswer<T>;
      try {
        answer = await this.exchange<T>(req);
      } catch (err) {
        const ms = performance.now() - started;
        if (this.signal.aborted) throw new Interrupted();
        const e = err as { code?: string; message?: string };
        const code = e.code ?? 'network_error';
        this.metrics?.networkError(step, ms, code, e.message ?? String(err));
        throw new StepFailure(step.name, 0, code, e.message ?? String(err));
      }
      if (answer.status === 429 && attempt < this.options.maxRetries429) {
        const waitMs = retryAfterMs(answer.headers['retry-after']);
        if (waitMs <= MAX_RETRY_AFTER_MS) {
          this.metrics?.throttled(step, waitMs);
          try {
            await sleep(waitMs, undefined, { signal: this.signal });
          } catch {
            throw new Interrupted();
          }
          continue;
        }
      }
      const failed = !ok(answer.status);
      const apiError = errorOf(answer.body);
      this.metrics?.response(step, answer.ms, answer.status, failed, failed ? (apiError ?? undefined) : undefined);
      if (failed) throw new StepFailure(step.name, answer.status, apiError?.code ?? 'unexpected_status', apiError?.message ?? `unexpected HTTP ${answer.status}`);
      return answer;
    }
  }

  /** One exchange, unmeasured (setup, teardown, sampling the queues). */
  async exchange<T = any>(req: HttpRequest): Promise<HttpAnswer<T>> {
    const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
    if (req.token) headers.authorization = `Bearer ${req.token}`;
    if (req.company !== undefined) headers['procore-company-id'] = String(req.company);
    let body: string | FormData | undefined;
    if (req.form) body = req.form();
    else if (req.json !== undefined) {
      body = JSON.stringify(req.json);
      headers['content-type'] = 'application/json';
    }
    const started = performance.now();
    const res = await this.pool.request({ method: req.method, path: this.prefix + req.path, headers, body, signal: this.signal });
    const text = await res.body.text();
    const ms = performance.now() - started;
    const type = String(res.headers['content-type'] ?? '');
    let parsed: unknown = text;
    if (type.includes('json') && text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        /* a broken body stays text */
      }
    }
    return { status: res.statusCode, headers: res.headers, body: parsed as T, ms };
  }

  async close(): Promise<void> {
    await this.pool.close().catch(() => undefined);
  }
}

/** Retry-After in seconds or as an HTTP date; a 429 without one waits a second. */
export function retryAfterMs(value: string | string[] | undefined, now = wallNow()): number {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v.trim() === '') return 1000;
  if (/^\d+(\.\d+)?$/.test(v.trim())) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, at - now) : 1000;
}

/** The API's error body `{error: {code, message}}`, when there is one. */
export function errorOf(body: unknown): { code: string; message: string } | null {
  const e = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  if (e && typeof e === 'object' && typeof e.code === 'string') return { code: e.code, message: typeof e.message === 'string' ? e.message : '' };
  return null;
}
