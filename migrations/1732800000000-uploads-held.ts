import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Files sent as parts of an item's own create or update are stored before the
 * item is written, but held: their processing job is queued in the item's
 * transaction when they are attached, so a refused item leaves neither a job
 * nor a change behind, only held rows that the route deletes.
 */
export class UploadsHeld1732800000000 implements MigrationInterface {
  name = 'UploadsHeld1732800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE uploads ADD COLUMN held_until_attached boolean NOT NULL DEFAULT false`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE uploads DROP COLUMN held_until_attached`);
  }
}
