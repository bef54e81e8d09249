import type { MultipartFile } from '@fastify/multipart';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyRequest } from 'fastify';
import type Redis from 'ioredis';
import { DataSource, EntityManager } from 'typeorm';
import { AppError } from '../common/errors';
import type { Actor } from '../common/http/request-helpers';
import { AppConfig } from '../config/app-config';
import { Jobs } from '../queues/jobs.service';
import { REDIS } from '../redis/redis.module';
import type { SandboxSettings } from '../sandboxes/sandbox-settings';
import { SandboxClock } from '../sandboxes/sandbox-clock';
import { assertSafeName, ContentChecks, limitFor, mib } from './content-checks';
import { ContentStore, TempFile } from './content-store';
import type { UploadKind } from './file-types';
import { Upload } from './upload.entities';

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

/** A file as received into a temp file, checked, waiting for its row. */
export interface ReceivedFile extends TempFile {
  fileName: string;
  mime: string;
}

/** What was seen of a file before it was refused, kept with the refusal for diagnose. */
export interface Seen {
  fileName: string | null;
  sizeBytes: number | null;
}

/**
 * The receiving end of the upload pipeline: streams each multipart file into a
 * temp file (`ContentStore`), checking as it goes (name, type by magic bytes,
 * size, idle time); then, in one short transaction, writes the rows with the
 * processing jobs' outbox rows and moves the files to their places, so a
 * refused or interrupted upload leaves no row, no file and no job. No
 * transaction (nor connection) is held while the bytes arrive. Every refusal
 * is recorded with its code for diagnose.
 */
@Injectable()
export class UploadReceiver {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
    private readonly jobs: Jobs,
    private readonly clock: SandboxClock,
    private readonly content: ContentStore,
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
        if (fileName !== null) assertSafeName(fileName);
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

  /** Deletes held uploads that no item took (the item was refused), and then their files. */
  async discardHeld(ids: number[]): Promise<void> {
    if (!ids.length) return;
    await this.db.query('DELETE FROM uploads WHERE id = ANY($1::int[]) AND held_until_attached', [ids]);
    await this.content.sweep();
  }

  private async receiveParts(request: FastifyRequest, input: ReceiveInput, opts: PartsOptions): Promise<ReceivedForm> {
    if (!request.isMultipart()) {
      throw new AppError('invalid_request', 'Send the file as multipart/form-data, in the part `file`.', { content_type: request.headers['content-type'] ?? null });
    }
    const seen: Seen = { fileName: null, sizeBytes: null };
    const slot = await this.takeSlot(input);
    const files: ReceivedFile[] = [];
    try {
      const fields = await this.readParts(request, input, seen, opts, files);
      return { uploads: await this.store(input, files, opts.hold), fields };
    } catch (err) {
      const error = this.asRefusal(err, opts);
      if (error) await this.record(input, error, seen);
      throw error ?? err;
    } finally {
      // What was placed has left tmp already; the rest (a refusal after some files arrived) goes.
      await Promise.all(files.map((f) => this.content.discard(f.path)));
      await slot();
    }
  }

  /** 429 `too_many_uploads` past the sandbox's concurrent uploads per user (recorded); answers the release. */
  async takeSlot(input: ReceiveInput): Promise<() => Promise<void>> {
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

  /** Reads the parts in order: text parts into the answer, files into `files` (temp files, checked). */
  private async readParts(request: FastifyRequest, input: ReceiveInput, seen: Seen, opts: PartsOptions, files: ReceivedFile[]): Promise<[string, string][]> {
    const limit = limitFor(input.settings, input.kind);
    const fields: [string, string][] = [];
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
        fields.push([part.fieldname, String(part.value)]);
        continue;
      }
      if (!(FILE_PARTS as readonly string[]).includes(part.fieldname)) {
        throw AppError.field(part.fieldname, `is not a file part; send files in the part \`file\` (or \`attachments[]\`)`);
      }
      files.push(await this.receiveFile(part, input, seen, limit));
    }
    return fields;
  }

  /**
   * The rows of the received files with their jobs (unless held), in one
   * transaction at the sandbox's time, each file moved to its place in it.
   */
  private async store(input: ReceiveInput, files: ReceivedFile[], hold: boolean): Promise<Upload[]> {
    if (!files.length) return [];
    return this.content.placing((place) =>
      this.clock.transaction(input.companyId, async (m) => {
        const uploads: Upload[] = [];
        for (const file of files) uploads.push(await this.insert(m, input, file, hold));
        for (const [i, file] of files.entries()) await place(file, this.content.pathOf(uploads[i].id));
        return uploads;
      }),
    );
  }

  /** The row of a received file and, unless held, its processing job, in the caller's transaction; the caller places the file. */
  async insert(m: EntityManager, input: Omit<ReceiveInput, 'settings'>, file: ReceivedFile, hold: boolean): Promise<Upload> {
    const [{ id }]: { id: number }[] = await m.query(
      `INSERT INTO uploads (company_id, project_id, uploaded_by_id, kind, file_name, content_type, size_bytes, sha256, processing_status, held_until_attached)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'queued', $9) RETURNING id`,
      [input.companyId, input.projectId, input.actor.userId, input.kind, file.fileName, file.mime, file.size, file.sha256, hold],
    );
    if (!hold) await this.jobs.enqueue(m, 'uploads.process-attachment', { companyId: input.companyId, projectId: input.projectId, uploadId: id });
    return m.findOneByOrFail(Upload, { id });
  }

  /** Streams one file part into a temp file, checking its name, type, size and pace; the caller writes its row. */
  private async receiveFile(part: MultipartFile, input: ReceiveInput, seen: Seen, limit: number): Promise<ReceivedFile> {
    const fileName = part.filename ?? '';
    seen.fileName = fileName.slice(0, 255);
    seen.sizeBytes = null;
    assertSafeName(fileName);
    const checks = new ContentChecks(input.kind, fileName, limit, part.mimetype);
    const ms = this.config.uploadIdleTimeoutMs;
    const file = await this.content.receive(part.file, {
      inspect: (chunk, received) => {
        seen.sizeBytes = received;
        checks.chunk(chunk, received);
      },
      idle: { ms, stalled: () => stalled(ms) },
    });
    try {
      return { ...file, fileName, mime: checks.end(file.size) };
    } catch (err) {
      await this.content.discard(file.path);
      throw err;
    }
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

  /** Keeps a refusal, with what was seen of the file, for diagnose (`upload_rejected`, `upload_interrupted`). */
  async record(input: ReceiveInput, error: AppError, seen: Seen): Promise<void> {
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

/** 408 `upload_interrupted` for a client that sent nothing for `ms`. */
export function stalled(ms: number): AppError {
  return new AppError('upload_interrupted', `The upload stalled: nothing arrived for ${ms} ms. Nothing was stored; send it again.`, { idle_timeout_ms: ms });
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
        const error = stalled(ms);
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
