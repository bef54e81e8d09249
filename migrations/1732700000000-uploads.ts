import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Uploads: the file's row and its content in 1 MiB chunks, written in one
 * transaction (an upload that fails half-way leaves nothing; the chunks are
 * written as they arrive and the row, with the final size and checksum, at the
 * end, hence the deferred foreign key), processed by a
 * queued job; and the refusals, kept so that diagnose can say why a file did
 * not arrive.
 */
export class Uploads1732700000000 implements MigrationInterface {
  name = 'Uploads1732700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE uploads (
        id                    serial PRIMARY KEY,
        company_id            integer NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
        project_id            integer NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        uploaded_by_id        integer REFERENCES users(id) ON DELETE SET NULL,
        kind                  varchar(16) NOT NULL,
        file_name             varchar(255) NOT NULL,
        content_type          varchar(100) NOT NULL,
        size_bytes            bigint NOT NULL CHECK (size_bytes > 0),
        sha256                char(64),
        processing_status     varchar(16) NOT NULL CHECK (processing_status IN ('queued', 'processing', 'ready', 'failed')),
        processing_error      text,
        processing_started_at timestamptz,
        processed_at          timestamptz,
        attached_to_type      varchar(32),
        attached_to_id        integer,
        version               integer NOT NULL DEFAULT 1,
        created_at            timestamptz NOT NULL DEFAULT now(),
        updated_at            timestamptz NOT NULL DEFAULT now(),
        CHECK ((attached_to_type IS NULL) = (attached_to_id IS NULL))
      );
      CREATE INDEX uploads_attached ON uploads (attached_to_type, attached_to_id) WHERE attached_to_id IS NOT NULL;
      CREATE INDEX uploads_project_status ON uploads (project_id, processing_status);

      CREATE TABLE upload_chunks (
        upload_id  integer NOT NULL REFERENCES uploads(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        seq        integer NOT NULL,
        data       bytea NOT NULL,
        PRIMARY KEY (upload_id, seq)
      );

      CREATE TABLE upload_refusals (
        id          bigserial PRIMARY KEY,
        company_id  integer NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
        project_id  integer REFERENCES projects(id) ON DELETE CASCADE,
        user_id     integer REFERENCES users(id) ON DELETE CASCADE,
        code        varchar(40) NOT NULL,
        status      integer NOT NULL,
        file_name   varchar(255),
        size_bytes  bigint,
        message     text NOT NULL,
        details     jsonb NOT NULL DEFAULT '{}',
        request_id  varchar(128),
        created_at  timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX upload_refusals_recent ON upload_refusals (project_id, user_id, created_at DESC);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE upload_refusals; DROP TABLE upload_chunks; DROP TABLE uploads;');
  }
}
