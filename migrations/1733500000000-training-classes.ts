import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Training classes (one sandbox per trainee, driven by a class token), the
 * challenges a trainer arms on a trainee's sandbox, and the drills a trainee
 * runs. Sandbox ids are kept without a foreign key: a reset deletes the
 * sandbox's row with its company and writes it again under the same id, and a
 * class, its results and its drills outlive that.
 */
export class TrainingClasses1733500000000 implements MigrationInterface {
  name = 'TrainingClasses1733500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE training_classes (
        id              serial PRIMARY KEY,
        name            varchar(200) NOT NULL,
        token_hash      char(64) NOT NULL UNIQUE,
        -- a class spans sandboxes: outside a sandbox's transaction sim_now() is the database's time
        created_at      timestamptz NOT NULL DEFAULT sim_now()
      );

      CREATE TABLE training_class_sandboxes (
        class_id        integer NOT NULL REFERENCES training_classes(id) ON DELETE CASCADE,
        trainee         integer NOT NULL CHECK (trainee >= 1),
        sandbox_id      integer NOT NULL UNIQUE,
        PRIMARY KEY (class_id, trainee)
      );

      CREATE TABLE training_challenges (
        id              serial PRIMARY KEY,
        sandbox_id      integer NOT NULL,
        scenario        varchar(64) NOT NULL,
        persona         varchar(64),
        status          varchar(16) NOT NULL CHECK (status IN ('armed', 'solved', 'failed')),
        symptom         jsonb NOT NULL,
        findings        jsonb NOT NULL DEFAULT '[]',
        state           jsonb NOT NULL DEFAULT '{}',
        answers         jsonb NOT NULL DEFAULT '[]',
        score           integer,
        armed_at        timestamptz NOT NULL,
        answered_at     timestamptz
      );
      CREATE UNIQUE INDEX training_challenges_armed ON training_challenges (sandbox_id) WHERE status = 'armed';
      CREATE INDEX training_challenges_sandbox ON training_challenges (sandbox_id, id);

      CREATE TABLE training_drills (
        run_id          integer PRIMARY KEY REFERENCES scenario_runs(id) ON DELETE CASCADE,
        sandbox_id      integer NOT NULL,
        user_id         integer NOT NULL,
        created_at      timestamptz NOT NULL
      );
      CREATE INDEX training_drills_sandbox ON training_drills (sandbox_id, run_id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE training_drills, training_challenges, training_class_sandboxes, training_classes');
  }
}
