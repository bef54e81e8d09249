import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyRequest } from 'fastify';
import type Redis from 'ioredis';
import { DataSource, EntityManager } from 'typeorm';
import { TokenAuthService } from '../auth/token-auth.service';
import { AppError } from '../common/errors';
import { AppConfig } from '../config/app-config';
import type { Change } from '../changes/change-log.service';
import { JobInspector } from '../queues/job-inspector';
import { Jobs } from '../queues/jobs.service';
import { QueueRegistry } from '../queues/queue-registry';
import { REDIS } from '../redis/redis.module';
import { SandboxClock } from '../sandboxes/sandbox-clock';
import { JobClock } from '../queues/job-clock';
import type { NetworkConditions } from './device-network';

export interface DeviceRow {
  id: number;
  company_id: number;
  user_id: number;
  device_key: string;
  online: boolean;
  synced_change_id: string;
  synced_at: Date;
  sync_pending: boolean;
  /** Its simulated network (`POST /_sim/devices/{id}/network`); null: a normal one. */
  network: NetworkConditions | null;
  /** +1 each time its network is set: the timeouts of the current network are those of this generation. */
  network_generation: number;
}

const KEY = /^[A-Za-z0-9._:-]{1,128}$/;

/** Reads the X-Device-Id of a request; null when absent, 422 when malformed. */
export function deviceKeyOf(request: FastifyRequest): string | null {
  const raw = request.headers['x-device-id'];
  if (raw === undefined) return null;
  const key = Array.isArray(raw) ? raw[0] : raw;
  if (!KEY.test(key)) throw AppError.validation([{ field: 'X-Device-Id', message: 'must be 1-128 letters, digits, . _ : -' }]);
  return key;
}

/**
 * The device model (X-Device-Id). A device sees the project as of its last
 * sync: the answers it read are kept for it until a sync reaches it, and every
 * change reaches its online devices through a queued `sync.device` job with the
 * sandbox's sync delay. An offline device's writes are kept on it
 * (`DeviceWrites`); its network shapes its answers (`DeviceNetwork`).
 */
