import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Upload content moves to files (`SIM_STORAGE_DIR/<upload id>`); rows written
 * before keep theirs in `upload_chunks`, which is only read from now on.
 *
 * A row deleted by any path (a held upload discarded, an item's attachments,
 * a sandbox reset or delete cascading from its company) leaves its id in
 * `content_gone`, in the deleting transaction, so that its file is removed by
 * id once the deletion has committed (`ContentStore.sweep`); a rolled-back
 * deletion leaves no tombstone and keeps its file.
 *
 * Segmented uploads: a large file sent as numbered segments, each stored as a
 * file of its own with its checksum, until `complete` joins them into an
 * upload; an open one expires on its sandbox's clock (`expires_at`).
 *
 * `outbox.due_at`: a job due at a set sandbox time (an expiry) rather than
 * after the latency profile's delay.
 */
export class UploadFiles1733410000000 implements MigrationInterface {
  name = 'UploadFiles1733410000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE segmented_uploads (
        id             serial PRIMARY KEY,
        company_id     integer NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
        project_id     integer NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        created_by_id  integer REFERENCES users(id) ON DELETE CASCADE,
        kind           varchar(16) NOT NULL,
        file_name      varchar(255) NOT NULL,
        size_bytes     bigint NOT NULL CHECK (size_bytes > 0),
        segment_bytes  bigint NOT NULL CHECK (segment_bytes > 0),
        segment_count  integer NOT NULL CHECK (segment_count > 0),
        sha256         char(64),
        status         varchar(16) NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'completed')),
        upload_id      integer REFERENCES uploads(id) ON DELETE SET NULL,
        expires_at     timestamptz NOT NULL,
        created_at     timestamptz NOT NULL DEFAULT sim_now(),
        updated_at     timestamptz NOT NULL DEFAULT sim_now()
      );
      CREATE INDEX segmented_uploads_project ON segmented_uploads (project_id, created_by_id);

      CREATE TABLE upload_segments (
        segmented_upload_id integer NOT NULL REFERENCES segmented_uploads(id) ON DELETE CASCADE,
        n                   integer NOT NULL CHECK (n > 0),
        size_bytes          bigint NOT NULL CHECK (size_bytes > 0),
        sha256              char(64) NOT NULL,
        created_at          timestamptz NOT NULL DEFAULT sim_now(),
        PRIMARY KEY (segmented_upload_id, n)
      );

      CREATE TABLE content_gone (
        id         bigserial PRIMARY KEY,
        kind       varchar(16) NOT NULL CHECK (kind IN ('upload', 'segmented')),
        target_id  integer NOT NULL
      );

      CREATE FUNCTION content_gone_upload() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN INSERT INTO content_gone (kind, target_id) VALUES ('upload', OLD.id); RETURN NULL; END
      $$;
      CREATE TRIGGER uploads_content_gone AFTER DELETE ON uploads FOR EACH ROW EXECUTE FUNCTION content_gone_upload();

      CREATE FUNCTION content_gone_segmented() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN INSERT INTO content_gone (kind, target_id) VALUES ('segmented', OLD.id); RETURN NULL; END
      $$;
      CREATE TRIGGER segmented_uploads_content_gone AFTER DELETE ON segmented_uploads FOR EACH ROW EXECUTE FUNCTION content_gone_segmented();

      ALTER TABLE outbox ADD COLUMN due_at timestamptz;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE outbox DROP COLUMN due_at;
      DROP TRIGGER segmented_uploads_content_gone ON segmented_uploads;
      DROP TRIGGER uploads_content_gone ON uploads;
      DROP FUNCTION content_gone_segmented();
      DROP FUNCTION content_gone_upload();
      DROP TABLE content_gone;
      DROP TABLE upload_segments;
      DROP TABLE segmented_uploads;
    `);
  }
}
