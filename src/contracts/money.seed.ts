import { Injectable, OnModuleInit } from '@nestjs/common';
import { BudgetRecalc } from '../budget/budget-recalc';
import { SeedContext, SeedRegistry } from '../sandboxes/seed-registry';

/** The training budget: ten cost codes, three line items each (labor, material, subcontract). */
const COST_CODES: [code: string, description: string, amounts: [labor: string, material: string, subcontract: string]][] = [
  ['01-500', 'Temporary facilities', ['42000.00', '18500.00', '12000.00']],
  ['02-200', 'Site preparation', ['36000.00', '9800.00', '145000.00']],
  ['03-300', 'Cast-in-place concrete', ['210000.00', '265000.00', '98000.00']],
  ['04-200', 'Unit masonry', ['88000.00', '61000.00', '40000.00']],
  ['05-100', 'Structural steel', ['120000.00', '410000.00', '75000.00']],
  ['07-500', 'Membrane roofing', ['39000.00', '72000.00', '110000.00']],
  ['08-100', 'Doors and frames', ['26000.00', '54000.00', '18000.00']],
  ['09-250', 'Gypsum board', ['94000.00', '47000.00', '66000.00']],
  ['23-000', 'HVAC', ['150000.00', '230000.00', '390000.00']],
  ['26-000', 'Electrical', ['135000.00', '118000.00', '420000.00']],
];
const TYPES = ['labor', 'material', 'subcontract'] as const;

type LineKey = `${string}:${(typeof TYPES)[number]}`;

/**
 * Money for the training sandbox's first project: a budget of thirty line
 * items, a prime contract, two commitments (the electrical subcontract
 * private), change orders in draft, pending and approved states, an invoice
 * under review and a direct cost, and the budget's snapshot of them.
 */
@Injectable()
export class MoneySeed implements OnModuleInit {
  constructor(
    private readonly registry: SeedRegistry,
    private readonly recalc: BudgetRecalc,
  ) {}

  onModuleInit(): void {
    this.registry.register({ name: 'money', order: 30, templates: ['training'], run: (ctx) => this.seed(ctx) });
  }

  private async seed(ctx: SeedContext): Promise<void> {
    const m = ctx.manager;
    const company_id = ctx.companyId;
    const project_id = ctx.idOf('projects', 'first');
    const pm = ctx.idOf('personas', 'gc_project_manager');
    const owner = ctx.idOf('personas', 'owner_rep');
    const line = new Map<LineKey, number>();
    for (const [code, description, amounts] of COST_CODES) {
      const cost_code_id = await ctx.insertRow('cost_codes', 'cost_codes', code, { company_id, project_id, code, description });
      for (const [i, cost_type] of TYPES.entries()) {
        const key: LineKey = `${code}:${cost_type}`;
        line.set(key, await ctx.insertRow('budget_line_items', 'budget_line_items', key, { company_id, project_id, cost_code_id, cost_type, description: `${description} — ${cost_type}`, original_budget_amount: amounts[i] }));
      }
    }
    const li = (key: LineKey) => line.get(key)!;
    const prime = await ctx.insertRow('prime_contracts', 'prime_contracts', 'owner', { company_id, project_id, number: 'PC-001', title: 'Owner agreement — Riverside Medical Office Building', value: '4850000.00', created_by_id: pm });

    const commitment = async (key: string, values: Record<string, unknown>, lines: [LineKey, string][]) => {
      const id = await ctx.insertRow('commitments', 'commitments', key, { company_id, project_id, created_by_id: pm, ...values });
      for (const [l, amount] of lines) await m.query('INSERT INTO commitment_lines (commitment_id, budget_line_item_id, amount) VALUES ($1, $2, $3)', [id, li(l), amount]);
      return id;
    };
    const now = ctx.now;
    const electrical = await commitment(
      'electrical',
      { number: 1, type: 'subcontract', title: 'Electrical subcontract — Summit Electrical', vendor_id: ctx.idOf('vendors', 'electrical'), status: 'approved', private: true, approved_at: now, approved_by_id: pm },
      [['26-000:subcontract', '398500.00'], ['26-000:material', '42000.00']],
    );
    await m.query('INSERT INTO commitment_private_users (commitment_id, user_id) VALUES ($1, $2)', [electrical, pm]);
    await commitment('rebar', { number: 2, type: 'purchase_order', title: 'Reinforcing steel — purchase order', status: 'draft' }, [['03-300:material', '118250.00']]);

    const changeOrder = async (key: string, number: number, values: Record<string, unknown>, lines: [LineKey, string][]) => {
      const id = await ctx.insertRow('change_orders', 'change_orders', key, { company_id, project_id, number, created_by_id: pm, ...values });
      for (const [l, amount] of lines) await m.query('INSERT INTO change_order_lines (change_order_id, budget_line_item_id, amount) VALUES ($1, $2, $3)', [id, li(l), amount]);
    };
    await changeOrder('approved', 1, { contract_type: 'prime', prime_contract_id: prime, title: 'Owner-added exam room outlets', status: 'approved', designated_reviewer_id: owner, submitted_at: now, decided_at: now, decided_by_id: owner }, [['26-000:subcontract', '18400.00']]);
    await changeOrder('pending', 2, { contract_type: 'prime', prime_contract_id: prime, title: 'Upgraded lobby storefront', status: 'pending', designated_reviewer_id: owner, submitted_at: now }, [['08-100:material', '12650.00'], ['08-100:labor', '3200.00']]);
    await changeOrder('draft', 3, { contract_type: 'commitment', commitment_id: electrical, title: 'Additional floor boxes', status: 'draft', designated_reviewer_id: pm }, [['26-000:subcontract', '6275.50']]);
    await m.query('INSERT INTO money_counters (project_id, last_commitment, last_change_order) VALUES ($1, 2, 3)', [project_id]);

    const invoice = await ctx.insertRow('commitment_invoices', 'commitment_invoices', 'electrical-1', { company_id, project_id, commitment_id: electrical, number: 1, status: 'under_review', created_by_id: pm });
    await m.query('INSERT INTO commitment_invoice_lines (invoice_id, budget_line_item_id, amount) VALUES ($1, $2, $3)', [invoice, li('26-000:subcontract'), '79700.00']);
    await ctx.insertRow('direct_costs', 'direct_costs', 'crane', { company_id, project_id, budget_line_item_id: li('05-100:subcontract'), amount: '8750.00', description: 'Mobile crane, two days', date: now.toISOString().slice(0, 10), created_by_id: pm });
    await this.recalc.seedSnapshot(m, company_id, project_id, now);
  }
}
