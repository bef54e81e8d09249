import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every sandbox has a clock (a sandbox test clock): its time is real time plus
 * `clock_offset_ms`, or `clock_frozen_at` while it is frozen. A new or reset
 * sandbox runs on real time (offset 0, not frozen).
 *
 * `sim_now()` is the time a transaction writes at: the sandbox time it declared
 * (`SandboxClock.transaction` sets `sitesim.now` for the transaction), or the
 * database's own time outside a sandbox. Every timestamp column that defaulted
 * to `now()` defaults to `sim_now()`, so rows inserted in a sandbox's
 * transaction carry that sandbox's time.
 */
export class SandboxClock1732900000000 implements MigrationInterface {
  name = 'SandboxClock1732900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sandboxes ADD COLUMN clock_offset_ms bigint NOT NULL DEFAULT 0`);
    await q.query(`ALTER TABLE sandboxes ADD COLUMN clock_frozen_at timestamptz`);
    // Every attempt of a webhook delivery, at its sandbox time: the retry schedule as it ran.
    await q.query(`ALTER TABLE webhook_deliveries ADD COLUMN attempt_log jsonb NOT NULL DEFAULT '[]'::jsonb`);
    await q.query(`
      CREATE FUNCTION sim_now() RETURNS timestamptz LANGUAGE sql STABLE AS $$
        SELECT COALESCE(NULLIF(current_setting('sitesim.now', true), '')::timestamptz, now())
      $$`);
    for (const { table, column } of await this.columnsDefaulting(q, 'now()')) {
      await q.query(`ALTER TABLE "${table}" ALTER COLUMN "${column}" SET DEFAULT sim_now()`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const { table, column } of await this.columnsDefaulting(q, 'sim_now()')) {
      await q.query(`ALTER TABLE "${table}" ALTER COLUMN "${column}" SET DEFAULT now()`);
    }
    await q.query(`DROP FUNCTION sim_now()`);
    await q.query(`ALTER TABLE webhook_deliveries DROP COLUMN attempt_log`);
    await q.query(`ALTER TABLE sandboxes DROP COLUMN clock_frozen_at`);
    await q.query(`ALTER TABLE sandboxes DROP COLUMN clock_offset_ms`);
  }

  private columnsDefaulting(q: QueryRunner, expression: string): Promise<{ table: string; column: string }[]> {
    return q.query(
      `SELECT table_name AS table, column_name AS column FROM information_schema.columns
        WHERE table_schema = current_schema() AND column_default = $1 ORDER BY table_name, column_name`,
      [expression],
    );
  }
}
