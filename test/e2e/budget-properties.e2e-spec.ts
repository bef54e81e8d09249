import fc from 'fast-check';
import { ApiClient } from '../support/api-client';
import { TrainingSandbox } from '../support/sandbox';
import { TestApp } from '../support/test-app';

/**
 * For random sequences of line items, modifications, commitments, change
 * orders (in every status), direct costs and invoices, the settled budget
 * equals a straightforward recomputation from the rows, to the cent. The rows
 * are written as the tools write them; the budget is read through the API
 * after its recalculation job ran.
 */
const STATUSES = ['draft', 'pending', 'pricing', 'not_pricing', 'revised', 'proceeding', 'not_proceeding', 'pending_billable', 'no_charge', 'approved', 'rejected', 'void'] as const;
const PENDING = new Set(['pending', 'pricing', 'not_pricing', 'revised', 'proceeding', 'not_proceeding', 'pending_billable']);

type Op =
  | { kind: 'modification'; from: number; to: number; cents: number }
  | { kind: 'commitment'; line: number; cents: number; approved: boolean }
  | { kind: 'co'; prime: boolean; line: number; cents: number; status: (typeof STATUSES)[number] }
  | { kind: 'direct'; line: number; cents: number }
  | { kind: 'invoice'; line: number; cents: number; status: 'draft' | 'under_review' | 'approved' };

const cents = fc.integer({ min: -50_000_000, max: 50_000_000 });
const positive = fc.integer({ min: 1, max: 50_000_000 });
const op = (lines: number): fc.Arbitrary<Op> => {
  const line = fc.integer({ min: 0, max: lines - 1 });
  return fc.oneof(
    fc.record({ kind: fc.constant('modification' as const), from: line, to: line, cents: positive }).filter((o) => o.from !== o.to),
    fc.record({ kind: fc.constant('commitment' as const), line, cents: positive, approved: fc.boolean() }),
    fc.record({ kind: fc.constant('co' as const), prime: fc.boolean(), line, cents, status: fc.constantFrom(...STATUSES) }),
    fc.record({ kind: fc.constant('direct' as const), line, cents }),
    fc.record({ kind: fc.constant('invoice' as const), line, cents: positive, status: fc.constantFrom('draft' as const, 'under_review' as const, 'approved' as const) }),
  );
};
const plan = fc.integer({ min: 2, max: 6 }).chain((lines) =>
  fc.record({ originals: fc.array(fc.integer({ min: 0, max: 900_000_000 }), { minLength: lines, maxLength: lines }), ops: fc.array(op(lines), { maxLength: 30 }) }),
);

const money = (c: bigint): string => `${c < 0n ? '-' : ''}${(c < 0n ? -c : c) / 100n}.${String((c < 0n ? -c : c) % 100n).padStart(2, '0')}`;
const toCents = (v: string): bigint => BigInt(v.replace('.', '').replace(/^(-?)0+(?=\d)/, '$1'));
const max = (a: bigint, b: bigint) => (a > b ? a : b);

