import type { MultipartFile } from '@fastify/multipart';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyRequest } from 'fastify';
import type Redis from 'ioredis';
import { createHash } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AppError } from '../common/errors';
import type { Actor } from '../common/http/request-helpers';
import { AppConfig } from '../config/app-config';
import { Jobs } from '../queues/jobs.service';
import { REDIS } from '../redis/redis.module';
import type { SandboxSettings } from '../sandboxes/sandbox-settings';
import { checkType, SNIFF_BYTES, UploadKind, unsafeNameReason } from './file-types';
import { Upload } from './upload.entities';
import { SandboxClock } from '../sandboxes/sandbox-clock';

/** Content is stored in chunks of this size. */
export const CHUNK_BYTES = 1024 * 1024;
/** The multipart part names that carry the file (API.md: `file`, and the reference platform's own names). */
export const FILE_PARTS = ['file', 'attachments[]', 'image[data]'] as const;
/** Seconds a client refused for too many uploads at once is asked to wait. */
export const RETRY_AFTER_SECONDS = 5;

export interface ReceiveInput {
  companyId: number;
  projectId: number;
  kind: UploadKind;
  settings: SandboxSettings;
  actor: Actor;
}

/** Most files one item request may carry as parts (more go through `POST .../uploads` and `upload_ids`). */
export const MAX_FILES_PER_REQUEST = 10;
/** Most text parts, and the longest one, an item request may carry. */
const MAX_FIELDS = 200;
const MAX_FIELD_BYTES = 256 * 1024;

interface PartsOptions {
  maxFiles: number;
  /** Whether text parts are taken (item routes) or refused (`POST .../uploads`). */
  fields: boolean;
  /** Store without queuing the job: the item queues it when it attaches the upload. */
  hold: boolean;
}

/** A multipart request as received: its stored files and its text parts, in order. */
export interface ReceivedForm {
  uploads: Upload[];
  fields: [name: string, value: string][];
}

interface StoredFile {
  id: number;
  fileName: string;
  mime: string;
  size: number;
  sha256: string;
}

/** What was seen of a file before it was refused, kept with the refusal for diagnose. */
interface Seen {
  fileName: string | null;
  sizeBytes: number | null;
}

/** A stored file's content in order, one chunk at a time (never the whole file in memory). */
export async function* readChunks(db: DataSource, uploadId: number): AsyncGenerator<Buffer> {
  for (let seq = 0; ; seq++) {
    const [row]: { data: Buffer }[] = await db.query('SELECT data FROM upload_chunks WHERE upload_id = $1 AND seq = $2', [uploadId, seq]);
    if (!row) return;
    yield row.data;
  }
}

