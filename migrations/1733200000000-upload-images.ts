import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What processing reads from an image (its size as shown, orientation, when
 * and where it was taken) and the thumbnail it renders, kept with the upload.
 */
export class UploadImages1733200000000 implements MigrationInterface {
  name = 'UploadImages1733200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE uploads
        ADD COLUMN image_width integer,
        ADD COLUMN image_height integer,
        ADD COLUMN image_orientation smallint,
        ADD COLUMN taken_at timestamptz,
        ADD COLUMN latitude numeric(9,6),
        ADD COLUMN longitude numeric(9,6);
      CREATE TABLE upload_renditions (
        upload_id       integer NOT NULL REFERENCES uploads(id) ON DELETE CASCADE,
        kind            varchar(16) NOT NULL CHECK (kind IN ('thumbnail')),
        content_type    varchar(100) NOT NULL,
        width           integer NOT NULL,
        height          integer NOT NULL,
        content         bytea NOT NULL,
        created_at      timestamptz NOT NULL DEFAULT sim_now(),
        PRIMARY KEY (upload_id, kind)
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE upload_renditions');
    await q.query('ALTER TABLE uploads DROP COLUMN image_width, DROP COLUMN image_height, DROP COLUMN image_orientation, DROP COLUMN taken_at, DROP COLUMN latitude, DROP COLUMN longitude');
  }
}
