import { MigrationInterface, QueryRunner } from 'typeorm';

/** Simulated devices (X-Device-Id): sync state and the writes they queued while offline. */
export class Devices1732400000000 implements MigrationInterface {
  name = 'Devices1732400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE devices (
        id              serial PRIMARY KEY,
        company_id      integer NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
        user_id         integer NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        device_key      varchar(128) NOT NULL,
        online          boolean NOT NULL DEFAULT true,
        synced_change_id bigint NOT NULL DEFAULT 0,
        synced_at       timestamptz NOT NULL DEFAULT now(),
        sync_pending    boolean NOT NULL DEFAULT false,
        created_at      timestamptz NOT NULL DEFAULT now(),
        UNIQUE (company_id, device_key, user_id)
      );

      CREATE TABLE device_writes (
        id              bigserial PRIMARY KEY,
        device_id       integer NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
        method          varchar(8) NOT NULL,
        url             varchar(2048) NOT NULL,
        body            jsonb,
        if_match        varchar(64),
        status          varchar(16) NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'applied', 'conflict', 'refused')),
        response_status integer,
        response        jsonb,
        created_at      timestamptz NOT NULL DEFAULT now(),
        applied_at      timestamptz
      );
      CREATE INDEX device_writes_device ON device_writes (device_id, id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE device_writes, devices');
  }
}
