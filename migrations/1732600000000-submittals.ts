import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Submittals: numbered per project at creation, revised as new rows with the
 * same number, each with an ordered workflow of approvers and their responses;
 * and submittal packages.
 */
export class Submittals1732600000000 implements MigrationInterface {
  name = 'Submittals1732600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE submittal_counters (
        project_id      integer PRIMARY KEY REFERENCES projects(id) ON DELETE CASCADE,
        last_submittal  integer NOT NULL DEFAULT 0,
        last_package    integer NOT NULL DEFAULT 0
      );

      CREATE TABLE submittal_packages (
        id              serial PRIMARY KEY,
        company_id      integer NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
        project_id      integer NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        number          integer NOT NULL,
        title           varchar(255) NOT NULL,
        description     text NOT NULL DEFAULT '',
        created_by_id   integer REFERENCES users(id) ON DELETE SET NULL,
        version         integer NOT NULL DEFAULT 1,
        created_at      timestamptz NOT NULL DEFAULT now(),
        updated_at      timestamptz NOT NULL DEFAULT now(),
        UNIQUE (project_id, number)
      );

      CREATE TABLE submittals (
        id              serial PRIMARY KEY,
        company_id      integer NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
        project_id      integer NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        number          integer NOT NULL,
        revision        integer NOT NULL DEFAULT 0 CHECK (revision >= 0),
        title           varchar(255) NOT NULL,
        description     text NOT NULL DEFAULT '',
        status          varchar(16) NOT NULL CHECK (status IN ('draft', 'open', 'closed')),
        private         boolean NOT NULL DEFAULT false,
        submittal_manager_id integer REFERENCES users(id) ON DELETE SET NULL,
        created_by_id   integer REFERENCES users(id) ON DELETE SET NULL,
        received_from_id integer REFERENCES users(id) ON DELETE SET NULL,
        responsible_contractor_id integer REFERENCES vendors(id) ON DELETE SET NULL,
        package_id      integer REFERENCES submittal_packages(id) ON DELETE SET NULL,
        due_date        date,
        workflow_state  varchar(16) NOT NULL DEFAULT 'not_started'
                        CHECK (workflow_state IN ('not_started', 'in_review', 'returned', 'complete')),
        current_step    integer CHECK (current_step >= 1),
        ball_in_court_role varchar(24) CHECK (ball_in_court_role IN ('Approvers', 'Submittal Manager')),
        previous_revision_id integer REFERENCES submittals(id) ON DELETE SET NULL,
        submitted_at    timestamptz,
        distributed_at  timestamptz,
        closed_at       timestamptz,
        version         integer NOT NULL DEFAULT 1,
        created_at      timestamptz NOT NULL DEFAULT now(),
        updated_at      timestamptz NOT NULL DEFAULT now(),
        UNIQUE (project_id, number, revision)
      );
      CREATE INDEX submittals_project ON submittals (project_id, id);
      CREATE INDEX submittals_package ON submittals (package_id);

      CREATE TABLE submittal_distribution (
        submittal_id    integer NOT NULL REFERENCES submittals(id) ON DELETE CASCADE,
        user_id         integer NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        PRIMARY KEY (submittal_id, user_id)
      );
      CREATE INDEX submittal_distribution_user ON submittal_distribution (user_id);

      CREATE TABLE submittal_approvers (
        id              serial PRIMARY KEY,
        submittal_id    integer NOT NULL REFERENCES submittals(id) ON DELETE CASCADE,
        step            integer NOT NULL CHECK (step >= 1),
        user_id         integer NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        required        boolean NOT NULL DEFAULT true,
        UNIQUE (submittal_id, step, user_id)
      );
      CREATE INDEX submittal_approvers_user ON submittal_approvers (user_id);

      CREATE TABLE submittal_responses (
        id              serial PRIMARY KEY,
        submittal_id    integer NOT NULL REFERENCES submittals(id) ON DELETE CASCADE,
        approver_id     integer NOT NULL UNIQUE REFERENCES submittal_approvers(id) ON DELETE CASCADE,
        response        varchar(32) NOT NULL CHECK (response IN ('approved', 'approved_as_noted', 'revise_and_resubmit',
                          'rejected', 'for_record_only', 'forwarded_for_review')),
        comment         text NOT NULL DEFAULT '',
        draft           boolean NOT NULL DEFAULT false,
        created_by_id   integer REFERENCES users(id) ON DELETE SET NULL,
        responded_at    timestamptz,
        version         integer NOT NULL DEFAULT 1,
        created_at      timestamptz NOT NULL DEFAULT now(),
        updated_at      timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX submittal_responses_submittal ON submittal_responses (submittal_id, id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE submittal_responses, submittal_approvers, submittal_distribution, submittals, submittal_packages, submittal_counters');
  }
}
