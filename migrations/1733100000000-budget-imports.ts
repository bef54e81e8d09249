import { MigrationInterface, QueryRunner } from 'typeorm';

/** A record of each budget import from a CSV file (only complete imports are kept: a bad file writes nothing). */
export class BudgetImports1733100000000 implements MigrationInterface {
  name = 'BudgetImports1733100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE budget_imports (
        id              serial PRIMARY KEY,
        company_id      integer NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
        project_id      integer NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        rows            integer NOT NULL,
        bytes           integer NOT NULL,
        took_ms         integer NOT NULL,
        created_by_id   integer REFERENCES users(id) ON DELETE SET NULL,
        created_at      timestamptz NOT NULL DEFAULT sim_now()
      );
      CREATE INDEX budget_imports_project ON budget_imports (project_id, id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE budget_imports');
  }
}
