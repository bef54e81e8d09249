import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { BudgetRecalc } from '../src/budget/budget-recalc';
import { PENDING_LIKE_STATUSES } from '../src/budget/budget-numbers';
import { AppConfig } from '../src/config/app-config';
import { startWorkers } from './queue.bench';
import { fmt, summarize } from './support';

const LINE_ITEMS = 5_000;
const COMMITMENT_LINES = 10_000;
const CO_LINES = 10_000;
const pending = `(${PENDING_LIKE_STATUSES.map((s) => `'${s}'`).join(', ')})`;

/**
 * The budget's numbers straight from the rows, as one might write them by
 * hand: every contributing row in one UNION ALL, summed per line item. The
 * baseline reads and sums; the job also writes the snapshot.
 */
const RAW_AGGREGATE = `
  SELECT x.line_item_id, sum(x.original) AS original, sum(x.mods) AS mods, sum(x.approved_cos) AS approved_cos, sum(x.pending_budget) AS pending_budget,
         sum(x.committed) AS committed, sum(x.direct) AS direct, sum(x.pending_cost) AS pending_cost, sum(x.jtd) AS jtd
    FROM (
      SELECT b.id AS line_item_id, b.original_budget_amount AS original, 0 AS mods, 0 AS approved_cos, 0 AS pending_budget, 0 AS committed, 0 AS direct, 0 AS pending_cost, 0 AS jtd
        FROM budget_line_items b WHERE b.project_id = $1
      UNION ALL SELECT m.to_line_item_id, 0, m.amount, 0, 0, 0, 0, 0, 0 FROM budget_modifications m WHERE m.project_id = $1
      UNION ALL SELECT m.from_line_item_id, 0, -m.amount, 0, 0, 0, 0, 0, 0 FROM budget_modifications m WHERE m.project_id = $1
      UNION ALL SELECT l.budget_line_item_id, 0, 0,
               CASE WHEN o.contract_type = 'prime' AND o.status = 'approved' THEN l.amount ELSE 0 END,
               CASE WHEN o.contract_type = 'prime' AND o.status IN ${pending} THEN l.amount ELSE 0 END,
               CASE WHEN o.contract_type = 'commitment' AND o.status = 'approved' THEN l.amount ELSE 0 END, 0,
               CASE WHEN o.contract_type = 'commitment' AND o.status IN ${pending} THEN l.amount ELSE 0 END, 0
        FROM change_order_lines l JOIN change_orders o ON o.id = l.change_order_id WHERE o.project_id = $1
      UNION ALL SELECT l.budget_line_item_id, 0, 0, 0, 0, l.amount, 0, 0, 0
        FROM commitment_lines l JOIN commitments c ON c.id = l.commitment_id WHERE c.project_id = $1 AND c.status = 'approved'
      UNION ALL SELECT d.budget_line_item_id, 0, 0, 0, 0, 0, d.amount, 0, 0 FROM direct_costs d WHERE d.project_id = $1
      UNION ALL SELECT l.budget_line_item_id, 0, 0, 0, 0, 0, 0, 0, l.amount
        FROM commitment_invoice_lines l JOIN commitment_invoices i ON i.id = l.invoice_id WHERE i.project_id = $1 AND i.status = 'approved'
    ) x GROUP BY x.line_item_id`;

