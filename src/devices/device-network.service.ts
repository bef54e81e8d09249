import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { AppError, errorBody } from '../common/errors';
import { sleep } from '../common/sleep';
import { SandboxClock } from '../sandboxes/sandbox-clock';
import { bytesPerSecond, describeNetwork, NetworkConditions, PacedStream, parseNetwork, transferMs } from './device-network';

/** A request that did not finish within its device's timeout. */
export interface NetworkTimeout {
  id: number;
  method: string;
  url: string;
  route: string | null;
  response_status: number;
  response_bytes: number | null;
  needed_ms: number;
  timeout_ms: number;
  network: NetworkConditions;
  request_id: string | null;
  at: string;
}

/** How many of a device's timeouts its network answer lists. */
const RECENT = 20;

/** Headers of the answer that timed out, which its 408 must not carry. */
const ANSWER_HEADERS = ['content-length', 'content-type', 'content-disposition', 'etag', 'location', 'total', 'per-page', 'link', 'last-modified'];

function payloadBytes(payload: unknown, reply: FastifyReply): number | null {
  if (payload === null || payload === undefined) return 0;
  if (typeof payload === 'string') return Buffer.byteLength(payload);
  if (Buffer.isBuffer(payload)) return payload.length;
  const declared = Number(reply.getHeader('content-length'));
  return Number.isFinite(declared) && declared >= 0 ? declared : null;
}

/**
 * The network a device is on (`POST /_sim/devices/{id}/network`), and what it
 * does to the device's requests: the latency before the first byte, the body
 * paced at the bandwidth, and a 408 `device_timeout` when the whole answer
 * cannot arrive within the timeout (counted from when the request arrived, as
 * the device's client counts it). Each timeout is recorded for diagnose.
 */
