import { formatDuration } from '../duration';
import { TrendSummary } from '../metrics';
import { LoadReport } from './report';

const ms = (v: number | null) => (v === null ? '-' : formatDuration(v));

function table(head: string[], rows: string[][], right: boolean[]): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (right[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
  return [line(head), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)];
}

const trendCells = (t: TrendSummary) => [ms(t.avg), ms(t.med), ms(t.p95), ms(t.p99), ms(t.max)];

/** The end-of-run summary, as a table per section. */
export function summaryText(r: LoadReport): string {
  const out: string[] = [];
  const t = r.totals;
  out.push(`\n${r.plan.description}`);
  out.push(
    `target ${r.plan.target} (sandbox ${r.plan.sandbox.id}${r.plan.sandbox.created ? `, created for the run${r.plan.sandbox.deleted ? ' and deleted' : ', kept'}` : ''}); ${formatDuration(r.elapsed_ms)}${r.interrupted ? ' (interrupted)' : ''}`,
  );
  out.push(
    `http_reqs ${t.http_reqs} (${t.http_reqs_per_s}/s)  errors ${t.errors} (${(t.error_rate * 100).toFixed(2)}%)  429s waited out ${t.rate_limited} (${formatDuration(t.rate_limit_wait_ms)})  ` +
      `iterations ${t.iterations.completed} done, ${t.iterations.failed} failed, ${t.iterations.dropped} dropped${t.iterations.interrupted ? `, ${t.iterations.interrupted} cut at the end` : ''}`,
  );
  out.push('');
  out.push(
    ...table(
      ['step', 'workflow', 'reqs', '/s', 'errors', '429', 'avg', 'med', 'p95', 'p99', 'max'],
      r.steps.map((s) => [s.name, s.workflow, String(s.requests), s.per_s.toFixed(2), String(s.errors), String(s.rate_limited), ...trendCells(s.latency)]),
      [false, false, true, true, true, true, true, true, true, true, true],
    ),
  );
  out.push('');
  out.push(
    ...table(
      ['workflow', 'weight', 'done', 'failed', 'avg', 'med', 'p95', 'p99', 'max'],
      r.workflows.map((w) => [w.name, String(w.weight), String(w.completed), String(w.failed), ...trendCells(w.duration)]),
      [false, true, true, true, true, true, true, true, true],
    ),
  );
  if (r.consistency.length) {
    out.push('');
    out.push(
      ...table(
        ['consistency', 'seen', 'timeouts', 'avg', 'med', 'p95', 'p99', 'max'],
        r.consistency.map((c) => [c.kind, String(c.count), String(c.timeouts), ...trendCells(c.latency)]),
        [false, true, true, true, true, true, true, true],
      ),
    );
  }
  out.push('');
  out.push(`queues: depth max ${r.queues.depth.max ?? '-'}, avg ${r.queues.depth.avg ?? '-'} (${r.queues.samples.length} samples); lag p95 ${ms(r.queues.lag.p95)}, max ${ms(r.queues.lag.max)} (${r.queues.lag.count} jobs)`);
  if (r.errors.length) {
    out.push('');
    out.push(...table(['errors: step', 'status', 'code', 'count', 'message'], r.errors.slice(0, 15).map((e) => [e.step, String(e.status), e.code, String(e.count), e.message.slice(0, 80)]), [false, true, false, true, false]));
  }
  if (r.thresholds.length) {
    out.push('');
    for (const th of r.thresholds) out.push(`${th.ok ? '✓' : '✗'} ${th.source.padEnd(44)} ${th.observed}`);
  }
  out.push('');
  out.push(r.thresholds.length ? (r.passed ? `all ${r.thresholds.length} thresholds passed` : `${r.thresholds.filter((x) => !x.ok).length} of ${r.thresholds.length} thresholds failed`) : 'no thresholds');
  return `${out.join('\n')}\n`;
}
