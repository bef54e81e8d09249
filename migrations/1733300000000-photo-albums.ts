import { MigrationInterface, QueryRunner } from 'typeorm';

/** Photo albums (the platform's image categories): named, ordered, optionally private. */
export class PhotoAlbums1733300000000 implements MigrationInterface {
  name = 'PhotoAlbums1733300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE image_categories (
        id              serial PRIMARY KEY,
        company_id      integer NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
        project_id      integer NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        name            varchar(255) NOT NULL,
        private         boolean NOT NULL DEFAULT false,
        position        integer NOT NULL,
        created_by_id   integer REFERENCES users(id) ON DELETE SET NULL,
        version         integer NOT NULL DEFAULT 1,
        created_at      timestamptz NOT NULL DEFAULT sim_now(),
        updated_at      timestamptz NOT NULL DEFAULT sim_now()
      );
      CREATE UNIQUE INDEX image_categories_name ON image_categories (project_id, lower(name));
      CREATE INDEX image_categories_order ON image_categories (project_id, position, id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE image_categories');
  }
}