/** 5,000 line items, 10,000 commitment lines (80 commitments, half approved) and 10,000 CO lines (2,000 COs in every status), direct costs and invoices. */
async function seedBudget(db: DataSource, companyId: number, projectId: number, userId: number): Promise<void> {
  await db.query(`INSERT INTO cost_codes (company_id, project_id, code, description) SELECT $1, $2, 'B-' || g, 'Bench code ' || g FROM generate_series(1, 100) g`, [companyId, projectId]);
  await db.query(
    `INSERT INTO budget_line_items (company_id, project_id, cost_code_id, cost_type, description, original_budget_amount)
     SELECT $1, $2, c.id, (ARRAY['labor','material','equipment','subcontract','other'])[1 + g % 5], 'Bench line ' || g, 1000 + (g * 37 % 100000) + (g % 100) / 100.0
       FROM generate_series(1, ${LINE_ITEMS}) g JOIN cost_codes c ON c.project_id = $2 AND c.code = 'B-' || (1 + g % 100)`,
    [companyId, projectId],
  );
  const line = (param: string) => `(SELECT array_agg(id ORDER BY id) FROM budget_line_items WHERE project_id = ${param})`;
  await db.query(`INSERT INTO prime_contracts (company_id, project_id, number, title, value) VALUES ($1, $2, 'B-PC', 'Bench owner agreement', 1)`, [companyId, projectId]);
  await db.query(
    `INSERT INTO commitments (company_id, project_id, number, type, title, status, created_by_id)
     SELECT $1, $2, 1000 + g, CASE WHEN g % 3 = 0 THEN 'purchase_order' ELSE 'subcontract' END, 'Bench commitment ' || g, CASE WHEN g % 2 = 0 THEN 'approved' ELSE 'draft' END, $3
       FROM generate_series(1, 80) g`,
    [companyId, projectId, userId],
  );
  await db.query(
    `WITH ids AS (SELECT ${line('$1')} AS lines), cs AS (SELECT array_agg(id ORDER BY id) AS c FROM commitments WHERE project_id = $1)
     INSERT INTO commitment_lines (commitment_id, budget_line_item_id, amount)
     SELECT cs.c[1 + g % 80], ids.lines[1 + (g * 7) % ${LINE_ITEMS}], (g % 5000) + 0.25 FROM generate_series(1, ${COMMITMENT_LINES}) g, ids, cs`,
    [projectId],
  );
  const statuses = ['draft', ...PENDING_LIKE_STATUSES, 'no_charge', 'approved', 'rejected', 'void'];
  await db.query(
    `WITH pc AS (SELECT id FROM prime_contracts WHERE project_id = $2), cs AS (SELECT array_agg(id ORDER BY id) AS c FROM commitments WHERE project_id = $2 AND status = 'approved')
     INSERT INTO change_orders (company_id, project_id, number, contract_type, prime_contract_id, commitment_id, title, status, created_by_id)
     SELECT $1, $2, 1000 + g, CASE WHEN g % 2 = 0 THEN 'prime' ELSE 'commitment' END, CASE WHEN g % 2 = 0 THEN pc.id END, CASE WHEN g % 2 = 1 THEN cs.c[1 + g % 40] END,
            'Bench CO ' || g, ($3::text[])[1 + g % ${statuses.length}], $4
       FROM generate_series(1, 2000) g, pc, cs`,
    [companyId, projectId, statuses, userId],
  );
  await db.query(
    `WITH ids AS (SELECT ${line('$1')} AS lines), os AS (SELECT array_agg(id ORDER BY id) AS o FROM change_orders WHERE project_id = $1)
     INSERT INTO change_order_lines (change_order_id, budget_line_item_id, amount)
     SELECT os.o[1 + g % 2000], ids.lines[1 + (g * 13) % ${LINE_ITEMS}], (g % 900) - 200.5 FROM generate_series(1, ${CO_LINES}) g, ids, os`,
    [projectId],
  );
  await db.query(
    `WITH ids AS (SELECT ${line('$2')} AS lines)
     INSERT INTO direct_costs (company_id, project_id, budget_line_item_id, amount, description, date)
     SELECT $1, $2, ids.lines[1 + (g * 11) % ${LINE_ITEMS}], g % 700 + 0.1, 'Bench cost ' || g, CURRENT_DATE FROM generate_series(1, 2000) g, ids`,
    [companyId, projectId],
  );
  await db.query(
    `WITH cs AS (SELECT array_agg(id ORDER BY id) AS c FROM commitments WHERE project_id = $2 AND status = 'approved')
     INSERT INTO commitment_invoices (company_id, project_id, commitment_id, number, status)
     SELECT $1, $2, cs.c[1 + g % 40], g, (ARRAY['draft','under_review','approved'])[1 + g % 3] FROM generate_series(1, 500) g, cs`,
    [companyId, projectId],
  );
  await db.query(
    `WITH ids AS (SELECT ${line('$1')} AS lines), inv AS (SELECT array_agg(id ORDER BY id) AS i FROM commitment_invoices WHERE project_id = $1)
     INSERT INTO commitment_invoice_lines (invoice_id, budget_line_item_id, amount)
     SELECT inv.i[1 + g % 500], ids.lines[1 + (g * 17) % ${LINE_ITEMS}], g % 300 + 0.5 FROM generate_series(1, 2000) g, ids, inv`,
    [projectId],
  );
  await db.query(`INSERT INTO budgets (project_id, company_id, revision) VALUES ($1, $2, 0) ON CONFLICT (project_id) DO NOTHING`, [projectId, companyId]);
  await db.query('ANALYZE');
}

/**
 * The recalculation job on a 5,000-line-item budget with 20,000 commitment and
 * CO lines, against one raw SQL aggregate over the same rows, in alternating
 * rounds of the same run; and the time from a CO approval's answer to the
 * budget showing it (instant profile, one worker process).
 */
