import { MigrationInterface, QueryRunner } from 'typeorm';

/** Fault rules of the simulator (API.md "A fault rule"). */
export class FaultRules1732200000000 implements MigrationInterface {
  name = 'FaultRules1732200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE fault_rules (
        id              serial PRIMARY KEY,
        company_id      integer NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
        target          varchar(8) NOT NULL CHECK (target IN ('job', 'http')),
        queue           varchar(32),
        job_name        varchar(64),
        route           varchar(500),
        method          varchar(8),
        project_id      integer,
        user_id         integer,
        effect          varchar(16) NOT NULL CHECK (effect IN ('fail', 'delay', 'stall', 'drop', 'http_error')),
        status          integer,
        delay_ms        integer,
        probability     double precision NOT NULL CHECK (probability >= 0 AND probability <= 1),
        count           integer CHECK (count IS NULL OR count > 0),
        remaining       integer,
        seed            integer NOT NULL,
        evaluations     integer NOT NULL DEFAULT 0,
        hits            integer NOT NULL DEFAULT 0,
        expires_at      timestamptz,
        created_at      timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX fault_rules_company ON fault_rules (company_id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE fault_rules');
  }
}
