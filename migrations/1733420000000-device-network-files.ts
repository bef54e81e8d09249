import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Devices on a simulated network (bandwidth, latency, timeout) with the
 * requests that timed out on it, and the photos an offline device keeps until
 * it is back online: each file of a captured multipart write, in chunks.
 */
export class DeviceNetworkFiles1733420000000 implements MigrationInterface {
  name = 'DeviceNetworkFiles1733420000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE devices
        ADD COLUMN network jsonb,
        ADD COLUMN network_generation integer NOT NULL DEFAULT 0;

      CREATE TABLE device_network_events (
        id                 bigserial PRIMARY KEY,
        device_id          integer NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
        network_generation integer NOT NULL,
        network            jsonb NOT NULL,
        method             varchar(8) NOT NULL,
        url                varchar(2048) NOT NULL,
        route              varchar(500),
        response_status    integer NOT NULL,
        response_bytes     bigint,
        needed_ms          integer NOT NULL,
        timeout_ms         integer NOT NULL,
        request_id         varchar(128),
        created_at         timestamptz NOT NULL
      );
      CREATE INDEX device_network_events_device ON device_network_events (device_id, id);

      ALTER TABLE device_writes ADD COLUMN form jsonb;

      CREATE TABLE device_files (
        id           bigserial PRIMARY KEY,
        write_id     bigint NOT NULL REFERENCES device_writes(id) ON DELETE CASCADE,
        part_name    varchar(255) NOT NULL,
        file_name    varchar(1024) NOT NULL,
        content_type varchar(255) NOT NULL,
        size_bytes   bigint NOT NULL,
        sha256       char(64) NOT NULL,
        held         boolean NOT NULL DEFAULT true
      );
      CREATE INDEX device_files_write ON device_files (write_id, id);

      CREATE TABLE device_file_chunks (
        file_id bigint NOT NULL REFERENCES device_files(id) ON DELETE CASCADE,
        seq     integer NOT NULL,
        data    bytea NOT NULL,
        PRIMARY KEY (file_id, seq)
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE device_file_chunks, device_files, device_network_events;
      ALTER TABLE device_writes DROP COLUMN form;
      ALTER TABLE devices DROP COLUMN network, DROP COLUMN network_generation;
    `);
  }
}
