import { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { digest, randomToken } from '../auth/secrets';
import { AppError, errorBody } from '../common/errors';
import { SandboxClock } from '../sandboxes/sandbox-clock';
import { DeviceForms, KeptPart } from './device-forms';
import type { DeviceRow } from './devices.service';

const WRITES = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

interface QueuedWrite {
  id: string;
  method: string;
  url: string;
  body: unknown;
  form: KeptPart[] | null;
  if_match: string | null;
}

/**
 * An offline device's writes: accepted (202) and kept in order on the device
 * — a JSON body as it is, a photo's form with its files — and applied by a
 * `sync.replay` job when the device is back online, through the normal API as
 * its user, with the checks of that moment (permissions, and for a photo the
 * sandbox's limits and types); a conflict or a refusal is recorded with its
 * answer, not lost.
 */
@Injectable()
export class DeviceWrites {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly adapter: HttpAdapterHost,
    private readonly clock: SandboxClock,
    private readonly forms: DeviceForms,
  ) {}

  /**
   * Fastify preHandler, after the device is resolved: a write from an offline
   * device is kept on it (202, X-Queued-Offline) without running. Answers true
   * when it answered the request.
   */
  async captureOffline(request: FastifyRequest, reply: FastifyReply): Promise<boolean> {
    const device = request.device;
    if (!device || device.online || !WRITES.has(request.method)) return false;
    const key = device.device_key;
    const multipart = request.isMultipart();
    // A raw file stream (a segment's bytes) cannot wait on the device either.
    if ((multipart && !this.forms.keeps(request)) || request.body instanceof Readable) {
      void reply.status(400).send(
        errorBody(
          'invalid_request',
          `Device ${key} is offline: it keeps photos (POST .../images) and JSON writes until it is back online, but not other files. Send them once the device is online (POST /_sim/devices/${key}/actions/go_online).`,
          { device_id: key, online: false },
          String(request.id),
        ),
      );
      return true;
    }
    const ifMatch = request.headers['if-match'];
    let kept: { id: string; position: number; files: number };
    try {
      kept = await this.clock.transaction(device.company_id, async (m) => {
        const [row]: { id: string; position: number }[] = await m.query(
          `INSERT INTO device_writes (device_id, method, url, body, if_match, created_at) VALUES ($1, $2, $3, $4, $5, $6)
           RETURNING id, (SELECT count(*)::int FROM device_writes WHERE device_id = $1 AND status = 'queued') + 1 AS position`,
          [device.id, request.method, request.url, multipart || request.body === undefined ? null : JSON.stringify(request.body), typeof ifMatch === 'string' ? ifMatch.slice(0, 64) : null, await this.clock.now(device.company_id)],
        );
        if (!multipart) return { ...row, files: 0 };
        const form = await this.forms.capture(m, request, Number(row.id));
        await m.query('UPDATE device_writes SET form = $2 WHERE id = $1', [row.id, JSON.stringify(form.parts)]);
        return { ...row, files: form.files };
      });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      void reply.status(err.status).headers(err.headers).send(errorBody(err.code, err.message, err.details, String(request.id), err.status));
      return true;
    }
    void reply
      .status(202)
      .header('X-Queued-Offline', 'true')
      .header('X-Synced-At', device.synced_at.toISOString())
      .send({
        queued: true,
        device_id: key,
        write_id: Number(kept.id),
        position: kept.position,
        files: kept.files,
        message: kept.files
          ? `The device is offline: the write and its ${kept.files} file(s) are kept on the device, and sent when it comes back online (the sandbox's upload limits are checked then).`
          : 'The device is offline: the write is kept on the device and applied when it comes back online.',
      });
    return true;
  }

  /** `sync.replay`: the device's queued writes, in order, through the API as its user. */
  async replay(deviceId: number): Promise<Record<string, unknown>> {
    const [device]: DeviceRow[] = await this.db.query('SELECT * FROM devices WHERE id = $1', [deviceId]);
    if (!device) return { skipped: 'device gone' };
    const writes: QueuedWrite[] = await this.db.query(
      `SELECT id, method, url, body, form, if_match FROM device_writes WHERE device_id = $1 AND status = 'queued' ORDER BY id`,
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
        let payload: string | NodeJS.ReadableStream | undefined = w.body === null ? undefined : JSON.stringify(w.body);
        if (w.form) {
          const form = await this.forms.body(w.form);
          headers['content-type'] = form.contentType;
          payload = form.body;
        }
        const res = await http.inject({ method: w.method as 'POST', url: w.url, headers, payload });
        // An answer that may change on its own (a server error, too many at once) is tried again with the job's backoff.
        if (res.statusCode >= 500 || res.statusCode === 429) throw new Error(`write ${w.id} answered ${res.statusCode}; retrying`);
        const status = res.statusCode < 300 ? 'applied' : res.statusCode === 409 ? 'conflict' : 'refused';
        let body: unknown = null;
        try {
          body = res.body ? JSON.parse(res.body) : null;
        } catch {
          body = res.body.slice(0, 1000);
        }
        // The answer and the files' release in one transaction: an applied write never shows files still held.
        await this.clock.transaction(device.company_id, async (m, now) => {
          await m.query(`UPDATE device_writes SET status = $2, response_status = $3, response = $4, applied_at = $5 WHERE id = $1`, [w.id, status, res.statusCode, JSON.stringify(body), now]);
          // Sent and taken, the files leave the device; refused, it still holds them.
          if (w.form && status === 'applied') await this.forms.release(Number(w.id), m);
        });
        results[status] += 1;
      }
    } finally {
      await this.db.query('UPDATE oauth_tokens SET revoked_at = $2 WHERE access_hash = $1', [digest(token), await this.clock.now(device.company_id)]);
    }
    return results;
  }

  async writes(companyId: number | null, key: string): Promise<Record<string, unknown>[]> {
    const rows: Record<string, unknown>[] = await this.db.query(
      `SELECT w.* FROM device_writes w JOIN devices d ON d.id = w.device_id
        WHERE d.device_key = $2 AND ($1::int IS NULL OR d.company_id = $1) ORDER BY w.id`,
      [companyId, key],
    );
    const files = await this.forms.filesOf(rows.filter((w) => w.form !== null).map((w) => Number(w.id)));
    return rows.map((w) => ({
      id: Number(w.id),
      method: w.method,
      url: w.url,
      status: w.status,
      files: files.get(Number(w.id)) ?? [],
      response_status: w.response_status,
      response: w.response,
      created_at: (w.created_at as Date).toISOString(),
      applied_at: (w.applied_at as Date | null)?.toISOString() ?? null,
    }));
  }
}
