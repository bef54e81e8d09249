import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * How many times a sandbox was reset (its version also counts settings and
 * rotations): what was set up in it before its last reset is gone. A challenge
 * remembers the count it was armed at, and ends `cancelled` after a reset rather
 * than staying armed without its cause.
 */
export class SandboxResets1733500000002 implements MigrationInterface {
  name = 'SandboxResets1733500000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sandboxes ADD COLUMN resets integer NOT NULL DEFAULT 0`);
    await q.query(`ALTER TABLE training_challenges ADD COLUMN sandbox_resets integer NOT NULL DEFAULT 0`);
    await q.query(`ALTER TABLE training_challenges DROP CONSTRAINT training_challenges_status_check`);
    await q.query(`ALTER TABLE training_challenges ADD CONSTRAINT training_challenges_status_check CHECK (status IN ('armed', 'solved', 'failed', 'cancelled'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE training_challenges SET status = 'failed' WHERE status = 'cancelled'`);
    await q.query(`ALTER TABLE training_challenges DROP CONSTRAINT training_challenges_status_check`);
    await q.query(`ALTER TABLE training_challenges ADD CONSTRAINT training_challenges_status_check CHECK (status IN ('armed', 'solved', 'failed'))`);
    await q.query(`ALTER TABLE training_challenges DROP COLUMN sandbox_resets`);
    await q.query(`ALTER TABLE sandboxes DROP COLUMN resets`);
  }
}
