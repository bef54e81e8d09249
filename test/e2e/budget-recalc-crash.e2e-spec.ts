import { Client } from 'pg';
import { RECALC_LOCK_CLASS } from '../../src/budget/budget-recalc';
import { ApiClient } from '../support/api-client';
import { WorkerProcess } from '../support/processes';
import { TrainingSandbox } from '../support/sandbox';
import { TestApp } from '../support/test-app';

/** Polls `check` every 25 ms until it answers something other than undefined (at most `timeoutMs`). */
async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const end = performance.now() + timeoutMs;
  for (;;) {
    const found = await check();
    if (found !== undefined) return found;
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * A worker process killed inside a recalculation: its transaction never
 * commits, so the budget keeps its previous snapshot, and the job, which the
 * dead worker left active, is taken over by the next worker (BullMQ's stalled
 * job recovery) and completes the snapshot. The API process runs no workers.
 */
describe('a worker killed mid-recalculation', () => {
  let t: TestApp;
  let api: ApiClient;
  let worker: WorkerProcess | null = null;
  let env: Record<string, string>;

  beforeAll(async () => {
    // Locks of 1.5 s: a dead worker's job is found stalled within about 2 s (stalledInterval is half the lock).
    t = await TestApp.start({ workers: false, env: { SIM_JOB_LOCK_MS: '1500' } });
    api = t.client();
    env = t.processEnv({ SIM_JOB_LOCK_MS: '1500' });
  });
  afterAll(async () => {
    await worker?.kill('SIGTERM');
    await t.stop();
  });

  const settle = async (p: number) => expect((await api.post(`/_sim/settle?project_id=${p}&timeout_ms=30000`)).status).toBe(200);
  const snapshot = async (p: number) => (await t.db.query('SELECT source_revision::int AS revision, as_of FROM budget_snapshots WHERE project_id = $1', [p])).rows[0];
  const snapshotLines = async (p: number) => (await t.db.query('SELECT * FROM budget_snapshot_lines WHERE project_id = $1 ORDER BY line_item_id', [p])).rows;
  const recalcJobs = async (p: number) =>
    ((await api.get(`/_sim/jobs?project_id=${p}`)).body as { id: string; name: string; state: string; attempts_made: number; result: unknown }[]).filter((j) => j.name === 'budget.recalculate');

  /** The columns of one line as the project manager reads them (direct costs included). */
  const line = (view: { line_items: { id: number }[] }, id: number) => {
    const { id: _id, cost_code: _code, cost_type: _type, description: _description, ...money } = view.line_items.find((l) => l.id === id) as Record<string, unknown> & { id: number };
    return money;
  };

  it('keeps the previous snapshot, and the stalled job completes it on the next worker', async () => {
    worker = await WorkerProcess.start(env);
    const sb = await TrainingSandbox.create(api, 'recalc-crash');
    await sb.relaxLimits();
    await api.patch(`/_sim/sandboxes/${sb.info.id}/settings`, { latency_profile: 'instant' });
    // A frozen clock, so that each snapshot's as_of is an exact, known time.
    const t0 = Date.parse((await api.post(`/_sim/sandboxes/${sb.info.id}/clock/actions/freeze`)).body.now);
    const pm = await sb.as('gc_project_manager');
    const admin = await sb.as('company_admin');
    const p = sb.project('second');
    const base = `/rest/v1.0/projects/${p}`;
    const code = (await admin.post(`${base}/cost_codes`, { code: '03-300', description: 'Concrete' })).body.id;
    const item = async (description: string, amount: string) => (await pm.post(`${base}/budget/line_items`, { cost_code_id: code, description, original_budget_amount: amount })).body.id as number;
    const a = await item('Footings', '1000.00');
    const b = await item('Slab', '2500.50');
    const c = await item('Walls', '400.00');
    expect((await pm.post(`${base}/budget/modifications`, { from_line_item_id: a, to_line_item_id: b, amount: '150.25' })).status).toBe(201);
    // Contract-side rows, as the contracts tools write them: every component of the snapshot has a figure.
    const row = async (sql: string, params: unknown[]) => (await t.db.query(`${sql} RETURNING id`, params)).rows[0].id as number;
    const company = sb.companyId;
    const prime = await row(`INSERT INTO prime_contracts (company_id, project_id, number, title, value) VALUES ($1, $2, 'PC-1', 'Owner', 500000)`, [company, p]);
    const commitment = async (n: number, status: string, lines: [number, string][]) => {
      const id = await row(`INSERT INTO commitments (company_id, project_id, number, type, title, status) VALUES ($1, $2, $3, 'subcontract', 'Concrete sub', $4)`, [company, p, n, status]);
      for (const [l, amount] of lines) await row('INSERT INTO commitment_lines (commitment_id, budget_line_item_id, amount) VALUES ($1, $2, $3)', [id, l, amount]);
      return id;
    };
    const sub = await commitment(1, 'approved', [[a, '9000.00'], [b, '2000.00']]);
    await commitment(2, 'draft', [[c, '777.77']]);
    const co = async (n: number, contract: 'prime' | 'commitment', status: string, l: number, amount: string) => {
      const id = await row(
        `INSERT INTO change_orders (company_id, project_id, number, contract_type, prime_contract_id, commitment_id, title, status) VALUES ($1, $2, $3, $4, $5, $6, 'CO', $7)`,
        [company, p, n, contract, contract === 'prime' ? prime : null, contract === 'commitment' ? sub : null, status],
      );
      await row('INSERT INTO change_order_lines (change_order_id, budget_line_item_id, amount) VALUES ($1, $2, $3)', [id, l, amount]);
    };
    await co(1, 'prime', 'approved', a, '1200.10');
    await co(2, 'prime', 'pending', b, '300.00');
    await co(3, 'commitment', 'approved', a, '-250.00');
    await co(4, 'commitment', 'pricing', c, '75.35');
    await row(`INSERT INTO direct_costs (company_id, project_id, budget_line_item_id, amount, description, date) VALUES ($1, $2, $3, 410.40, 'Pump truck', '2026-11-30')`, [company, p, b]);
    const invoice = await row(`INSERT INTO commitment_invoices (company_id, project_id, commitment_id, number, status) VALUES ($1, $2, $3, 1, 'approved')`, [company, p, sub]);
    await row('INSERT INTO commitment_invoice_lines (invoice_id, budget_line_item_id, amount) VALUES ($1, $2, 500.00)', [invoice, a]);
    expect((await pm.post(`${base}/budget/actions/recalculate`)).status).toBe(200);
    await settle(p);

    const slab = { original_budget_amount: '2500.50', budget_modifications: '150.25', approved_cos: '0.00', pending_budget_changes: '300.00', committed_costs: '2000.00', direct_costs: '410.40', pending_cost_changes: '0.00', job_to_date_costs: '0.00', revised_budget: '2650.75', projected_budget: '2950.75', projected_costs: '2410.40', forecast_to_complete: '540.35', estimated_cost_at_completion: '2950.75', projected_over_under: '0.00' };
    const walls = { original_budget_amount: '400.00', budget_modifications: '0.00', approved_cos: '0.00', pending_budget_changes: '0.00', committed_costs: '0.00', direct_costs: '0.00', pending_cost_changes: '75.35', job_to_date_costs: '0.00', revised_budget: '400.00', projected_budget: '400.00', projected_costs: '75.35', forecast_to_complete: '324.65', estimated_cost_at_completion: '400.00', projected_over_under: '0.00' };
    const footings = (original: string, revised: string, overUnder: string) => ({ original_budget_amount: original, budget_modifications: '-150.25', approved_cos: '1200.10', pending_budget_changes: '0.00', committed_costs: '8750.00', direct_costs: '0.00', pending_cost_changes: '0.00', job_to_date_costs: '500.00', revised_budget: revised, projected_budget: revised, projected_costs: '8750.00', forecast_to_complete: '0.00', estimated_cost_at_completion: '8750.00', projected_over_under: overUnder });
    const first = (await pm.get(`${base}/budget`)).body;
    expect(first).toMatchObject({ stale: false, as_of: new Date(t0).toISOString() });
    expect([line(first, a), line(first, b), line(first, c)]).toEqual([footings('1000.00', '2049.85', '-6700.15'), slab, walls]);
    const before = await snapshot(p);
    expect(before).toEqual({ revision: first.revision, as_of: new Date(t0) });
    const linesBefore = await snapshotLines(p);
    expect(linesBefore).toHaveLength(3);

    // The clock moves on, so that the next snapshot's as_of differs from this one's.
    expect((await api.post(`/_sim/sandboxes/${sb.info.id}/clock/actions/advance`, { seconds: 60 })).status).toBe(200);
    const known = new Set((await recalcJobs(p)).map((j) => j.id));

    // Hold the snapshot lines: the rebuild blocks on its DELETE, inside its transaction and under the project's lock.
    const holder = new Client({ connectionString: t.config.databaseUrl });
    await holder.connect();
    let rebuilder: number;
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE budget_snapshot_lines IN SHARE ROW EXCLUSIVE MODE');
      expect((await pm.patch(`${base}/budget/line_items/${a}`, { original_budget_amount: '2500.00' })).status).toBe(200);
      rebuilder = await until('the rebuild to wait on the snapshot lines', async () => {
        const found = await t.db.query(
          `SELECT w.pid FROM pg_locks w
             JOIN pg_stat_activity s ON s.pid = w.pid AND s.datname = current_database()
             JOIN pg_locks adv ON adv.pid = w.pid AND adv.locktype = 'advisory' AND adv.granted AND adv.classid = $1::oid AND adv.objid = $2::oid AND adv.objsubid = 2
            WHERE w.locktype = 'relation' AND w.relation = 'budget_snapshot_lines'::regclass AND NOT w.granted
              AND s.xact_start IS NOT NULL AND s.query LIKE 'DELETE FROM budget_snapshot_lines%'`,
          [RECALC_LOCK_CLASS, p],
        );
        return found.rows[0]?.pid as number | undefined;
      });
      const running = (await recalcJobs(p)).filter((j) => !known.has(j.id));
      expect(running.map((j) => j.state)).toEqual(['active']);
      expect(await worker.kill('SIGKILL')).toBeNull();
      worker = null;
    } finally {
      await holder.query('COMMIT');
      await holder.end();
    }
    // Its server session notices the dead client once it has the lock, and rolls the transaction back.
    await until('the killed worker’s session to end', async () => ((await t.db.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [rebuilder])).rowCount === 0 ? true : undefined));
    expect(await snapshot(p)).toEqual(before);
    expect(await snapshotLines(p)).toEqual(linesBefore);
    const stale = (await pm.get(`${base}/budget`)).body;
    expect(stale).toMatchObject({ stale: true, revision: before.revision + 1, snapshot_revision: before.revision, as_of: new Date(t0).toISOString() });
    expect(line(stale, a)).toEqual(footings('1000.00', '2049.85', '-6700.15'));
    // No worker is left: the job stays active, with the dead worker's lock.
    const [orphan] = (await recalcJobs(p)).filter((j) => !known.has(j.id));
    expect(orphan).toMatchObject({ state: 'active', attempts_made: 0 });

    worker = await WorkerProcess.start(env);
    await settle(p);
    const recovered = (await recalcJobs(p)).find((j) => j.id === orphan.id);
    expect(recovered).toMatchObject({ state: 'completed', attempts_made: 1, result: { revision: before.revision + 1, line_items: 3 } });
    expect(await snapshot(p)).toEqual({ revision: before.revision + 1, as_of: new Date(t0 + 60_000) });
    const done = (await pm.get(`${base}/budget`)).body;
    expect(done).toMatchObject({ stale: false, revision: before.revision + 1, snapshot_revision: before.revision + 1, as_of: new Date(t0 + 60_000).toISOString() });
    expect([line(done, a), line(done, b), line(done, c)]).toEqual([footings('2500.00', '3549.85', '-5200.15'), slab, walls]);
    expect(done.totals).toMatchObject({ original_budget_amount: '5400.50', revised_budget: '6600.60', committed_costs: '10750.00' });
  }, 90_000);
});