@Injectable()
export class DeviceNetwork {
  private readonly logger = new Logger('DeviceNetwork');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: SandboxClock,
  ) {}

  /** Puts every device with this key on a network (null: `normal`, none); 404 for a key no device has used. */
  async set(companyId: number | null, key: string, body: unknown): Promise<Record<string, unknown>[]> {
    const network = parseNetwork(body);
    // TypeORM answers an UPDATE … RETURNING as [rows, rowCount].
    const [rows]: [{ id: number }[], number] = await this.db.query(
      `UPDATE devices SET network = $3, network_generation = network_generation + 1
        WHERE device_key = $1 AND ($2::int IS NULL OR company_id = $2) RETURNING id`,
      [key, companyId, network === null ? null : JSON.stringify(network)],
    );
    if (!rows.length) throw AppError.notFound('Device');
    return this.describe(companyId, key);
  }

  /** Each device with this key: its network and the requests that timed out on it; 404 for a key no device has used. */
  async describe(companyId: number | null, key: string): Promise<Record<string, unknown>[]> {
    const devices: { id: number; user_id: number; network: NetworkConditions | null; network_generation: number }[] = await this.db.query(
      'SELECT id, user_id, network, network_generation FROM devices WHERE device_key = $1 AND ($2::int IS NULL OR company_id = $2) ORDER BY id',
      [key, companyId],
    );
    if (!devices.length) throw AppError.notFound('Device');
    const out: Record<string, unknown>[] = [];
    for (const d of devices) {
      const current = d.network === null ? [] : await this.timeouts(d.id, d.network_generation);
      out.push({ id: key, user_id: d.user_id, network: d.network, timed_out_requests: current });
    }
    return out;
  }

  /** The requests that timed out on the device's current network, newest first. */
  async timeouts(deviceId: number, generation: number, since: Date | null = null, limit = RECENT): Promise<NetworkTimeout[]> {
    const rows: Record<string, any>[] = await this.db.query(
      `SELECT * FROM device_network_events WHERE device_id = $1 AND network_generation = $2 AND ($3::timestamptz IS NULL OR created_at >= $3)
        ORDER BY id DESC LIMIT $4`,
      [deviceId, generation, since, limit],
    );
    return rows.map((r) => ({
      id: Number(r.id),
      method: r.method,
      url: r.url,
      route: r.route,
      response_status: r.response_status,
      response_bytes: r.response_bytes === null ? null : Number(r.response_bytes),
      needed_ms: r.needed_ms,
      timeout_ms: r.timeout_ms,
      network: r.network,
      request_id: r.request_id,
      at: (r.created_at as Date).toISOString(),
    }));
  }

  /**
   * Fastify onSend: the answer as it reaches a device on a simulated network.
   * A body whose size is known and that cannot arrive in time is not sent:
   * the device waits out its timeout and gets 408 `device_timeout`. Otherwise
   * the latency passes, then the body flows at the bandwidth; one of unknown
   * size that runs past the timeout is cut off there.
   */
  async shape(request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> {
    const device = request.device;
    const network = device?.network;
    if (!device || !network) return payload;
    const arrived = request.startedAt ?? process.hrtime.bigint();
    const elapsed = (): number => Number(process.hrtime.bigint() - arrived) / 1e6;
    const bytes = payloadBytes(payload, reply);
    void reply.header('X-Device-Network', network.profile);
    if (bytes !== null) {
      const needed = elapsed() + network.latency_ms + transferMs(bytes, network.bandwidth_kbps);
      if (needed > network.timeout_ms) {
        if (payload instanceof Readable) payload.destroy();
        await sleep(Math.max(0, network.timeout_ms - elapsed()));
        return this.timedOut(request, reply, { bytes, neededMs: needed });
      }
    }
    await sleep(network.latency_ms);
    if (bytes === 0) return payload;
    const rate = bytesPerSecond(network.bandwidth_kbps);
    if (typeof payload === 'string' || Buffer.isBuffer(payload)) {
      const paced = new PacedStream(rate);
      void reply.header('content-length', String(bytes));
      paced.end(payload);
      return paced;
    }
    if (!(payload instanceof Readable)) return payload;
    const deadline = performance.now() + (network.timeout_ms - elapsed());
    const paced = new PacedStream(
      rate,
      bytes === null
        ? {
            at: deadline,
            late: (sent) => {
              void this.record(request, reply.statusCode, null, network.timeout_ms + 1).catch(() => undefined);
              return new Error(`device ${device.device_key}: the answer was cut off after ${sent} bytes at its network's ${network.timeout_ms} ms timeout`);
            },
          }
        : undefined,
    );
    payload.on('error', (err) => paced.destroy(err));
    return payload.pipe(paced);
  }

  /** The 408 in place of the answer, recorded for diagnose. */
  private async timedOut(request: FastifyRequest, reply: FastifyReply, answer: { bytes: number; neededMs: number }): Promise<string> {
    const device = request.device!;
    const network = device.network!;
    const status = reply.statusCode;
    await this.record(request, status, answer.bytes, answer.neededMs).catch((err: Error) => this.logger.warn(`timeout of device ${device.id} not recorded: ${err.message}`));
    for (const h of ANSWER_HEADERS) reply.removeHeader(h);
    void reply.code(408).header('content-type', 'application/json; charset=utf-8');
    const kib = (answer.bytes / 1024).toFixed(answer.bytes < 10 * 1024 ? 1 : 0);
    return JSON.stringify(
      errorBody(
        'device_timeout',
        `The answer did not reach device ${device.device_key} within its ${network.timeout_ms} ms timeout: it is on a ${describeNetwork(network)} network, and this ${kib} KiB answer needs about ${(answer.neededMs / 1000).toFixed(1)} s. ` +
          `Move the device to better signal and retry, or reset its network: POST /_sim/devices/${device.device_key}/network {"profile": "normal"}.`,
        { device_id: device.device_key, network, response_status: status, response_bytes: answer.bytes, needed_ms: Math.round(answer.neededMs), timeout_ms: network.timeout_ms },
        String(request.id),
      ),
    );
  }

  private async record(request: FastifyRequest, status: number, bytes: number | null, neededMs: number): Promise<void> {
    const device = request.device!;
    await this.db.query(
      `INSERT INTO device_network_events (device_id, network_generation, network, method, url, route, response_status, response_bytes, needed_ms, timeout_ms, request_id, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        device.id,
        device.network_generation,
        JSON.stringify(device.network),
        request.method,
        request.url.slice(0, 2048),
        request.routeOptions.url?.slice(0, 500) ?? null,
        status,
        bytes,
        Math.min(2_147_483_647, Math.round(neededMs)),
        device.network!.timeout_ms,
        String(request.id).slice(0, 128),
        await this.clock.now(device.company_id),
      ],
    );
  }
}