describe('the budget, against a recomputation from its rows', () => {
  let t: TestApp;
  let api: ApiClient;
  let sb: TrainingSandbox;
  let admin: ApiClient;
  let p: number;
  let codeId: number;

  beforeAll(async () => {
    t = await TestApp.start();
    api = t.client();
    sb = await TrainingSandbox.create(api, 'budget-properties');
    await sb.relaxLimits();
    await api.patch(`/_sim/sandboxes/${sb.info.id}/settings`, { latency_profile: 'instant' });
    admin = await sb.as('company_admin');
    p = sb.project('second');
    codeId = (await admin.post(`/rest/v1.0/projects/${p}/cost_codes`, { code: '01-000', description: 'General' })).body.id;
  });
  afterAll(() => t.stop());

  const q = async (sql: string, params: unknown[] = []) => (await t.db.query(sql, params)).rows;

  async function write(originals: number[], ops: Op[]): Promise<number[]> {
    const company = sb.companyId;
    await q('DELETE FROM change_orders WHERE project_id = $1', [p]);
    await q('DELETE FROM commitments WHERE project_id = $1', [p]);
    await q('DELETE FROM direct_costs WHERE project_id = $1', [p]);
    await q('DELETE FROM prime_contracts WHERE project_id = $1', [p]);
    await q('DELETE FROM budget_modifications WHERE project_id = $1', [p]);
    await q('DELETE FROM budget_line_items WHERE project_id = $1', [p]);
    const lines: number[] = [];
    for (const [i, o] of originals.entries()) {
      const [row] = await q(`INSERT INTO budget_line_items (company_id, project_id, cost_code_id, cost_type, description, original_budget_amount) VALUES ($1, $2, $3, 'other', $4, $5::numeric / 100) RETURNING id`, [company, p, codeId, `Line ${i}`, o]);
      lines.push(row.id);
    }
    const [prime] = await q(`INSERT INTO prime_contracts (company_id, project_id, number, title, value) VALUES ($1, $2, 'PC', 'Owner', 0) RETURNING id`, [company, p]);
    const [host] = await q(`INSERT INTO commitments (company_id, project_id, number, type, title, status) VALUES ($1, $2, 1, 'subcontract', 'Host', 'approved') RETURNING id`, [company, p]);
    let n = 1;
    for (const o of ops) {
      n += 1;
      if (o.kind === 'modification') {
        await q(`INSERT INTO budget_modifications (company_id, project_id, from_line_item_id, to_line_item_id, amount) VALUES ($1, $2, $3, $4, $5::numeric / 100)`, [company, p, lines[o.from], lines[o.to], o.cents]);
      } else if (o.kind === 'commitment') {
        const [c] = await q(`INSERT INTO commitments (company_id, project_id, number, type, title, status) VALUES ($1, $2, $3, 'purchase_order', 'PO', $4) RETURNING id`, [company, p, n, o.approved ? 'approved' : 'draft']);
        await q(`INSERT INTO commitment_lines (commitment_id, budget_line_item_id, amount) VALUES ($1, $2, $3::numeric / 100)`, [c.id, lines[o.line], o.cents]);
      } else if (o.kind === 'co') {
        const [co] = await q(
          `INSERT INTO change_orders (company_id, project_id, number, contract_type, prime_contract_id, commitment_id, title, status) VALUES ($1, $2, $3, $4, $5, $6, 'CO', $7) RETURNING id`,
          [company, p, n, o.prime ? 'prime' : 'commitment', o.prime ? prime.id : null, o.prime ? null : host.id, o.status],
        );
        await q(`INSERT INTO change_order_lines (change_order_id, budget_line_item_id, amount) VALUES ($1, $2, $3::numeric / 100)`, [co.id, lines[o.line], o.cents]);
      } else if (o.kind === 'direct') {
        await q(`INSERT INTO direct_costs (company_id, project_id, budget_line_item_id, amount, description, date) VALUES ($1, $2, $3, $4::numeric / 100, 'dc', '2026-12-01')`, [company, p, lines[o.line], o.cents]);
      } else {
        const [inv] = await q(`INSERT INTO commitment_invoices (company_id, project_id, commitment_id, number, status) VALUES ($1, $2, $3, $4, $5) RETURNING id`, [company, p, host.id, n, o.status]);
        await q(`INSERT INTO commitment_invoice_lines (invoice_id, budget_line_item_id, amount) VALUES ($1, $2, $3::numeric / 100)`, [inv.id, lines[o.line], o.cents]);
      }
    }
    return lines;
  }

  /** The budget of each line item, computed in the plainest way from the rows as read back. */
  async function recompute(lines: number[]): Promise<Map<number, Record<string, string>>> {
    const amount = (rows: { line: number; amount: string }[], line: number) => rows.filter((r) => r.line === line).reduce<bigint>((s, r) => s + toCents(r.amount), 0n);
    const items = await q('SELECT id, original_budget_amount::text AS amount FROM budget_line_items WHERE project_id = $1', [p]);
    const mods = await q('SELECT from_line_item_id AS "from", to_line_item_id AS "to", amount::text FROM budget_modifications WHERE project_id = $1', [p]);
    const coLines = await q(`SELECT l.budget_line_item_id AS line, l.amount::text AS amount, o.contract_type, o.status FROM change_order_lines l JOIN change_orders o ON o.id = l.change_order_id WHERE o.project_id = $1`, [p]);
    const commitments = await q(`SELECT l.budget_line_item_id AS line, l.amount::text AS amount FROM commitment_lines l JOIN commitments c ON c.id = l.commitment_id WHERE c.project_id = $1 AND c.status = 'approved'`, [p]);
    const direct = await q('SELECT budget_line_item_id AS line, amount::text FROM direct_costs WHERE project_id = $1', [p]);
    const invoiced = await q(`SELECT l.budget_line_item_id AS line, l.amount::text AS amount FROM commitment_invoice_lines l JOIN commitment_invoices i ON i.id = l.invoice_id WHERE i.project_id = $1 AND i.status = 'approved'`, [p]);
    const out = new Map<number, Record<string, string>>();
    for (const id of lines) {
      const original = toCents(items.find((i) => i.id === id)!.amount);
      const modifications = mods.filter((m) => m.to === id).reduce<bigint>((s, m) => s + toCents(m.amount), 0n) - mods.filter((m) => m.from === id).reduce<bigint>((s, m) => s + toCents(m.amount), 0n);
      const cos = (type: string, pick: (s: string) => boolean) => amount(coLines.filter((l) => l.contract_type === type && pick(l.status)), id);
      const approvedCos = cos('prime', (s) => s === 'approved');
      const pendingBudget = cos('prime', (s) => PENDING.has(s));
      const committed = amount(commitments, id) + cos('commitment', (s) => s === 'approved');
      const directCosts = amount(direct, id);
      const pendingCost = cos('commitment', (s) => PENDING.has(s));
      const revised = original + modifications + approvedCos;
      const projectedBudget = revised + pendingBudget;
      const projectedCosts = committed + directCosts + pendingCost;
      const ftc = max(projectedBudget - projectedCosts, 0n);
      const eac = projectedCosts + ftc;
      out.set(id, {
        original_budget_amount: money(original),
        budget_modifications: money(modifications),
        approved_cos: money(approvedCos),
        pending_budget_changes: money(pendingBudget),
        committed_costs: money(committed),
        direct_costs: money(directCosts),
        pending_cost_changes: money(pendingCost),
        job_to_date_costs: money(amount(invoiced, id)),
        revised_budget: money(revised),
        projected_budget: money(projectedBudget),
        projected_costs: money(projectedCosts),
        forecast_to_complete: money(ftc),
        estimated_cost_at_completion: money(eac),
        projected_over_under: money(projectedBudget - eac),
      });
    }
    return out;
  }

  it('settles to the recomputed numbers, line by line and in total', async () => {
    await fc.assert(
      fc.asyncProperty(plan, async ({ originals, ops }) => {
        const lines = await write(originals, ops);
        expect((await admin.post(`/rest/v1.0/projects/${p}/budget/actions/recalculate`)).status).toBe(200);
        expect((await api.post(`/_sim/settle?project_id=${p}&timeout_ms=20000`)).status).toBe(200);
        const view = (await admin.get(`/rest/v1.0/projects/${p}/budget`)).body;
        const expected = await recompute(lines);
        expect(view.stale).toBe(false);
        expect(view.line_items.length).toBe(lines.length);
        for (const line of view.line_items as Record<string, unknown>[]) {
          const want = expected.get(line.id as number)!;
          for (const [column, value] of Object.entries(want)) expect(`${line.id} ${column} ${line[column]}`).toBe(`${line.id} ${column} ${value}`);
        }
        for (const column of view.columns as string[]) {
          const sum = [...expected.values()].reduce<bigint>((s, l) => s + toCents(l[column]), 0n);
          expect(`total ${column} ${view.totals[column]}`).toBe(`total ${column} ${money(sum)}`);
        }
      }),
      { numRuns: 40, seed: 20261202 },
    );
  }, 300_000);
});
