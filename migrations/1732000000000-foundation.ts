import { MigrationInterface, QueryRunner } from 'typeorm';

/** Companies, directory, projects, permission templates, OAuth, sandboxes, audit. */
export class Foundation1732000000000 implements MigrationInterface {
  name = 'Foundation1732000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE companies (
        id              serial PRIMARY KEY,
        name            varchar(255) NOT NULL,
        permission_version integer NOT NULL DEFAULT 1,
        version         integer NOT NULL DEFAULT 1,
        created_at      timestamptz NOT NULL DEFAULT now(),
        updated_at      timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE sandboxes (
        id              serial PRIMARY KEY,
        company_id      integer NOT NULL UNIQUE REFERENCES companies(id) ON DELETE CASCADE,
        name            varchar(255) NOT NULL,
        template        varchar(32) NOT NULL CHECK (template IN ('blank', 'training')),
        seed            integer NOT NULL,
        token_hash      char(64) NOT NULL UNIQUE,
        persona_password varchar(64),
        settings        jsonb NOT NULL DEFAULT '{}',
        seeded_ids      jsonb NOT NULL DEFAULT '{}',
        seed_secrets    jsonb NOT NULL DEFAULT '{}',
        version         integer NOT NULL DEFAULT 1,
        created_at      timestamptz NOT NULL DEFAULT now(),
        updated_at      timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE vendors (
        id              serial PRIMARY KEY,
        company_id      integer NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
        name            varchar(255) NOT NULL,
        trade           varchar(255),
        email           varchar(255),
        is_own_company  boolean NOT NULL DEFAULT false,
        active          boolean NOT NULL DEFAULT true,
        version         integer NOT NULL DEFAULT 1,
        created_at      timestamptz NOT NULL DEFAULT now(),
        updated_at      timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX vendors_company ON vendors (company_id, id);
      CREATE UNIQUE INDEX vendors_name ON vendors (company_id, lower(name));

      CREATE TABLE projects (
        id              serial PRIMARY KEY,
        company_id      integer NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
        name            varchar(255) NOT NULL,
        project_number  varchar(64),
        address         varchar(500),
        active          boolean NOT NULL DEFAULT true,
        settings        jsonb NOT NULL DEFAULT '{}',
        version         integer NOT NULL DEFAULT 1,
        created_at      timestamptz NOT NULL DEFAULT now(),
        updated_at      timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX projects_company ON projects (company_id, id);

      CREATE TABLE permission_templates (
        id              serial PRIMARY KEY,
        company_id      integer NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
        project_id      integer REFERENCES projects(id) ON DELETE CASCADE,
        name            varchar(255) NOT NULL,
        scope           varchar(16) NOT NULL CHECK (scope IN ('company', 'project')),
        assignable      boolean NOT NULL DEFAULT true,
        levels          jsonb NOT NULL DEFAULT '{}',
        granular        text[] NOT NULL DEFAULT '{}',
        version         integer NOT NULL DEFAULT 1,
        created_at      timestamptz NOT NULL DEFAULT now(),
        updated_at      timestamptz NOT NULL DEFAULT now(),
        CHECK (project_id IS NULL OR scope = 'project')
      );
      CREATE UNIQUE INDEX permission_templates_name
        ON permission_templates (company_id, scope, coalesce(project_id, 0), lower(name));

      CREATE TABLE users (
        id              serial PRIMARY KEY,
        company_id      integer NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
        vendor_id       integer REFERENCES vendors(id) ON DELETE SET NULL,
        company_template_id integer REFERENCES permission_templates(id),
        email           varchar(255) NOT NULL,
        name            varchar(255) NOT NULL,
        job_title       varchar(255),
        password_hash   varchar(255),
        is_service_account boolean NOT NULL DEFAULT false,
        active          boolean NOT NULL DEFAULT true,
        accounting_approver boolean NOT NULL DEFAULT false,
        locked_until    timestamptz,
        last_login_at   timestamptz,
        version         integer NOT NULL DEFAULT 1,
        created_at      timestamptz NOT NULL DEFAULT now(),
        updated_at      timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX users_email ON users (lower(email));
      CREATE INDEX users_company ON users (company_id, id);

      CREATE TABLE login_failures (
        id              bigserial PRIMARY KEY,
        user_id         integer NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        failed_at       timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX login_failures_user ON login_failures (user_id, failed_at);

      CREATE TABLE project_tools (
        project_id      integer NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        tool            varchar(32) NOT NULL,
        active          boolean NOT NULL DEFAULT true,
        updated_at      timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (project_id, tool)
      );

      CREATE TABLE project_memberships (
        id              serial PRIMARY KEY,
        company_id      integer NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
        project_id      integer NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        user_id         integer NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        template_id     integer REFERENCES permission_templates(id) ON DELETE SET NULL,
        active          boolean NOT NULL DEFAULT true,
        removed_at      timestamptz,
        removed_by_id   integer REFERENCES users(id) ON DELETE SET NULL,
        version         integer NOT NULL DEFAULT 1,
        created_at      timestamptz NOT NULL DEFAULT now(),
        updated_at      timestamptz NOT NULL DEFAULT now(),
        UNIQUE (project_id, user_id),
        CHECK (NOT active OR template_id IS NOT NULL)
      );
      CREATE INDEX project_memberships_user ON project_memberships (user_id) WHERE active;
      CREATE INDEX project_memberships_template ON project_memberships (template_id);

      CREATE TABLE oauth_apps (
        id              serial PRIMARY KEY,
        company_id      integer NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
        name            varchar(255) NOT NULL,
        client_id       varchar(64) NOT NULL UNIQUE,
        client_secret_hash varchar(255) NOT NULL,
        redirect_uris   text[] NOT NULL DEFAULT '{}',
        service_account_user_id integer REFERENCES users(id) ON DELETE CASCADE,
        created_at      timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE oauth_codes (
        code_hash       char(64) PRIMARY KEY,
        app_id          integer NOT NULL REFERENCES oauth_apps(id) ON DELETE CASCADE,
        user_id         integer NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        redirect_uri    text NOT NULL,
        expires_at      timestamptz NOT NULL,
        used_at         timestamptz,
        created_at      timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE oauth_tokens (
        id              serial PRIMARY KEY,
        company_id      integer NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
        user_id         integer NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        app_id          integer REFERENCES oauth_apps(id) ON DELETE CASCADE,
        access_hash     char(64) NOT NULL UNIQUE,
        refresh_hash    char(64) UNIQUE,
        expires_at      timestamptz NOT NULL,
        refresh_expires_at timestamptz,
        revoked_at      timestamptz,
        created_at      timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX oauth_tokens_user ON oauth_tokens (user_id);

      CREATE TABLE audit_events (
        id              bigserial PRIMARY KEY,
        company_id      integer NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
        project_id      integer REFERENCES projects(id) ON DELETE CASCADE,
        user_id         integer REFERENCES users(id) ON DELETE SET NULL,
        kind            varchar(64) NOT NULL,
        action          varchar(128),
        detail          jsonb NOT NULL DEFAULT '{}',
        request_id      varchar(128),
        created_at      timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX audit_events_company ON audit_events (company_id, created_at DESC);
      CREATE INDEX audit_events_user ON audit_events (user_id, kind, created_at DESC);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE audit_events, oauth_tokens, oauth_codes, oauth_apps, project_memberships, project_tools,
        login_failures, users, permission_templates, projects, vendors, sandboxes, companies CASCADE;
    `);
  }
}
