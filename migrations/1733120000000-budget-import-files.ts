import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A budget import says what it read: the file's name (when it came as a
 * multipart part) and its status. Only complete imports are kept (a refused
 * file writes nothing), so the status is `completed`; it is there so that a
 * client reads the outcome rather than infers it.
 */
export class BudgetImportFiles1733120000000 implements MigrationInterface {
  name = 'BudgetImportFiles1733120000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE budget_imports
        ADD COLUMN status    varchar(16) NOT NULL DEFAULT 'completed' CHECK (status IN ('completed')),
        ADD COLUMN file_name varchar(255);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE budget_imports DROP COLUMN status, DROP COLUMN file_name');
  }
}
