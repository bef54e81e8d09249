import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The money side: cost codes, the budget (line items, modifications, lock,
 * views, imports), prime contracts, commitments with their lines and invoices,
 * direct costs, change orders with their lines, and the budget snapshot the
 * `budget.recalculate` job rebuilds.
 *
 * Amounts are `numeric(15,2)`: exact, two places, below 10^13. Sums in the
 * snapshot are unbounded `numeric`. Timestamps default to the sandbox's time
 * (`sim_now()`).
 */
export class BudgetContracts1733000000000 implements MigrationInterface {
  name = 'BudgetContracts1733000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE cost_codes (
        id              serial PRIMARY KEY,
        company_id      integer NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
        project_id      integer NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        code            varchar(32) NOT NULL,
        description     varchar(255) NOT NULL,
        version         integer NOT NULL DEFAULT 1,
        created_at      timestamptz NOT NULL DEFAULT sim_now(),
        updated_at      timestamptz NOT NULL DEFAULT sim_now(),
        UNIQUE (project_id, code)
      );

      CREATE TABLE budget_line_items (
        id              serial PRIMARY KEY,
        company_id      integer NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
        project_id      integer NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        cost_code_id    integer NOT NULL REFERENCES cost_codes(id) ON DELETE RESTRICT,
        cost_type       varchar(16) NOT NULL CHECK (cost_type IN ('labor', 'material', 'equipment', 'subcontract', 'other')),
        description     varchar(255) NOT NULL,
        original_budget_amount numeric(15,2) NOT NULL,
        version         integer NOT NULL DEFAULT 1,
        created_at      timestamptz NOT NULL DEFAULT sim_now(),
        updated_at      timestamptz NOT NULL DEFAULT sim_now()
      );
      CREATE INDEX budget_line_items_project ON budget_line_items (project_id, id);

      CREATE TABLE budget_modifications (
        id              serial PRIMARY KEY,
        company_id      integer NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
        project_id      integer NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        from_line_item_id integer NOT NULL REFERENCES budget_line_items(id) ON DELETE CASCADE,
        to_line_item_id integer NOT NULL REFERENCES budget_line_items(id) ON DELETE CASCADE,
        amount          numeric(15,2) NOT NULL CHECK (amount > 0),
        notes           varchar(1000) NOT NULL DEFAULT '',
        created_by_id   integer REFERENCES users(id) ON DELETE SET NULL,
        created_at      timestamptz NOT NULL DEFAULT sim_now(),
        CHECK (from_line_item_id <> to_line_item_id)
      );
      CREATE INDEX budget_modifications_project ON budget_modifications (project_id, id);

      -- One row per project that has a budget: its lock, its default view, and its revision:
      -- +1 (under this row's lock) by every write the budget must reflect, so revisions
      -- are in commit order and a snapshot says which one it shows.
      CREATE TABLE budgets (
        project_id      integer PRIMARY KEY REFERENCES projects(id) ON DELETE CASCADE,
        company_id      integer NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
        revision        bigint NOT NULL DEFAULT 0,
        locked          boolean NOT NULL DEFAULT false,
        locked_at       timestamptz,
        locked_by_id    integer REFERENCES users(id) ON DELETE SET NULL,
        default_view_id integer,
        version         integer NOT NULL DEFAULT 1,
        created_at      timestamptz NOT NULL DEFAULT sim_now(),
        updated_at      timestamptz NOT NULL DEFAULT sim_now()
      );

      CREATE TABLE budget_views (
        id              serial PRIMARY KEY,
        company_id      integer NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
        project_id      integer NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        name            varchar(255) NOT NULL,
        columns         text[] NOT NULL,
        filters         jsonb NOT NULL DEFAULT '{}',
        created_by_id   integer REFERENCES users(id) ON DELETE SET NULL,
        version         integer NOT NULL DEFAULT 1,
        created_at      timestamptz NOT NULL DEFAULT sim_now(),
        updated_at      timestamptz NOT NULL DEFAULT sim_now(),
        UNIQUE (project_id, name)
      );
      ALTER TABLE budgets ADD CONSTRAINT budgets_default_view FOREIGN KEY (default_view_id) REFERENCES budget_views(id) ON DELETE SET NULL;

      CREATE TABLE prime_contracts (
        id              serial PRIMARY KEY,
        company_id      integer NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
        project_id      integer NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        number          varchar(64) NOT NULL,
        title           varchar(255) NOT NULL,
        value           numeric(15,2) NOT NULL CHECK (value >= 0),
        created_by_id   integer REFERENCES users(id) ON DELETE SET NULL,
        version         integer NOT NULL DEFAULT 1,
        created_at      timestamptz NOT NULL DEFAULT sim_now(),
        updated_at      timestamptz NOT NULL DEFAULT sim_now(),
        UNIQUE (project_id, number)
      );

      CREATE TABLE commitments (
        id              serial PRIMARY KEY,
        company_id      integer NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
        project_id      integer NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        number          integer NOT NULL,
        type            varchar(16) NOT NULL CHECK (type IN ('subcontract', 'purchase_order')),
        title           varchar(255) NOT NULL,
        vendor_id       integer REFERENCES vendors(id) ON DELETE SET NULL,
        status          varchar(16) NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'approved')),
        private         boolean NOT NULL DEFAULT false,
        approved_at     timestamptz,
        approved_by_id  integer REFERENCES users(id) ON DELETE SET NULL,
        created_by_id   integer REFERENCES users(id) ON DELETE SET NULL,
        version         integer NOT NULL DEFAULT 1,
        created_at      timestamptz NOT NULL DEFAULT sim_now(),
        updated_at      timestamptz NOT NULL DEFAULT sim_now(),
        UNIQUE (project_id, number)
      );
      CREATE TABLE commitment_private_users (
        commitment_id   integer NOT NULL REFERENCES commitments(id) ON DELETE CASCADE,
        user_id         integer NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        PRIMARY KEY (commitment_id, user_id)
      );
      CREATE TABLE commitment_lines (
        id              serial PRIMARY KEY,
        commitment_id   integer NOT NULL REFERENCES commitments(id) ON DELETE CASCADE,
        budget_line_item_id integer NOT NULL REFERENCES budget_line_items(id) ON DELETE RESTRICT,
        amount          numeric(15,2) NOT NULL
      );
      CREATE INDEX commitment_lines_commitment ON commitment_lines (commitment_id);
      CREATE INDEX commitment_lines_line_item ON commitment_lines (budget_line_item_id);

      CREATE TABLE commitment_invoices (
        id              serial PRIMARY KEY,
        company_id      integer NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
        project_id      integer NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        commitment_id   integer NOT NULL REFERENCES commitments(id) ON DELETE CASCADE,
        number          integer NOT NULL,
        status          varchar(16) NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'under_review', 'approved')),
        created_by_id   integer REFERENCES users(id) ON DELETE SET NULL,
        version         integer NOT NULL DEFAULT 1,
        created_at      timestamptz NOT NULL DEFAULT sim_now(),
        updated_at      timestamptz NOT NULL DEFAULT sim_now(),
        UNIQUE (commitment_id, number)
      );
      CREATE TABLE commitment_invoice_lines (
        id              serial PRIMARY KEY,
        invoice_id      integer NOT NULL REFERENCES commitment_invoices(id) ON DELETE CASCADE,
        budget_line_item_id integer NOT NULL REFERENCES budget_line_items(id) ON DELETE RESTRICT,
        amount          numeric(15,2) NOT NULL
      );
      CREATE INDEX commitment_invoice_lines_invoice ON commitment_invoice_lines (invoice_id);

      CREATE TABLE direct_costs (
        id              serial PRIMARY KEY,
        company_id      integer NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
        project_id      integer NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        budget_line_item_id integer NOT NULL REFERENCES budget_line_items(id) ON DELETE RESTRICT,
        amount          numeric(15,2) NOT NULL,
        description     varchar(1000) NOT NULL,
        date            date NOT NULL,
        created_by_id   integer REFERENCES users(id) ON DELETE SET NULL,
        version         integer NOT NULL DEFAULT 1,
        created_at      timestamptz NOT NULL DEFAULT sim_now(),
        updated_at      timestamptz NOT NULL DEFAULT sim_now()
      );
      CREATE INDEX direct_costs_project ON direct_costs (project_id, id);
      CREATE INDEX direct_costs_line_item ON direct_costs (budget_line_item_id);

      CREATE TABLE change_orders (
        id              serial PRIMARY KEY,
        company_id      integer NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
        project_id      integer NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        number          integer NOT NULL,
        contract_type   varchar(16) NOT NULL CHECK (contract_type IN ('prime', 'commitment')),
        prime_contract_id integer REFERENCES prime_contracts(id) ON DELETE CASCADE,
        commitment_id   integer REFERENCES commitments(id) ON DELETE CASCADE,
        title           varchar(255) NOT NULL,
        status          varchar(20) NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'pending', 'pricing', 'not_pricing', 'revised',
                          'proceeding', 'not_proceeding', 'pending_billable', 'no_charge', 'approved', 'rejected', 'void')),
        designated_reviewer_id integer REFERENCES users(id) ON DELETE SET NULL,
        created_by_id   integer REFERENCES users(id) ON DELETE SET NULL,
        submitted_at    timestamptz,
        decided_at      timestamptz,
        decided_by_id   integer REFERENCES users(id) ON DELETE SET NULL,
        version         integer NOT NULL DEFAULT 1,
        created_at      timestamptz NOT NULL DEFAULT sim_now(),
        updated_at      timestamptz NOT NULL DEFAULT sim_now(),
        UNIQUE (project_id, number),
        CHECK ((contract_type = 'prime') = (prime_contract_id IS NOT NULL) AND (contract_type = 'commitment') = (commitment_id IS NOT NULL))
      );
      CREATE INDEX change_orders_project ON change_orders (project_id, id);
      CREATE TABLE change_order_lines (
        id              serial PRIMARY KEY,
        change_order_id integer NOT NULL REFERENCES change_orders(id) ON DELETE CASCADE,
        budget_line_item_id integer NOT NULL REFERENCES budget_line_items(id) ON DELETE RESTRICT,
        amount          numeric(15,2) NOT NULL
      );
      CREATE INDEX change_order_lines_co ON change_order_lines (change_order_id);
      CREATE INDEX change_order_lines_line_item ON change_order_lines (budget_line_item_id);

      -- Per-project counters of the numbered items.
      CREATE TABLE money_counters (
        project_id      integer PRIMARY KEY REFERENCES projects(id) ON DELETE CASCADE,
        last_commitment integer NOT NULL DEFAULT 0,
        last_change_order integer NOT NULL DEFAULT 0
      );

      -- What the budget view reads: rebuilt by the budget.recalculate job, never
      -- over a newer one (source_revision only grows).
      CREATE TABLE budget_snapshots (
        project_id      integer PRIMARY KEY REFERENCES projects(id) ON DELETE CASCADE,
        company_id      integer NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
        source_revision bigint NOT NULL,
        as_of           timestamptz NOT NULL,
        took_ms         integer NOT NULL
      );
      CREATE TABLE budget_snapshot_lines (
        project_id      integer NOT NULL REFERENCES budget_snapshots(project_id) ON DELETE CASCADE,
        line_item_id    integer NOT NULL,
        cost_code_id    integer NOT NULL,
        cost_code       varchar(32) NOT NULL,
        cost_type       varchar(16) NOT NULL,
        description     varchar(255) NOT NULL,
        original_budget_amount numeric NOT NULL,
        budget_modifications numeric NOT NULL,
        approved_cos    numeric NOT NULL,
        pending_budget_changes numeric NOT NULL,
        committed_costs numeric NOT NULL,
        direct_costs    numeric NOT NULL,
        pending_cost_changes numeric NOT NULL,
        job_to_date_costs numeric NOT NULL,
        PRIMARY KEY (project_id, line_item_id)
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE budget_snapshot_lines, budget_snapshots, money_counters, change_order_lines, change_orders, direct_costs,
      commitment_invoice_lines, commitment_invoices, commitment_lines, commitment_private_users, commitments, prime_contracts`);
    await q.query('ALTER TABLE budgets DROP CONSTRAINT budgets_default_view');
    await q.query('DROP TABLE budget_views, budgets, budget_modifications, budget_line_items, cost_codes');
  }
}
