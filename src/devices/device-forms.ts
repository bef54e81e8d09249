import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { DataSource, EntityManager } from 'typeorm';
import { AppError } from '../common/errors';
import { AppConfig } from '../config/app-config';
import { multipartStream, StreamedPartSpec } from '../uploads/multipart-body';
import { FILE_PARTS, idle, MAX_FILES_PER_REQUEST } from '../uploads/upload-receiver';

/** A kept file is stored on the device side in chunks of this size. */
const CHUNK_BYTES = 1024 * 1024;

/**
 * The multipart routes whose forms an offline device keeps, files and all, to
 * send when it is back online: photos, which a phone takes without signal.
 * Other multipart writes from an offline device are refused (400): their
 * files go through `POST .../uploads`, whose ids later writes name, and that
 * cannot wait on a device.
 */
export const OFFLINE_FORM_ROUTES: ReadonlySet<string> = new Set(['POST /rest/v1.0/projects/:project_id/images']);

/** The largest file a device keeps for later (the sandbox's own limits apply when it is sent). */
export const DEVICE_FILE_MAX_BYTES = 64 * 1024 * 1024;
const MAX_FIELDS = 200;
const MAX_FIELD_BYTES = 256 * 1024;

/** One part of a kept form, in the order it was sent: a text part, or a file kept in `device_files`. */
export type KeptPart = { name: string; value: string } | { name: string; file_id: number };

/** A file a device keeps with one of its writes, as `GET /_sim/devices/{id}/writes` lists it. */
export interface KeptFile {
  part: string;
  file_name: string;
  content_type: string;
  size: number;
  held: boolean;
}

/**
 * An offline device's multipart forms: read whole when the device makes the
 * write (its files into `device_files`, chunk by chunk), and sent again as
 * the same form when it is back online. Nothing is checked here beyond what a
 * device can hold: the sandbox's limits, types and permissions are checked
 * when the form is sent, by the route itself.
 */