export async function budgetBench(app: NestFastifyApplication, base: string, companyId: number, projects: { small: number; large: number }, userId: number, token: string, rounds: number): Promise<string[]> {
  const projectId = projects.large;
  const db = app.get(DataSource);
  const recalc = app.get(BudgetRecalc);
  await seedBudget(db, companyId, projectId, userId);
  const job: number[] = [];
  const raw: number[] = [];
  let lines = 0;
  for (let i = 0; i < rounds + 1; i++) {
    await db.query('UPDATE budgets SET revision = revision + 1 WHERE project_id = $1', [projectId]);
    let t0 = performance.now();
    const result = await recalc.rebuild({ companyId, projectId });
    const tJob = performance.now() - t0;
    t0 = performance.now();
    const rows: unknown[] = await db.query(RAW_AGGREGATE, [projectId]);
    const tRaw = performance.now() - t0;
    if (i === 0) continue; // warm-up
    job.push(tJob);
    raw.push(tRaw);
    lines = rows.length;
    if (result.line_items !== rows.length) throw new Error(`job wrote ${String(result.line_items)} lines, the aggregate found ${rows.length}`);
  }
  const j = summarize(job.sort((a, b) => a - b));
  const r = summarize(raw.sort((a, b) => a - b));
  const out = [
    `budget recalculation: ${lines} line items, ${COMMITMENT_LINES} commitment + ${CO_LINES} CO lines, 2,000 direct costs, 2,000 invoice lines (${rounds} rounds)`,
    `  job (read, compute, write the snapshot): median ${fmt(j.p50, 1)} ms, p99 ${fmt(j.p99, 1)} ms`,
    `  one raw SQL aggregate (read and sum):     median ${fmt(r.p50, 1)} ms, p99 ${fmt(r.p99, 1)} ms`,
    `  ratio job / raw: ${fmt(j.p50 / r.p50, 2)}× (goal ≤ 2×)`,
  ];
  out.push(`  time to consistency after one CO approval (instant, 1 worker), commit → the budget shows it:`);
  out.push(`    this budget:            ${await consistencyAfterApproval(app, base, companyId, projectId, token)}`);
  out.push(`    the training budget (30 line items): ${await consistencyAfterApproval(app, base, companyId, projects.small, token)}`);
  return out;
}

/** From the approve answer to the snapshot line showing the CO (sync job, then recalculation), on one worker process. */
async function consistencyAfterApproval(app: NestFastifyApplication, base: string, companyId: number, projectId: number, token: string): Promise<string> {
  const config = app.get(AppConfig);
  const db = app.get(DataSource);
  const headers = { authorization: `Bearer ${token}`, 'procore-company-id': String(companyId), 'content-type': 'application/json' };
  const [prime] = await db.query('SELECT id FROM prime_contracts WHERE project_id = $1', [projectId]);
  const [line] = await db.query('SELECT id FROM budget_line_items WHERE project_id = $1 ORDER BY id LIMIT 1', [projectId]);
  const [child] = await startWorkers(1, { DATABASE_URL: config.databaseUrl, REDIS_URL: config.redisUrl, SIM_REDIS_PREFIX: config.redisPrefix });
  const samples: number[] = [];
  try {
    for (let i = 0; i < 20; i++) {
      const co = await fetch(`${base}/rest/v1.0/projects/${projectId}/change_orders`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ contract_type: 'prime', contract_id: prime.id, title: `Timed ${i}`, line_items: [{ budget_line_item_id: line.id, amount: '1.00' }] }),
      }).then((r) => r.json() as Promise<{ id: number }>);
      const read = async (column: 'approved_cos' | 'pending_budget_changes'): Promise<number> =>
        Number((await db.query(`SELECT ${column}::text AS v FROM budget_snapshot_lines WHERE project_id = $1 AND line_item_id = $2`, [projectId, line.id]))[0].v);
      const pendingBefore = await read('pending_budget_changes');
      const submitted = await fetch(`${base}/rest/v1.0/projects/${projectId}/change_orders/${co.id}/actions/submit`, { method: 'POST', headers });
      if (submitted.status !== 200) throw new Error(`submit answered ${submitted.status}: ${await submitted.text()}`);
      await waitFor(async () => (await read('pending_budget_changes')) === pendingBefore + 1, 30_000);
      const before = await read('approved_cos');
      const approved = await fetch(`${base}/rest/v1.0/projects/${projectId}/change_orders/${co.id}/actions/approve`, { method: 'POST', headers });
      const t0 = performance.now();
      if (approved.status !== 200) throw new Error(`approve answered ${approved.status}`);
      await waitFor(async () => (await read('approved_cos')) === before + 1, 30_000);
      samples.push(performance.now() - t0);
    }
  } finally {
    child.kill('SIGTERM');
  }
  const s = summarize(samples.sort((a, b) => a - b));
  return `median ${fmt(s.p50, 0)} ms, p99 ${fmt(s.p99, 0)} ms (n=${s.n})`;
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (performance.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 2));
  }
  throw new Error('timed out');
}
