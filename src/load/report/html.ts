import { readFileSync } from 'node:fs';
import { formatDuration } from '../duration';
import { LoadReport } from './report';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const ms = (v: number | null) => (v === null ? '–' : formatDuration(v));
/** JSON safe inside a <script> element. */
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

let uplot: { js: string; css: string } | null = null;
/** uPlot (MIT), inlined so that the report opens with no network. */
function uplotAssets(): { js: string; css: string } {
  uplot ??= {
    js: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
    css: readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
  };
  return uplot;
}

function table(head: string[], rows: string[][]): string {
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}

/** `report.html`: one self-contained file with the charts (latency over time, throughput, errors, queue depth) and the tables. */
export function reportHtml(r: LoadReport): string {
  const { js, css } = uplotAssets();
  const s = r.series;
  const queues = [...new Set(r.queues.samples.flatMap((q) => Object.keys(q.depth)))];
  const charts = {
    latency: { title: 'Latency per second (ms)', data: [s.map((p) => p.t), s.map((p) => p.p50), s.map((p) => p.p95), s.map((p) => p.p99)], series: ['p50', 'p95', 'p99'] },
    throughput: { title: 'Throughput (per second)', data: [s.map((p) => p.t), s.map((p) => p.requests), s.map((p) => p.iterations), s.map((p) => p.vus)], series: ['requests', 'iterations done', 'busy VUs'] },
    errors: { title: 'Errors (per second)', data: [s.map((p) => p.t), s.map((p) => p.errors), s.map((p) => p.rate_limited), s.map((p) => p.dropped)], series: ['errors', '429 waited out', 'dropped iterations'] },
    queues: {
      title: 'Queue depth (jobs waiting, delayed or running)',
      data: [r.queues.samples.map((q) => q.t_ms / 1000), ...queues.map((name) => r.queues.samples.map((q) => q.depth[name] ?? null)), r.queues.samples.map((q) => q.total)],
      series: [...queues, 'total'],
    },
  };
  const t = r.totals;
  const verdict = r.thresholds.length ? (r.passed ? `<span class="ok">all ${r.thresholds.length} thresholds passed</span>` : `<span class="bad">${r.thresholds.filter((x) => !x.ok).length} of ${r.thresholds.length} thresholds failed</span>`) : 'no thresholds';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>load report: ${esc(r.plan.name)}</title>
<style>${css}
body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#1d2430;max-width:1200px}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px}
table{border-collapse:collapse;margin:6px 0 12px;font-variant-numeric:tabular-nums}
th,td{border-bottom:1px solid #dde2ea;padding:3px 10px;text-align:right}th:first-child,td:first-child{text-align:left}
.ok{color:#127a3a;font-weight:600}.bad{color:#b42318;font-weight:600}.muted{color:#5b6575}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(560px,1fr));gap:16px}
</style></head><body>
<h1>${esc(r.plan.name)} — ${verdict}</h1>
<div class="muted">${esc(r.plan.description)}<br>target ${esc(r.plan.target)}, sandbox ${r.plan.sandbox.id}${r.plan.sandbox.created ? ' (created for the run)' : ''}; ${esc(r.started_at)} for ${esc(formatDuration(r.elapsed_ms))}${r.interrupted ? ' (interrupted)' : ''}</div>
<p>${t.http_reqs} requests (${t.http_reqs_per_s}/s), ${t.errors} errors (${(t.error_rate * 100).toFixed(2)}%), ${t.rate_limited} 429s waited out (${esc(formatDuration(t.rate_limit_wait_ms))}); iterations ${t.iterations.completed} done, ${t.iterations.failed} failed, ${t.iterations.dropped} dropped.</p>
<h2>Thresholds</h2>
${table(['threshold', 'measured', 'result'], r.thresholds.map((th) => [esc(th.source), esc(th.observed), th.ok ? '<span class="ok">pass</span>' : '<span class="bad">fail</span>']))}
<h2>Charts</h2>
<div class="charts"><div id="latency"></div><div id="throughput"></div><div id="errors"></div><div id="queues"></div></div>
<h2>Steps</h2>
${table(['step', 'workflow', 'requests', '/s', 'errors', '429', 'avg', 'med', 'p95', 'p99', 'max', 'statuses'], r.steps.map((x) => [esc(x.name), esc(x.workflow), String(x.requests), x.per_s.toFixed(2), String(x.errors), String(x.rate_limited), ms(x.latency.avg), ms(x.latency.med), ms(x.latency.p95), ms(x.latency.p99), ms(x.latency.max), esc(Object.entries(x.statuses).map(([k, v]) => `${k}×${v}`).join(' '))]))}
<h2>Workflows</h2>
${table(['workflow', 'weight', 'started', 'done', 'failed', 'avg', 'med', 'p95', 'p99', 'max'], r.workflows.map((w) => [esc(w.name), String(w.weight), String(w.started), String(w.completed), String(w.failed), ms(w.duration.avg), ms(w.duration.med), ms(w.duration.p95), ms(w.duration.p99), ms(w.duration.max)]))}
<h2>Time to consistency</h2>
${r.consistency.length ? table(['kind', 'seen', 'timeouts', 'avg', 'med', 'p95', 'p99', 'max'], r.consistency.map((c) => [esc(c.kind), String(c.count), String(c.timeouts), ms(c.latency.avg), ms(c.latency.med), ms(c.latency.p95), ms(c.latency.p99), ms(c.latency.max)])) : '<p class="muted">none measured</p>'}
<h2>Queues</h2>
<p>depth max ${r.queues.depth.max ?? '–'}, avg ${r.queues.depth.avg ?? '–'} over ${r.queues.samples.length} samples; lag p95 ${ms(r.queues.lag.p95)}, max ${ms(r.queues.lag.max)} over ${r.queues.lag.count} jobs.</p>
<h2>Errors</h2>
${r.errors.length ? table(['step', 'status', 'code', 'count', 'message'], r.errors.map((e) => [esc(e.step), String(e.status), esc(e.code), String(e.count), esc(e.message)])) : '<p class="muted">none</p>'}
<script>${js}</script>
<script>
const charts = ${scriptJson(charts)};
const colors = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2'];
for (const [id, c] of Object.entries(charts)) {
  const el = document.getElementById(id);
  if (!c.data[0].length) { el.innerHTML = '<p class="muted">' + c.title + ': no data</p>'; continue; }
  new uPlot({
    title: c.title, width: 560, height: 260,
    scales: { x: { time: false } },
    axes: [{ label: 'seconds' }, {}],
    series: [{ label: 's' }, ...c.series.map((label, i) => ({ label, stroke: colors[i % colors.length], width: 1.5, spanGaps: false }))],
  }, c.data, el);
}
</script>
</body></html>
`;
}