@Injectable()
export class DeviceForms {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly config: AppConfig,
  ) {}

  /** Whether an offline device keeps this request's form (else it answers 400). */
  keeps(request: FastifyRequest): boolean {
    return OFFLINE_FORM_ROUTES.has(`${request.method} ${request.routeOptions.url ?? ''}`);
  }

  /** Reads the request's form into the write's kept parts (in `m`, the transaction of the write). */
  async capture(m: EntityManager, request: FastifyRequest, writeId: number): Promise<{ parts: KeptPart[]; files: number }> {
    const parts: KeptPart[] = [];
    let files = 0;
    try {
      const source = request.parts({
        preservePath: true,
        limits: { fileSize: DEVICE_FILE_MAX_BYTES + 1, files: MAX_FILES_PER_REQUEST, fields: MAX_FIELDS, fieldSize: MAX_FIELD_BYTES, parts: MAX_FILES_PER_REQUEST + MAX_FIELDS },
      });
      for await (const part of idle(source, this.config.uploadIdleTimeoutMs)) {
        if (part.type === 'field') {
          if (part.valueTruncated) throw AppError.field(part.fieldname, `is longer than the ${MAX_FIELD_BYTES / 1024} KiB a text part may hold`);
          parts.push({ name: part.fieldname, value: String(part.value) });
          continue;
        }
        if (!(FILE_PARTS as readonly string[]).includes(part.fieldname)) {
          throw AppError.field(part.fieldname, 'is not a file part; send files in the part `file` (or `image[data]`)');
        }
        const [{ id }]: { id: string }[] = await m.query(
          `INSERT INTO device_files (write_id, part_name, file_name, content_type, size_bytes, sha256) VALUES ($1, $2, $3, $4, 0, '') RETURNING id`,
          [writeId, part.fieldname.slice(0, 255), (part.filename ?? '').slice(0, 1024), (part.mimetype || 'application/octet-stream').slice(0, 255)],
        );
        const hash = createHash('sha256');
        let size = 0;
        let seq = 0;
        let pending: Buffer[] = [];
        let pendingBytes = 0;
        const flush = async (last: boolean): Promise<void> => {
          let data = Buffer.concat(pending, pendingBytes);
          while (data.length >= CHUNK_BYTES || (last && data.length > 0)) {
            const piece = data.subarray(0, CHUNK_BYTES);
            await m.query('INSERT INTO device_file_chunks (file_id, seq, data) VALUES ($1, $2, $3)', [id, seq++, piece]);
            data = data.subarray(piece.length);
          }
          pending = data.length ? [data] : [];
          pendingBytes = data.length;
        };
        for await (const chunk of idle<Buffer>(part.file, this.config.uploadIdleTimeoutMs, (error) => part.file.destroy(error))) {
          size += chunk.length;
          if (size > DEVICE_FILE_MAX_BYTES) {
            throw new AppError('file_too_large', `A device keeps files of up to ${DEVICE_FILE_MAX_BYTES / 1024 / 1024} MiB until it is back online; this one is larger. Send it once the device is online.`, {
              file_name: part.filename,
              limit_bytes: DEVICE_FILE_MAX_BYTES,
              received_bytes_at_least: size,
            });
          }
          hash.update(chunk);
          pending.push(chunk);
          pendingBytes += chunk.length;
          if (pendingBytes >= CHUNK_BYTES) await flush(false);
        }
        await flush(true);
        await m.query('UPDATE device_files SET size_bytes = $2, sha256 = $3 WHERE id = $1', [id, size, hash.digest('hex')]);
        parts.push({ name: part.fieldname, file_id: Number(id) });
        files++;
      }
    } catch (err) {
      throw asRefusal(err);
    }
    return { parts, files };
  }

  /** The kept form again, as a multipart body that streams its files from storage. */
  async body(parts: KeptPart[]): Promise<{ body: Readable; contentType: string }> {
    const ids = parts.flatMap((p) => ('file_id' in p ? [p.file_id] : []));
    const files: { id: string; file_name: string; content_type: string }[] = ids.length
      ? await this.db.query('SELECT id, file_name, content_type FROM device_files WHERE id = ANY($1::bigint[])', [ids])
      : [];
    const byId = new Map(files.map((f) => [Number(f.id), f]));
    const specs: StreamedPartSpec[] = parts.map((p) => {
      if ('value' in p) return { name: p.name, data: p.value };
      const file = byId.get(p.file_id);
      if (!file) throw new Error(`the device no longer holds file ${p.file_id}`);
      return { name: p.name, filename: file.file_name, contentType: file.content_type, data: () => this.chunks(p.file_id) };
    });
    return multipartStream(specs);
  }

  /** A write's files were sent and taken: the device no longer holds their bytes. */
  async release(writeId: number, m: EntityManager = this.db.manager): Promise<void> {
    await m.query('DELETE FROM device_file_chunks WHERE file_id IN (SELECT id FROM device_files WHERE write_id = $1)', [writeId]);
    await m.query('UPDATE device_files SET held = false WHERE write_id = $1', [writeId]);
  }

  /** The files of these writes, by write id. */
  async filesOf(writeIds: number[]): Promise<Map<number, KeptFile[]>> {
    const out = new Map<number, KeptFile[]>();
    if (!writeIds.length) return out;
    const rows: { write_id: string; part_name: string; file_name: string; content_type: string; size_bytes: string; held: boolean }[] = await this.db.query(
      'SELECT write_id, part_name, file_name, content_type, size_bytes, held FROM device_files WHERE write_id = ANY($1::bigint[]) ORDER BY id',
      [writeIds],
    );
    for (const r of rows) {
      const list = out.get(Number(r.write_id)) ?? [];
      list.push({ part: r.part_name, file_name: r.file_name, content_type: r.content_type, size: Number(r.size_bytes), held: r.held });
      out.set(Number(r.write_id), list);
    }
    return out;
  }

  private async *chunks(fileId: number): AsyncGenerator<Buffer> {
    for (let seq = 0; ; seq++) {
      const [row]: { data: Buffer }[] = await this.db.query('SELECT data FROM device_file_chunks WHERE file_id = $1 AND seq = $2', [fileId, seq]);
      if (!row) return;
      yield row.data;
    }
  }
}

/** The multipart library's refusals in our codes; a broken stream is an interrupted upload. */
function asRefusal(err: unknown): unknown {
  if (err instanceof AppError) return err;
  const code = (err as { code?: string }).code ?? '';
  if (code === 'FST_REQ_FILE_TOO_LARGE') return new AppError('file_too_large', `A device keeps files of up to ${DEVICE_FILE_MAX_BYTES / 1024 / 1024} MiB until it is back online.`, { limit_bytes: DEVICE_FILE_MAX_BYTES });
  if (code === 'FST_FILES_LIMIT') return AppError.field('file', `holds at most ${MAX_FILES_PER_REQUEST} files per request`);
  if (code === 'FST_FIELDS_LIMIT' || code === 'FST_PARTS_LIMIT') return AppError.field('(body)', `has more than ${MAX_FIELDS} text parts`);
  if (code.startsWith('FST_') || /aborted|premature|unexpected end|ECONNRESET|closed/i.test(String((err as Error)?.message))) {
    return new AppError('upload_interrupted', 'The form was interrupted before it all arrived; the device kept nothing. Send it again.', { reason: String((err as Error)?.message ?? err) });
  }
  return err;
}
