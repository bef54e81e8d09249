import { MigrationInterface, QueryRunner } from 'typeorm';

/** The transactional outbox of jobs, the change log, and webhooks. */
export class JobsChangelogWebhooks1732100000000 implements MigrationInterface {
  name = 'JobsChangelogWebhooks1732100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE outbox (
        id              bigserial PRIMARY KEY,
        company_id      integer NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
        project_id      integer,
        queue           varchar(32) NOT NULL,
        name            varchar(64) NOT NULL,
        payload         jsonb NOT NULL,
        created_at      timestamptz NOT NULL DEFAULT now(),
        relayed_at      timestamptz,
        job_id          varchar(64)
      );
      CREATE INDEX outbox_pending ON outbox (id) WHERE relayed_at IS NULL;
      CREATE INDEX outbox_project ON outbox (company_id, project_id, id);

      CREATE TABLE change_log (
        id              bigserial PRIMARY KEY,
        company_id      integer NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
        project_id      integer,
        resource        varchar(64) NOT NULL,
        resource_id     integer NOT NULL,
        event_type      varchar(16) NOT NULL CHECK (event_type IN ('create', 'update', 'delete')),
        version         integer NOT NULL,
        snapshot        jsonb NOT NULL,
        actor_id        integer,
        request_id      varchar(128),
        created_at      timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX change_log_project ON change_log (company_id, project_id, id);
      CREATE INDEX change_log_resource ON change_log (company_id, resource, resource_id, id);

      CREATE TABLE webhook_hooks (
        id              serial PRIMARY KEY,
        company_id      integer NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
        project_id      integer NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        namespace       varchar(64) NOT NULL,
        destination_url varchar(2048) NOT NULL,
        destination_headers jsonb NOT NULL DEFAULT '{}',
        version         integer NOT NULL DEFAULT 1,
        created_at      timestamptz NOT NULL DEFAULT now(),
        updated_at      timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX webhook_hooks_project ON webhook_hooks (project_id);

      CREATE TABLE webhook_triggers (
        id              serial PRIMARY KEY,
        hook_id         integer NOT NULL REFERENCES webhook_hooks(id) ON DELETE CASCADE,
        resource_name   varchar(64) NOT NULL,
        event_type      varchar(16) NOT NULL CHECK (event_type IN ('create', 'update', 'delete')),
        created_at      timestamptz NOT NULL DEFAULT now(),
        UNIQUE (hook_id, resource_name, event_type)
      );

      CREATE TABLE webhook_deliveries (
        id              bigserial PRIMARY KEY,
        hook_id         integer NOT NULL REFERENCES webhook_hooks(id) ON DELETE CASCADE,
        change_id       bigint NOT NULL REFERENCES change_log(id) ON DELETE CASCADE,
        event_ulid      char(26) NOT NULL,
        payload         jsonb NOT NULL,
        status          varchar(16) NOT NULL DEFAULT 'queued'
                        CHECK (status IN ('queued', 'retrying', 'delivered', 'discarded')),
        attempts        integer NOT NULL DEFAULT 0,
        response_status integer,
        response_body   varchar(1000),
        last_error      varchar(1000),
        next_attempt_at timestamptz,
        delivered_at    timestamptz,
        created_at      timestamptz NOT NULL DEFAULT now(),
        updated_at      timestamptz NOT NULL DEFAULT now(),
        UNIQUE (hook_id, change_id)
      );
      CREATE INDEX webhook_deliveries_hook ON webhook_deliveries (hook_id, id DESC);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE webhook_deliveries, webhook_triggers, webhook_hooks, change_log, outbox');
  }
}
