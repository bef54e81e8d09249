import { MigrationInterface, QueryRunner } from 'typeorm';

/** RFIs: numbered per project when opened, with assignees, distribution and replies. */
export class Rfis1732500000000 implements MigrationInterface {
  name = 'Rfis1732500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE rfi_counters (
        project_id      integer PRIMARY KEY REFERENCES projects(id) ON DELETE CASCADE,
        last_number     integer NOT NULL DEFAULT 0
      );

      CREATE TABLE rfis (
        id              serial PRIMARY KEY,
        company_id      integer NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
        project_id      integer NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        number          integer,
        subject         varchar(255) NOT NULL,
        question        text NOT NULL,
        status          varchar(16) NOT NULL CHECK (status IN ('draft', 'open', 'closed')),
        private         boolean NOT NULL DEFAULT false,
        rfi_manager_id  integer REFERENCES users(id) ON DELETE SET NULL,
        created_by_id   integer REFERENCES users(id) ON DELETE SET NULL,
        received_from_id integer REFERENCES users(id) ON DELETE SET NULL,
        due_date        date,
        cost_impact     jsonb NOT NULL DEFAULT '{"status": "tbd", "value": null}',
        schedule_impact jsonb NOT NULL DEFAULT '{"status": "tbd", "value": null}',
        ball_in_court_role varchar(16) CHECK (ball_in_court_role IN ('Assignees', 'RFI Manager', 'Creator')),
        official_reply_id integer,
        opened_at       timestamptz,
        closed_at       timestamptz,
        version         integer NOT NULL DEFAULT 1,
        created_at      timestamptz NOT NULL DEFAULT now(),
        updated_at      timestamptz NOT NULL DEFAULT now(),
        UNIQUE (project_id, number)
      );
      CREATE INDEX rfis_project ON rfis (project_id, id);
      CREATE INDEX rfis_project_status ON rfis (project_id, status);

      CREATE TABLE rfi_assignees (
        rfi_id          integer NOT NULL REFERENCES rfis(id) ON DELETE CASCADE,
        user_id         integer NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        PRIMARY KEY (rfi_id, user_id)
      );
      CREATE INDEX rfi_assignees_user ON rfi_assignees (user_id);

      CREATE TABLE rfi_distribution (
        rfi_id          integer NOT NULL REFERENCES rfis(id) ON DELETE CASCADE,
        user_id         integer NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        PRIMARY KEY (rfi_id, user_id)
      );
      CREATE INDEX rfi_distribution_user ON rfi_distribution (user_id);

      CREATE TABLE rfi_replies (
        id              serial PRIMARY KEY,
        rfi_id          integer NOT NULL REFERENCES rfis(id) ON DELETE CASCADE,
        body            text NOT NULL,
        draft           boolean NOT NULL DEFAULT false,
        official        boolean NOT NULL DEFAULT false,
        created_by_id   integer REFERENCES users(id) ON DELETE SET NULL,
        version         integer NOT NULL DEFAULT 1,
        created_at      timestamptz NOT NULL DEFAULT now(),
        updated_at      timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX rfi_replies_rfi ON rfi_replies (rfi_id, id);
      ALTER TABLE rfis ADD CONSTRAINT rfis_official_reply FOREIGN KEY (official_reply_id) REFERENCES rfi_replies(id) ON DELETE SET NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE rfis DROP CONSTRAINT rfis_official_reply');
    await q.query('DROP TABLE rfi_replies, rfi_distribution, rfi_assignees, rfis, rfi_counters');
  }
}
