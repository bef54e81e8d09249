import { MigrationInterface, QueryRunner } from 'typeorm';

/** Runs of the scenario catalogue. */
export class ScenarioRuns1732300000000 implements MigrationInterface {
  name = 'ScenarioRuns1732300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE scenario_runs (
        id              serial PRIMARY KEY,
        scenario        varchar(64) NOT NULL,
        sandbox_id      integer NOT NULL REFERENCES sandboxes(id) ON DELETE CASCADE,
        status          varchar(16) NOT NULL CHECK (status IN ('symptom_shown', 'resolved', 'unresolved', 'failed')),
        state           jsonb NOT NULL DEFAULT '{}',
        symptom         jsonb NOT NULL DEFAULT '{}',
        findings        jsonb NOT NULL DEFAULT '[]',
        fix_steps       jsonb NOT NULL DEFAULT '[]',
        symptom_after   jsonb,
        created_at      timestamptz NOT NULL DEFAULT now(),
        fixed_at        timestamptz
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE scenario_runs');
  }
}
