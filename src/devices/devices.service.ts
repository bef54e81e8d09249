import { Inject, Injectable, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Redis from 'ioredis';
import { Readable } from 'node:stream';
import { DataSource, EntityManager } from 'typeorm';
import { digest, randomToken } from '../auth/secrets';
import { TokenAuthService } from '../auth/token-auth.service';
import { AppError, errorBody } from '../common/errors';
import { AppConfig } from '../config/app-config';
import type { Change } from '../changes/change-log.service';
import { JobInspector } from '../queues/job-inspector';
import { Jobs } from '../queues/jobs.service';
import { QueueRegistry } from '../queues/queue-registry';
import { REDIS } from '../redis/redis.module';
import { SandboxClock } from '../sandboxes/sandbox-clock';
import { JobClock } from '../queues/job-clock';

export interface DeviceRow {
  id: number;
  company_id: number;
  user_id: number;
  device_key: string;
  online: boolean;
  synced_change_id: string;
  synced_at: Date;
  sync_pending: boolean;
}

const KEY = /^[A-Za-z0-9._:-]{1,128}$/;
const WRITES = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

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
 * sandbox's sync delay. An offline device's writes are accepted (202), kept in
 * order, and applied by a `sync.replay` job when it comes back online, through
 * the normal API with its permission checks; a conflict is recorded, not lost.
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
    private readonly adapter: HttpAdapterHost,
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
   * Fastify preHandler: a write from an offline device is queued on the device
   * (202, X-Queued-Offline) without running; permissions are checked when it is
   * applied. Answers true when it answered the request.
   */
  async captureOffline(request: FastifyRequest, reply: FastifyReply): Promise<boolean> {
    if (!WRITES.has(request.method) || !request.url.startsWith('/rest/')) return false;
    let key: string | null;
    try {
      key = deviceKeyOf(request);
    } catch {
      return false; // the route answers the 422
    }
    if (key === null) return false;
    let auth;
    try {
      const hash = this.tokens.hashOf(request.headers.authorization);
      auth = this.tokens.cached(hash) ?? (await this.tokens.load(hash, null));
    } catch {
      return false; // the guard answers the 401
    }
    const device = await this.device(auth.companyId, auth.userId, key);
    if (device.online) return false;
    if (request.isMultipart() || request.body instanceof Readable) {
      // The write is kept as its JSON body; a file stream (a form, a segment's bytes) cannot wait on the device.
      void reply.status(400).send(
        errorBody(
          'invalid_request',
          `Device ${key} is offline: its writes are kept as JSON until it is back online, but files are not. Send the files once the device is online (POST /_sim/devices/${key}/actions/go_online), or attach uploads sent before by upload_ids.`,
          { device_id: key, online: false },
          String(request.id),
        ),
      );
      return true;
    }
    const ifMatch = request.headers['if-match'];
    const [row]: { id: string; position: number }[] = await this.db.query(
      `INSERT INTO device_writes (device_id, method, url, body, if_match, created_at) VALUES ($1, $2, $3, $4, $5, $6)
       RETURNING id, (SELECT count(*)::int FROM device_writes WHERE device_id = $1 AND status = 'queued') + 1 AS position`,
      [device.id, request.method, request.url, request.body === undefined ? null : JSON.stringify(request.body), typeof ifMatch === 'string' ? ifMatch.slice(0, 64) : null, await this.clock.now(device.company_id)],
    );
    void reply
      .status(202)
      .header('X-Queued-Offline', 'true')
      .header('X-Synced-At', device.synced_at.toISOString())
      .send({ queued: true, device_id: key, write_id: Number(row.id), position: row.position, message: 'The device is offline: the write is kept on the device and applied when it comes back online.' });
    return true;
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

  /** `sync.replay`: the device's queued writes, in order, through the API as its user. */
  async replay(deviceId: number): Promise<Record<string, unknown>> {
    const [device]: DeviceRow[] = await this.db.query('SELECT * FROM devices WHERE id = $1', [deviceId]);
    if (!device) return { skipped: 'device gone' };
    const writes: { id: string; method: string; url: string; body: unknown; if_match: string | null }[] = await this.db.query(
      `SELECT id, method, url, body, if_match FROM device_writes WHERE device_id = $1 AND status = 'queued' ORDER BY id`,
      [deviceId],
    );
    if (!writes.length) return { applied: 0 };
    const http = this.adapter.httpAdapter?.getInstance() as FastifyInstance | undefined;
    if (!http) throw new Error('replaying device writes needs the API (this process serves no HTTP)');
    // A short-lived token of the device's user: the guard checks the user's permissions as they are now.
    const token = randomToken();
    const issued = await this.clock.now(device.company_id);
    await this.db.query(
      `INSERT INTO oauth_tokens (company_id, user_id, access_hash, expires_at, created_at) VALUES ($1, $2, $3, $4::timestamptz + interval '5 minutes', $4)`,
      [device.company_id, device.user_id, digest(token), issued],
    );
    const results: Record<string, number> = { applied: 0, conflict: 0, refused: 0 };
    try {
      for (const w of writes) {
        const headers: Record<string, string> = {
          authorization: `Bearer ${token}`,
          'procore-company-id': String(device.company_id),
          'content-type': 'application/json',
          'x-request-id': `device-${deviceId}-write-${w.id}`,
        };
        if (w.if_match) headers['if-match'] = w.if_match;
        const res = await http.inject({ method: w.method as 'POST', url: w.url, headers, payload: w.body === null ? undefined : JSON.stringify(w.body) });
        if (res.statusCode >= 500) throw new Error(`write ${w.id} answered ${res.statusCode}; retrying`);
        const status = res.statusCode < 300 ? 'applied' : res.statusCode === 409 ? 'conflict' : 'refused';
        let body: unknown = null;
        try {
          body = res.body ? JSON.parse(res.body) : null;
        } catch {
          body = res.body.slice(0, 1000);
        }
        await this.db.query(
          `UPDATE device_writes SET status = $2, response_status = $3, response = $4, applied_at = $5 WHERE id = $1`,
          [w.id, status, res.statusCode, JSON.stringify(body), await this.clock.now(device.company_id)],
        );
        results[status] += 1;
      }
    } finally {
      await this.db.query('UPDATE oauth_tokens SET revoked_at = $2 WHERE access_hash = $1', [digest(token), await this.clock.now(device.company_id)]);
    }
    return results;
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
    const rows: (DeviceRow & { not_seen: number; queued: number; conflicts: number })[] = await this.db.query(
      `SELECT d.*, (SELECT count(*)::int FROM change_log c WHERE c.company_id = d.company_id AND c.id > d.synced_change_id) AS not_seen,
              (SELECT count(*)::int FROM device_writes w WHERE w.device_id = d.id AND w.status = 'queued') AS queued,
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
      conflicts: d.conflicts,
    }));
  }

  async writes(companyId: number | null, key: string): Promise<Record<string, unknown>[]> {
    const rows = await this.db.query(
      `SELECT w.* FROM device_writes w JOIN devices d ON d.id = w.device_id
        WHERE d.device_key = $2 AND ($1::int IS NULL OR d.company_id = $1) ORDER BY w.id`,
      [companyId, key],
    );
    return rows.map((w: Record<string, unknown>) => ({
      id: Number(w.id),
      method: w.method,
      url: w.url,
      status: w.status,
      response_status: w.response_status,
      response: w.response,
      created_at: (w.created_at as Date).toISOString(),
      applied_at: (w.applied_at as Date | null)?.toISOString() ?? null,
    }));
  }

  private async find(companyId: number | null, key: string): Promise<DeviceRow[]> {
    const rows: DeviceRow[] = await this.db.query('SELECT * FROM devices WHERE device_key = $1 AND ($2::int IS NULL OR company_id = $2)', [key, companyId]);
    if (!rows.length) throw AppError.notFound('Device');
    return rows;
  }
}
