import { ApiClient } from '../support/api-client';
import { WorkerProcess } from '../support/processes';
import { TrainingSandbox } from '../support/sandbox';
import { TestApp } from '../support/test-app';

/** A seeded stream of integers (the same figures every run). */
function* seeded(seed: number): Generator<number> {
  let x = seed;
  for (;;) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    yield x;
  }
}

const money = (cents: bigint): string => `${cents < 0n ? '-' : ''}${(cents < 0n ? -cents : cents) / 100n}.${String((cents < 0n ? -cents : cents) % 100n).padStart(2, '0')}`;

/** The budget's jobs on separate worker processes (the API process runs none): 200 change orders approved at once (a worker dying mid-rebuild: budget-recalc-crash.e2e-spec.ts). */
describe('budget recalculation on worker processes', () => {
  let t: TestApp;
  let api: ApiClient;
  let workers: WorkerProcess[] = [];
  let env: Record<string, string>;

  beforeAll(async () => {
    t = await TestApp.start({ workers: false, env: { SIM_JOB_LOCK_MS: '1500', SIM_DB_POOL_SIZE: '20' } });
    api = t.client();
    env = t.processEnv({ SIM_JOB_LOCK_MS: '1500' });
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill('SIGTERM').catch(() => undefined)));
    await t.stop();
  });

  async function sandbox(name: string) {
    const sb = await TrainingSandbox.create(api, name);
    await sb.relaxLimits();
    await api.patch(`/_sim/sandboxes/${sb.info.id}/settings`, { latency_profile: 'instant' });
    const pm = await sb.as('gc_project_manager');
    const p = sb.project('second');
    const admin = await sb.as('company_admin');
    const code = (await admin.post(`/rest/v1.0/projects/${p}/cost_codes`, { code: '01-000', description: 'General' })).body.id;
    return { sb, pm, p, code, base: `/rest/v1.0/projects/${p}` };
  }

  const settle = async (p: number) => expect((await api.post(`/_sim/settle?project_id=${p}&timeout_ms=60000`)).status).toBe(200);

  const stopWorkers = async () => {
    await Promise.all(workers.map((w) => w.kill('SIGTERM')));
    workers = [];
  };

  it('settles 200 change orders approved at once, on 4 worker processes, to the exact totals', async () => {
    workers = await Promise.all(Array.from({ length: 4 }, () => WorkerProcess.start(env)));
    try {
      const { pm, p, code, base } = await sandbox('co-storm');
      const lines: number[] = [];
      for (let i = 0; i < 10; i++) lines.push((await pm.post(`${base}/budget/line_items`, { cost_code_id: code, description: `Line ${i}`, original_budget_amount: '100000.00' })).body.id);
      const prime = (await pm.post(`${base}/prime_contracts`, { title: 'Owner', number: 'PC-1', value: '0.00' })).body.id;
      const draw = seeded(20261203);
      const expected = new Map<number, bigint>(lines.map((l) => [l, 0n]));
      const ids: number[] = [];
      for (let i = 0; i < 200; i++) {
        const line = lines[draw.next().value % lines.length];
        const cents = BigInt((draw.next().value % 2_000_000) - 500_000); // -5,000.00 … 14,999.99
        expected.set(line, expected.get(line)! + cents);
        const co = await pm.post(`${base}/change_orders`, { contract_type: 'prime', contract_id: prime, title: `CO ${i}`, line_items: [{ budget_line_item_id: line, amount: money(cents) }] });
        expect(co.status).toBe(201);
        expect((await pm.post(`${base}/change_orders/${co.body.id}/actions/submit`)).status).toBe(200);
        ids.push(co.body.id);
      }
      await settle(p);
      // All at once; a 503 (every connection busy) is retried after its Retry-After, as a client would.
      const approve = async (id: number) => {
        for (let attempt = 0; ; attempt++) {
          const res = await pm.post(`${base}/change_orders/${id}/actions/approve`);
          if (res.status !== 503 || attempt === 5) return res;
          await new Promise((r) => setTimeout(r, 1000 * Number(res.headers['retry-after'] ?? 1)));
        }
      };
      const approvals = await Promise.all(ids.map(approve));
      expect(approvals.map((a) => a.status)).toEqual(ids.map(() => 200));
      await settle(p);
      const view = (await pm.get(`${base}/budget`)).body;
      expect(view).toMatchObject({ stale: false, pending_jobs: 0 });
      expect(view.snapshot_revision).toBe(view.revision);
      const shown = new Map<number, string>(view.line_items.map((l: { id: number; approved_cos: string }) => [l.id, l.approved_cos]));
      expect(Object.fromEntries(shown)).toEqual(Object.fromEntries([...expected].map(([l, c]) => [l, money(c)])));
      expect(view.totals.approved_cos).toBe(money([...expected.values()].reduce((a, b) => a + b, 0n)));
      expect(view.totals.pending_budget_changes).toBe('0.00');
      // each approval reached the budget by its own sync job, which asked for a rebuild (deduplicated by revision)
      const ran = await t.db.query(`SELECT count(*)::int AS n FROM outbox WHERE name = 'budget.recalculate' AND project_id = $1`, [p]);
      expect(ran.rows[0].n).toBeGreaterThanOrEqual(200);
    } finally {
      await stopWorkers();
    }
  }, 240_000);
});
