import { MigrationInterface, QueryRunner } from 'typeorm';

/** The references that keep a used line item or cost code from being deleted, as [table, column, target]. */
const GUARDED = [
  ['budget_line_items', 'cost_code_id', 'cost_codes'],
  ['commitment_lines', 'budget_line_item_id', 'budget_line_items'],
  ['commitment_invoice_lines', 'budget_line_item_id', 'budget_line_items'],
  ['direct_costs', 'budget_line_item_id', 'budget_line_items'],
  ['change_order_lines', 'budget_line_item_id', 'budget_line_items'],
] as const;

/**
 * These references were RESTRICT: deleting a sandbox's company (reset,
 * delete) failed when its cascade reached a line item before the lines using
 * it (each cascade step checks its own references). Checked at commit
 * instead (DEFERRABLE INITIALLY DEFERRED), the whole cascade goes through,
 * while deleting a used line item or cost code on its own is still refused.
 */
export class MoneyReferences1733050000000 implements MigrationInterface {
  name = 'MoneyReferences1733050000000';

  async up(q: QueryRunner): Promise<void> {
    for (const [table, column, target] of GUARDED) await this.reference(q, table, column, target, 'NO ACTION DEFERRABLE INITIALLY DEFERRED');
  }

  async down(q: QueryRunner): Promise<void> {
    for (const [table, column, target] of GUARDED) await this.reference(q, table, column, target, 'RESTRICT');
  }

  private async reference(q: QueryRunner, table: string, column: string, target: string, onDelete: string): Promise<void> {
    await q.query(`ALTER TABLE ${table} DROP CONSTRAINT ${table}_${column}_fkey`);
    await q.query(`ALTER TABLE ${table} ADD CONSTRAINT ${table}_${column}_fkey FOREIGN KEY (${column}) REFERENCES ${target}(id) ON DELETE ${onDelete}`);
  }
}
