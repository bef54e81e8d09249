import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Drawings: areas and sets; a drawing upload (a PDF) processed into one sheet
 * per page, each a revision that waits for review until it is published as a
 * revision of a drawing (by number, in an area); markups on a revision, on the
 * author's personal layer or the published one, linked to RFIs.
 */
export class Drawings1733400000000 implements MigrationInterface {
  name = 'Drawings1733400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE drawing_areas (
        id            serial PRIMARY KEY,
        company_id    integer NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
        project_id    integer NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        name          varchar(255) NOT NULL,
        created_by_id integer REFERENCES users(id) ON DELETE SET NULL,
        version       integer NOT NULL DEFAULT 1,
        created_at    timestamptz NOT NULL DEFAULT sim_now(),
        updated_at    timestamptz NOT NULL DEFAULT sim_now()
      );
      CREATE UNIQUE INDEX drawing_areas_name ON drawing_areas (project_id, lower(name));

      CREATE TABLE drawing_sets (
        id            serial PRIMARY KEY,
        company_id    integer NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
        project_id    integer NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        name          varchar(255) NOT NULL,
        created_by_id integer REFERENCES users(id) ON DELETE SET NULL,
        version       integer NOT NULL DEFAULT 1,
        created_at    timestamptz NOT NULL DEFAULT sim_now(),
        updated_at    timestamptz NOT NULL DEFAULT sim_now()
      );
      CREATE UNIQUE INDEX drawing_sets_name ON drawing_sets (project_id, lower(name));

      CREATE TABLE drawing_uploads (
        id              serial PRIMARY KEY,
        company_id      integer NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
        project_id      integer NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        upload_id       integer NOT NULL UNIQUE REFERENCES uploads(id) ON DELETE CASCADE,
        drawing_area_id integer REFERENCES drawing_areas(id) ON DELETE RESTRICT,
        drawing_set_id  integer REFERENCES drawing_sets(id) ON DELETE SET NULL,
        uploaded_by_id  integer REFERENCES users(id) ON DELETE SET NULL,
        published_at    timestamptz,
        published_by_id integer REFERENCES users(id) ON DELETE SET NULL,
        version         integer NOT NULL DEFAULT 1,
        created_at      timestamptz NOT NULL DEFAULT sim_now(),
        updated_at      timestamptz NOT NULL DEFAULT sim_now()
      );
      CREATE INDEX drawing_uploads_project ON drawing_uploads (project_id, id);

      CREATE TABLE drawings (
        id              serial PRIMARY KEY,
        company_id      integer NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
        project_id      integer NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        drawing_area_id integer REFERENCES drawing_areas(id) ON DELETE RESTRICT,
        number          varchar(64) NOT NULL,
        title           varchar(255) NOT NULL,
        version         integer NOT NULL DEFAULT 1,
        created_at      timestamptz NOT NULL DEFAULT sim_now(),
        updated_at      timestamptz NOT NULL DEFAULT sim_now()
      );
      CREATE UNIQUE INDEX drawings_number ON drawings (project_id, coalesce(drawing_area_id, 0), upper(number));

      CREATE TABLE drawing_revisions (
        id                serial PRIMARY KEY,
        company_id        integer NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
        project_id        integer NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        drawing_upload_id integer NOT NULL REFERENCES drawing_uploads(id) ON DELETE CASCADE,
        page              integer NOT NULL CHECK (page >= 1),
        width             real NOT NULL,
        height            real NOT NULL,
        detected_number   varchar(64),
        detected_title    varchar(255),
        number            varchar(64),
        title             varchar(255),
        status            varchar(16) NOT NULL CHECK (status IN ('awaiting_review', 'published')),
        drawing_id        integer REFERENCES drawings(id) ON DELETE CASCADE,
        drawing_set_id    integer REFERENCES drawing_sets(id) ON DELETE SET NULL,
        revision_number   integer,
        published_at      timestamptz,
        published_by_id   integer REFERENCES users(id) ON DELETE SET NULL,
        preview           bytea NOT NULL,
        preview_width     integer NOT NULL,
        preview_height    integer NOT NULL,
        version           integer NOT NULL DEFAULT 1,
        created_at        timestamptz NOT NULL DEFAULT sim_now(),
        updated_at        timestamptz NOT NULL DEFAULT sim_now(),
        UNIQUE (drawing_upload_id, page),
        UNIQUE (drawing_id, revision_number),
        CHECK ((status = 'published') = (drawing_id IS NOT NULL AND revision_number IS NOT NULL))
      );
      CREATE INDEX drawing_revisions_project ON drawing_revisions (project_id, id);

      CREATE TABLE drawing_markups (
        id                  serial PRIMARY KEY,
        company_id          integer NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
        project_id          integer NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        drawing_revision_id integer NOT NULL REFERENCES drawing_revisions(id) ON DELETE CASCADE,
        layer               varchar(16) NOT NULL CHECK (layer IN ('personal', 'published')),
        shapes              jsonb NOT NULL,
        rfi_ids             integer[] NOT NULL DEFAULT '{}',
        created_by_id       integer REFERENCES users(id) ON DELETE SET NULL,
        published_at        timestamptz,
        version             integer NOT NULL DEFAULT 1,
        created_at          timestamptz NOT NULL DEFAULT sim_now(),
        updated_at          timestamptz NOT NULL DEFAULT sim_now()
      );
      CREATE INDEX drawing_markups_revision ON drawing_markups (drawing_revision_id, id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE drawing_markups; DROP TABLE drawing_revisions; DROP TABLE drawings; DROP TABLE drawing_uploads; DROP TABLE drawing_sets; DROP TABLE drawing_areas;');
  }
}
