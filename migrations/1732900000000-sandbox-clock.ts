import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every sandbox has a clock (a sandbox test clock): its time is real time plus
 * `clock_offset_ms`, or `clock_frozen_at` while it is frozen. A new or reset
 * sandbox runs on real time (offset 0, not frozen).
 */
export class SandboxClock1732900000000 implements MigrationInterface {
  name = 'SandboxClock1732900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sandboxes ADD COLUMN clock_offset_ms bigint NOT NULL DEFAULT 0`);
    await q.query(`ALTER TABLE sandboxes ADD COLUMN clock_frozen_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sandboxes DROP COLUMN clock_frozen_at`);
    await q.query(`ALTER TABLE sandboxes DROP COLUMN clock_offset_ms`);
  }
}