@Injectable()
export class DevicesService {
  private readonly logger = new Logger('Devices');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
    private readonly tokens: TokenAuthService,
    private readonly jobs: Jobs,
    private readonly inspector: JobInspector,
    private readonly queues: QueueRegistry,
    private readonly clock: SandboxClock,
    private readonly jobClock: JobClock,
  ) {}

  storeKey(deviceId: number, url: string): string {
    return `${this.config.redisPrefix}:dev:${deviceId}:${url}`;
  }

  /** The device of this user with this key, created on first use (synced now). */
  async device(companyId: number, userId: number, key: string): Promise<DeviceRow> {
    const [row]: DeviceRow[] = await this.db.query(
      `INSERT INTO devices (company_id, user_id, device_key, synced_change_id, synced_at, created_at)
       VALUES ($1, $2, $3, coalesce((SELECT max(id) FROM change_log WHERE company_id = $1), 0), $4, $4)
       ON CONFLICT (company_id, device_key, user_id) DO UPDATE SET device_key = EXCLUDED.device_key
       RETURNING *`,
      [companyId, userId, key, await this.clock.now(companyId)],
    );
    return row;
  }

  /**
   * Fastify preHandler: the device of a `/rest` request with `X-Device-Id`,
   * once per request, for what happens before any route runs (an offline
   * write kept on the device, its network) and for the device view after.
   * Null without the header, with a malformed one or an invalid token: the
   * route answers those.
   */
  async resolve(request: FastifyRequest): Promise<DeviceRow | null> {
    if (!request.url.startsWith('/rest/')) return null;
    let key: string | null;
    try {
      key = deviceKeyOf(request);
    } catch {
      return null; // the route answers the 422
    }
    if (key === null) return null;
    let auth;
    try {
      const hash = this.tokens.hashOf(request.headers.authorization);
      auth = this.tokens.cached(hash) ?? (await this.tokens.load(hash, null));
    } catch {
      return null; // the guard answers the 401
    }
    request.device = await this.device(auth.companyId, auth.userId, key);
    return request.device;
  }

  /**
   * Change-log listener: a sync delivery for every online device that has not
   * seen these changes, one per device however many changes a write made.
   */
  async onChanges(m: EntityManager, changes: readonly Change[]): Promise<void> {
    // The newest change of each project decides: a device that has not seen it has not seen the others either.
    const newest = new Map<string, Change>();
    for (const c of changes) {
      const key = `${c.companyId}:${c.projectId}`;
      if ((newest.get(key)?.id ?? -1) < c.id) newest.set(key, c);
    }
    for (const change of newest.values()) {
      // TypeORM answers an UPDATE … RETURNING as [rows, rowCount].
      const [devices]: [{ id: number }[], number] = await m.query(
        `UPDATE devices d SET sync_pending = true
          WHERE d.company_id = $1 AND d.online AND NOT d.sync_pending AND d.synced_change_id < $2
            AND ($3::int IS NULL OR EXISTS (SELECT 1 FROM project_memberships pm WHERE pm.project_id = $3 AND pm.user_id = d.user_id AND pm.active)
                 OR EXISTS (SELECT 1 FROM users u JOIN permission_templates t ON t.id = u.company_template_id
                             WHERE u.id = d.user_id AND t.levels->>'company_directory' = 'admin'))
          RETURNING d.id`,
        [change.companyId, change.id, change.projectId],
      );
      for (const d of devices) await this.jobs.enqueue(m, 'sync.device', { companyId: change.companyId, projectId: change.projectId, deviceId: d.id });
    }
  }

  /**
   * `sync.device`: the device now sees everything up to the latest change; its
   * kept answers are dropped, and sync deliveries still scheduled for it are
   * redundant and removed.
   */
  async sync(deviceId: number, currentJobId?: string): Promise<Record<string, unknown>> {
    const [owner]: { company_id: number }[] = await this.db.query('SELECT company_id FROM devices WHERE id = $1', [deviceId]);
    if (!owner) return { skipped: 'device offline or gone' };
    // `synced_at` is the as-of time of the device's reads: its sandbox's time.
    const [row]: [{ synced_change_id: string; company_id: number }[], number] = await this.db.query(
      `UPDATE devices SET synced_change_id = coalesce((SELECT max(id) FROM change_log WHERE company_id = devices.company_id), 0),
              synced_at = $2, sync_pending = false
        WHERE id = $1 AND online RETURNING synced_change_id, company_id`,
      [deviceId, await this.clock.now(owner.company_id)],
    );
    if (!row.length) return { skipped: 'device offline or gone' };
    await this.forget(deviceId);
    const redundant = (await this.inspector.pending({ companyId: row[0].company_id, projectId: null })).filter(
      (j) => j.name === 'sync.device' && (j.payload as { deviceId?: number }).deviceId === deviceId && j.id !== currentJobId && ['delayed', 'waiting', 'prioritized'].includes(j.state),
    );
    for (const j of redundant) await (await this.queues.get(j.queue).getJob(j.id))?.remove().catch(() => undefined);
    return { synced_change_id: Number(row[0].synced_change_id), redundant_deliveries_removed: redundant.length };
  }

  /** Drops the answers kept for a device (it reads live again until the next change). */
  async forget(deviceId: number): Promise<void> {
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${this.config.redisPrefix}:dev:${deviceId}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) await this.redis.del(...keys);
    } while (cursor !== '0');
  }

  async setOnline(companyId: number | null, key: string, online: boolean): Promise<Record<string, unknown>[]> {
    const devices = await this.find(companyId, key);
    for (const d of devices) {
      await this.clock.transaction(d.company_id, async (m) => {
        await m.query('UPDATE devices SET online = $2 WHERE id = $1', [d.id, online]);
        if (online) {
          await this.jobs.enqueue(m, 'sync.replay', { companyId: d.company_id, projectId: null, deviceId: d.id });
          await m.query('UPDATE devices SET sync_pending = true WHERE id = $1', [d.id]);
          await this.jobs.enqueue(m, 'sync.device', { companyId: d.company_id, projectId: null, deviceId: d.id });
        }
      });
    }
    return this.describe(companyId, key);
  }

  /** "Sync now": a sync delivery already waiting for the device runs at once; otherwise a new one is queued. */
  async requestSync(companyId: number | null, key: string): Promise<Record<string, unknown>[]> {
    for (const d of await this.find(companyId, key)) {
      const waiting = (await this.inspector.pending({ companyId: d.company_id, projectId: null })).filter(
        (j) => j.name === 'sync.device' && (j.payload as { deviceId?: number }).deviceId === d.id && j.state === 'delayed',
      );
      if (waiting.length) {
        for (const j of waiting) await this.jobClock.runNow(d.company_id, j.queue, j.id);
        continue;
      }
      await this.clock.transaction(d.company_id, async (m) => {
        await m.query('UPDATE devices SET sync_pending = true WHERE id = $1', [d.id]);
        await this.jobs.enqueue(m, 'sync.device', { companyId: d.company_id, projectId: null, deviceId: d.id });
      });
    }
    return this.describe(companyId, key);
  }

  async describe(companyId: number | null, key?: string): Promise<Record<string, unknown>[]> {
    // not_seen counts the company's changes since the sync (change ids are shared by every company, so their difference is not a count)
    const rows: (DeviceRow & { not_seen: number; queued: number; queued_photos: number; conflicts: number })[] = await this.db.query(
      `SELECT d.*, (SELECT count(*)::int FROM change_log c WHERE c.company_id = d.company_id AND c.id > d.synced_change_id) AS not_seen,
              (SELECT count(*)::int FROM device_writes w WHERE w.device_id = d.id AND w.status = 'queued') AS queued,
              (SELECT count(*)::int FROM device_writes w JOIN device_files f ON f.write_id = w.id WHERE w.device_id = d.id AND w.status = 'queued') AS queued_photos,
              (SELECT count(*)::int FROM device_writes w WHERE w.device_id = d.id AND w.status = 'conflict') AS conflicts
         FROM devices d WHERE ($1::int IS NULL OR d.company_id = $1) AND ($2::text IS NULL OR d.device_key = $2) ORDER BY d.id`,
      [companyId, key ?? null],
    );
    return rows.map((d) => ({
      id: d.device_key,
      user_id: d.user_id,
      online: d.online,
      synced_at: d.synced_at.toISOString(),
      synced_change_id: Number(d.synced_change_id),
      changes_not_seen: d.not_seen,
      sync_pending: d.sync_pending,
      queued_writes: d.queued,
      queued_photos: d.queued_photos,
      conflicts: d.conflicts,
    }));
  }

  /**
   * The company's devices holding queued writes to this project (any project
   * with null), with how many of them carry photos: what others do not see
   * until those devices are back online.
   */
  async holding(companyId: number, projectId: number | null): Promise<{ device_key: string; user_id: number; online: boolean; writes: number; photos: number }[]> {
    return this.db.query(
      `SELECT d.device_key, d.user_id, d.online, count(DISTINCT w.id)::int AS writes, count(f.id)::int AS photos
         FROM devices d JOIN device_writes w ON w.device_id = d.id AND w.status = 'queued'
         LEFT JOIN device_files f ON f.write_id = w.id
        WHERE d.company_id = $1 AND ($2::int IS NULL OR w.url ~ ('^/rest/v1\\.[01]/projects/' || $2::text || '(/|\\?|$)'))
        GROUP BY d.id ORDER BY d.id`,
      [companyId, projectId],
    );
  }

  private async find(companyId: number | null, key: string): Promise<DeviceRow[]> {
    const rows: DeviceRow[] = await this.db.query('SELECT * FROM devices WHERE device_key = $1 AND ($2::int IS NULL OR company_id = $2)', [key, companyId]);
    if (!rows.length) throw AppError.notFound('Device');
    return rows;
  }
}
