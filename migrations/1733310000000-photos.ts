import { MigrationInterface, QueryRunner } from 'typeorm';

/** Photos: an image upload with its album, description, privacy and (when the camera's is wrong) capture time. */
export class Photos1733310000000 implements MigrationInterface {
  name = 'Photos1733310000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE images (
        id                serial PRIMARY KEY,
        company_id        integer NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
        project_id        integer NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        upload_id         integer NOT NULL UNIQUE REFERENCES uploads(id) ON DELETE CASCADE,
        image_category_id integer REFERENCES image_categories(id) ON DELETE SET NULL,
        description       varchar(2000) NOT NULL DEFAULT '',
        private           boolean NOT NULL DEFAULT false,
        taken_at          timestamptz,
        uploaded_by_id    integer REFERENCES users(id) ON DELETE SET NULL,
        version           integer NOT NULL DEFAULT 1,
        created_at        timestamptz NOT NULL DEFAULT sim_now(),
        updated_at        timestamptz NOT NULL DEFAULT sim_now()
      );
      CREATE INDEX images_project ON images (project_id, id);
      CREATE INDEX images_album ON images (image_category_id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE images');
  }
}
