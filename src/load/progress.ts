import { formatDuration } from './duration';
import { Metrics } from './metrics';

/**
 * The live progress line on stderr: elapsed, requests/s and p95 of the last
 * second, errors, 429s, queue depth, busy virtual users. On a terminal it is
 * rewritten in place each second; otherwise a line is printed every 5 s.
 */
export class Progress {
  private timer: NodeJS.Timeout | null = null;
  private ticks = 0;

  constructor(
    private readonly out: NodeJS.WritableStream & { isTTY?: boolean },
    private readonly metrics: Metrics,
    private readonly clock: () => number,
    private readonly durationMs: number,
    private readonly queueDepth: () => number | null,
  ) {}

  start(): this {
    this.timer = setInterval(() => this.tick(), 1000);
    return this;
  }

  line(): string {
    const m = this.metrics;
    const last = m.lastSecond();
    const answered = m.requests - m.rateLimited;
    const rate = answered ? ((m.failedRequests / answered) * 100).toFixed(2) : '0.00';
    const iterations = [...m.workflows.values()].reduce((a, w) => ({ done: a.done + w.completed, failed: a.failed + w.failed }), { done: 0, failed: 0 });
    const depth = this.queueDepth();
    return (
      `[load] ${formatDuration(this.clock())}/${formatDuration(this.durationMs)}  ${last?.requests ?? 0} req/s  p95 ${last?.p95 != null ? formatDuration(last.p95) : '–'}  ` +
      `errors ${m.failedRequests} (${rate}%)  429 ${m.rateLimited}  queue ${depth ?? '–'}  vus ${last?.vus ?? 0}  iterations ${iterations.done} done, ${iterations.failed} failed${m.dropped ? `, ${m.dropped} dropped` : ''}`
    );
  }

  private tick(): void {
    this.metrics.tick();
    this.ticks++;
    if (this.out.isTTY) this.out.write(`\r\x1b[2K${this.line()}`);
    else if (this.ticks % 5 === 0) this.out.write(`${this.line()}\n`);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.out.isTTY) this.out.write(`\r\x1b[2K${this.line()}\n`);
  }
}