const LIMIT_OF: Record<UploadKind, keyof SandboxSettings['upload_limits']> = {
  attachment: 'attachment_bytes',
  photo: 'photo_bytes',
  drawing: 'drawing_bytes',
};

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(bytes % (1024 * 1024) === 0 ? 0 : 1)} MiB`;
}

/**
 * The receiving end of the upload pipeline: streams one multipart file into
 * PostgreSQL chunk by chunk, checking as it goes (name, type by magic bytes,
 * size, idle time), inside one transaction with the processing job's outbox
 * row, so a refused or interrupted upload leaves no row, no chunk and no job.
 * Every refusal is recorded with its code for diagnose.
 */
@Injectable()
export class UploadReceiver {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
    private readonly jobs: Jobs,
    private readonly clock: SandboxClock,
  ) {}

  /** `POST .../uploads`: one file, in the part `file`, queued for processing at once. */
  async receive(request: FastifyRequest, input: ReceiveInput): Promise<Upload> {
    const form = await this.receiveParts(request, input, { maxFiles: 1, fields: false, hold: false });
    if (!form.uploads.length) throw AppError.field('file', 'is required: send the file in the multipart part `file`');
    return form.uploads[0];
  }

  /**
   * An item's create or update sent as multipart: its text parts, and its files
   * stored but held, so that their jobs are queued when the item attaches them
   * (`AttachmentsService.attach`, in the item's transaction); until then, and
   * if the item is refused, they are the caller's to delete (`discardHeld`).
   */
  async receiveForm(request: FastifyRequest, input: ReceiveInput): Promise<ReceivedForm> {
    return this.receiveParts(request, input, { maxFiles: MAX_FILES_PER_REQUEST, fields: true, hold: true });
  }

  /**
   * One file whole, in memory, from the part `file` (a CSV to import, which is
   * read, not stored): refused past `maxBytes` as it streams (413
   * `file_too_large`), empty (422), with any other part (422), or stalled (408).
   */
  async readFile(request: FastifyRequest, maxBytes: number, what: string): Promise<{ fileName: string | null; bytes: Buffer }> {
    let received: { fileName: string | null; bytes: Buffer } | null = null;
    try {
      const parts = request.parts({ preservePath: true, limits: { fileSize: maxBytes + 1, files: 1, fields: 1 } });
      for await (const part of idle(parts, this.config.uploadIdleTimeoutMs)) {
        if (part.type === 'field' || part.fieldname !== 'file') {
          throw AppError.field(part.fieldname, `is not a part of this request; send only the file, in the part \`file\``);
        }
        const fileName = part.filename || null;
        const unsafe = fileName === null ? null : unsafeNameReason(fileName);
        if (unsafe) throw new AppError('unsafe_file_name', `The file name is refused: ${unsafe}.`, { file_name: fileName!.slice(0, 255), reason: unsafe });
        const chunks: Buffer[] = [];
        let size = 0;
        for await (const chunk of idle<Buffer>(part.file, this.config.uploadIdleTimeoutMs, (error) => part.file.destroy(error))) {
          size += chunk.length;
          if (size > maxBytes) {
            throw new AppError('file_too_large', `The file is larger than the ${mib(maxBytes)} ${what} takes.`, { file_name: fileName, limit_bytes: maxBytes, received_bytes_at_least: size });
          }
          chunks.push(chunk);
        }
        received = { fileName, bytes: Buffer.concat(chunks, size) };
      }
    } catch (err) {
      throw this.asRefusal(err, { maxFiles: 1, fields: false, hold: false }) ?? err;
    }
    if (!received) throw AppError.field('file', 'is required: send the file in the multipart part `file`');
    if (!received.bytes.length) throw new AppError('empty_file', 'The file is empty (0 bytes).', { file_name: received.fileName });
    return received;
  }

  /** Deletes held uploads that no item took (the item was refused); their chunks go with them. */
  async discardHeld(ids: number[]): Promise<void> {
    if (ids.length) await this.db.query('DELETE FROM uploads WHERE id = ANY($1::int[]) AND held_until_attached', [ids]);
  }

  private async receiveParts(request: FastifyRequest, input: ReceiveInput, opts: PartsOptions): Promise<ReceivedForm> {
    if (!request.isMultipart()) {
      throw new AppError('invalid_request', 'Send the file as multipart/form-data, in the part `file`.', { content_type: request.headers['content-type'] ?? null });
    }
    const seen: Seen = { fileName: null, sizeBytes: null };
    const slot = await this.takeSlot(input);
    try {
      return await this.clock.transaction(input.companyId, (m) => this.stream(m, request, input, seen, opts));
    } catch (err) {
      const error = this.asRefusal(err, opts);
      if (error) await this.record(input, error, seen);
      throw error ?? err;
    } finally {
      await slot();
    }
  }

  /** 429 `too_many_uploads` past the sandbox's concurrent uploads per user; answers the release. */
  private async takeSlot(input: ReceiveInput): Promise<() => Promise<void>> {
    const key = `${this.config.redisPrefix}:uploads:active:${input.companyId}:${input.actor.userId}`;
    const limit = input.settings.upload_limits.concurrent_per_user;
    const [[, count]] = (await this.redis.multi().incr(key).pexpire(key, 15 * 60_000).exec()) as [[null, number], unknown];
    const release = async (): Promise<void> => {
      await this.redis.decr(key).catch(() => undefined);
    };
    if (count > limit) {
      await release();
      const error = new AppError(
        'too_many_uploads',
        `You already have ${limit} upload${limit === 1 ? '' : 's'} in progress (the limit of this sandbox); retry after ${RETRY_AFTER_SECONDS} s.`,
        { limit, in_progress: limit, retry_after_seconds: RETRY_AFTER_SECONDS },
        { 'Retry-After': String(RETRY_AFTER_SECONDS) },
      );
      await this.record(input, error, { fileName: null, sizeBytes: null });
      throw error;
    }
    return release;
  }

  private async stream(m: EntityManager, request: FastifyRequest, input: ReceiveInput, seen: Seen, opts: PartsOptions): Promise<ReceivedForm> {
    const limit = input.settings.upload_limits[LIMIT_OF[input.kind]];
    const form: ReceivedForm = { uploads: [], fields: [] };
    // preservePath: a name with a path is refused, not silently cut down to its last segment.
    const parts = request.parts({
      preservePath: true,
      limits: { fileSize: limit + 1, files: opts.maxFiles, fields: MAX_FIELDS, fieldSize: MAX_FIELD_BYTES, parts: opts.maxFiles + MAX_FIELDS },
    });
    // Between parts too: a client that stops half-way through a form does not hold its connection.
    for await (const part of idle(parts, this.config.uploadIdleTimeoutMs)) {
      if (part.type === 'field') {
        if (!opts.fields) throw AppError.field(part.fieldname, `is not a field of an upload; send only the file, in the part \`file\``);
        if (part.valueTruncated) throw AppError.field(part.fieldname, `is longer than the ${MAX_FIELD_BYTES / 1024} KiB a text part may hold`);
        form.fields.push([part.fieldname, String(part.value)]);
        continue;
      }
      if (!(FILE_PARTS as readonly string[]).includes(part.fieldname)) {
        throw AppError.field(part.fieldname, `is not a file part; send files in the part \`file\` (or \`attachments[]\`)`);
      }
      const file = await this.storeFile(m, part, input, seen, limit);
      await m.query(
        `INSERT INTO uploads (id, company_id, project_id, uploaded_by_id, kind, file_name, content_type, size_bytes, sha256, processing_status, held_until_attached)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'queued', $10)`,
        [file.id, input.companyId, input.projectId, input.actor.userId, input.kind, file.fileName, file.mime, file.size, file.sha256, opts.hold],
      );
      if (!opts.hold) await this.jobs.enqueue(m, 'uploads.process-attachment', { companyId: input.companyId, projectId: input.projectId, uploadId: file.id });
      form.uploads.push(await m.findOneByOrFail(Upload, { id: file.id }));
    }
    return form;
  }

  /** Streams one file part into chunks, checking its name, type, size and pace; the caller writes its row. */
  private async storeFile(m: EntityManager, part: MultipartFile, input: ReceiveInput, seen: Seen, limit: number): Promise<StoredFile> {
    const fileName = part.filename ?? '';
    seen.fileName = fileName.slice(0, 255);
    seen.sizeBytes = null;
    const unsafe = unsafeNameReason(fileName);
    if (unsafe) throw new AppError('unsafe_file_name', `The file name is refused: ${unsafe}.`, { file_name: fileName.slice(0, 255), reason: unsafe });
    const [{ id }]: { id: number }[] = await m.query(`SELECT nextval('uploads_id_seq')::int AS id`);
    const hash = createHash('sha256');
    let size = 0;
    let seq = 0;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let mime: string | null = null;
    // Writes whole chunks of CHUNK_BYTES as they fill up; `last` writes the rest.
    const flush = async (last: boolean): Promise<void> => {
      let data = Buffer.concat(pending, pendingBytes);
      while (data.length >= CHUNK_BYTES || (last && data.length > 0)) {
        const piece = data.subarray(0, CHUNK_BYTES);
        await m.query('INSERT INTO upload_chunks (upload_id, seq, data) VALUES ($1, $2, $3)', [id, seq++, piece]);
        data = data.subarray(piece.length);
      }
      pending = data.length ? [data] : [];
      pendingBytes = data.length;
    };
    const sniff = (): void => {
      if (mime !== null) return;
      const verdict = checkType(input.kind, fileName, Buffer.concat(pending).subarray(0, SNIFF_BYTES));
      if (!verdict.ok) throw new AppError('unsupported_file_type', verdict.message, { file_name: fileName, detected: verdict.detected, declared: part.mimetype });
      mime = verdict.mime;
    };
    for await (const chunk of idle<Buffer>(part.file, this.config.uploadIdleTimeoutMs, (error) => part.file.destroy(error))) {
      size += chunk.length;
      seen.sizeBytes = size;
      if (size > limit) {
        throw new AppError('file_too_large', `The file is larger than the ${mib(limit)} this sandbox accepts for ${input.kind}s.`, {
          file_name: fileName,
          limit_bytes: limit,
          received_bytes_at_least: size,
        });
      }
      hash.update(chunk);
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes >= SNIFF_BYTES) sniff();
      if (pendingBytes >= CHUNK_BYTES) await flush(false);
    }
    if (size === 0) throw new AppError('empty_file', 'The file is empty (0 bytes); nothing was stored.', { file_name: fileName });
    sniff();
    await flush(true);
    return { id, fileName, mime: mime!, size, sha256: hash.digest('hex') };
  }

  /** The refusal an error stands for: ours as they are, the multipart library's limits in our codes, a broken stream as an interruption. */
  private asRefusal(err: unknown, opts: PartsOptions): AppError | null {
    if (err instanceof AppError) return err;
    const code = (err as { code?: string }).code ?? '';
    if (code === 'FST_REQ_FILE_TOO_LARGE') return new AppError('file_too_large', 'The file is larger than this sandbox accepts.', {});
    if (code === 'FST_FILES_LIMIT') {
      return AppError.field('file', opts.maxFiles === 1 ? 'holds one file per upload; send each file in its own request' : `holds at most ${opts.maxFiles} files per request`);
    }
    if (code === 'FST_FIELDS_LIMIT' || code === 'FST_PARTS_LIMIT') return AppError.field('(body)', `has more than ${MAX_FIELDS} text parts`);
    if (code.startsWith('FST_') || /aborted|premature|unexpected end|ECONNRESET|closed/i.test(String((err as Error)?.message))) {
      return new AppError('upload_interrupted', 'The upload was interrupted before the whole file arrived; nothing was stored. Send it again.', {
        reason: String((err as Error)?.message ?? err),
      });
    }
    return null;
  }

  private async record(input: ReceiveInput, error: AppError, seen: Seen): Promise<void> {
    await this.db
      .query(
        `INSERT INTO upload_refusals (company_id, project_id, user_id, code, status, file_name, size_bytes, message, details, request_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [
          input.companyId,
          input.projectId,
          input.actor.userId,
          error.code,
          error.status,
          seen.fileName,
          seen.sizeBytes,
          error.message,
          JSON.stringify({ ...error.details, kind: input.kind }),
          input.actor.requestId,
        ],
      )
      .catch(() => undefined);
  }
}

/**
 * The items of `source`, failing with 408 `upload_interrupted` when none
 * arrives for `ms` (`onStall` may end the source). The clock runs only while
 * waiting for the next item, never while the caller works on one.
 */
export async function* idle<T>(source: AsyncIterable<T>, ms: number, onStall?: (error: AppError) => void): AsyncGenerator<T> {
  const it = source[Symbol.asyncIterator]();
  for (;;) {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new AppError('upload_interrupted', `The upload stalled: nothing arrived for ${ms} ms. Nothing was stored; send it again.`, { idle_timeout_ms: ms });
        onStall?.(error);
        reject(error);
      }, ms);
    });
    let next: IteratorResult<T>;
    try {
      next = await Promise.race([it.next(), timeout]);
    } finally {
      clearTimeout(timer);
    }
    if (next.done) return;
    yield next.value;
  }
}
