import { HttpEngine } from './http-engine';
import { Metrics } from './metrics';
import { Target } from './target';

const PENDING_STATES = ['waiting', 'delayed', 'active', 'prioritized', 'paused'];

interface JobRow {
  id: string;
  queue: string;
  enqueued_at: string;
  processed_at: string | null;
  delay_ms: number;
}

/**
 * Samples `GET /_sim/queues` (depth: jobs waiting, delayed or running, per
 * queue) and, less often, `GET /_sim/jobs` of the run's project (lag: how long
 * each job that started since waited for a worker beyond its simulated delay).
 */
export class QueueSampler {
  private timers: NodeJS.Timeout[] = [];
  private readonly seen = new Set<string>();
  private busy = { depth: false, lag: false };
  last: number | null = null;
  failures = 0;

  constructor(
    private readonly engine: HttpEngine,
    private readonly target: Target,
    private readonly metrics: Metrics,
    private readonly clock: () => number,
    private readonly intervalMs: number,
    private readonly lagIntervalMs: number,
  ) {}

  async start(): Promise<void> {
    // jobs done before the run are not its lag
    if (this.lagIntervalMs > 0) await this.lag(true);
    await this.depth();
    this.timers.push(setInterval(() => void this.depth(), this.intervalMs));
    if (this.lagIntervalMs > 0) this.timers.push(setInterval(() => void this.lag(false), this.lagIntervalMs));
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    if (this.lagIntervalMs > 0) await this.lag(false);
  }

  private async depth(): Promise<void> {
    if (this.busy.depth) return;
    this.busy.depth = true;
    try {
      const res = await this.engine.exchange<Record<string, Record<string, number>>>({ method: 'GET', path: '/_sim/queues', token: this.target.simToken ?? undefined });
      if (res.status !== 200) {
        this.failures++;
        return;
      }
      const depth: Record<string, number> = {};
      for (const [queue, counts] of Object.entries(res.body)) depth[queue] = PENDING_STATES.reduce((n, s) => n + (counts[s] ?? 0), 0);
      const total = Object.values(depth).reduce((a, b) => a + b, 0);
      this.last = total;
      this.metrics.queue({ t_ms: Math.round(this.clock()), depth, total });
    } catch {
      this.failures++;
    } finally {
      this.busy.depth = false;
    }
  }

  private async lag(baseline: boolean): Promise<void> {
    if (this.busy.lag) return;
    this.busy.lag = true;
    try {
      const res = await this.engine.exchange<JobRow[]>({ method: 'GET', path: `/_sim/jobs?project_id=${this.target.projects.first}`, token: this.target.simToken ?? undefined });
      if (res.status !== 200 || !Array.isArray(res.body)) {
        this.failures++;
        return;
      }
      for (const job of res.body) {
        if (!job.processed_at || this.seen.has(job.id)) continue;
        this.seen.add(job.id);
        if (baseline) continue;
        const waited = Date.parse(job.processed_at) - Date.parse(job.enqueued_at) - (job.delay_ms ?? 0);
        if (Number.isFinite(waited)) this.metrics.lag(Math.max(0, waited));
      }
    } catch {
      this.failures++;
    } finally {
      this.busy.lag = false;
    }
  }
}
