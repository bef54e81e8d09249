import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { mkdir, open, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { DataSource, EntityManager } from 'typeorm';
import { AppError } from '../common/errors';
import type { Actor } from '../common/http/request-helpers';
import { AppConfig } from '../config/app-config';
import { loadUserRefs } from '../directory/directory.mappers';
import { JobProcessors } from '../queues/job-processors';
import type { JobOf } from '../queues/job-types';
import { Jobs } from '../queues/jobs.service';
import { SandboxClock } from '../sandboxes/sandbox-clock';
import type { SandboxSettings } from '../sandboxes/sandbox-settings';
import { uploadView } from './attachments.service';
import { assertSafeName, ContentChecks, limitFor, mib } from './content-checks';
import { ContentStore } from './content-store';
import { CompleteSegmentedUploadDto, CreateSegmentedUploadDto, MAX_SEGMENTS } from './dto/segmented-upload.dto';
import { extensionRefusal, UploadKind } from './file-types';
import { ReceiveInput, stalled, UploadReceiver } from './upload-receiver';
import { Upload } from './upload.entities';

/** An open segmented upload is deleted with its segments this long after it was opened (sandbox time). */
export const SEGMENTED_TTL_MS = 24 * 3600_000;
/** Segments of this size when the client names neither a count nor a size. */
export const DEFAULT_SEGMENT_BYTES = 8 * 1024 * 1024;

/** Who calls, where: the sandbox's settings decide the limits. */
export interface SegmentedCaller {
  companyId: number;
  projectId: number;
  settings: SandboxSettings;
  actor: Actor;
}

interface SegmentedRow {
  id: number;
  company_id: number;
  project_id: number;
  kind: UploadKind;
  file_name: string;
  size_bytes: string;
  segment_bytes: string;
  segment_count: number;
  sha256: string | null;
  status: 'open' | 'completed';
  upload_id: number | null;
  expires_at: Date;
  created_at: Date;
  /** Each stored segment's number and checksum, ascending. */
  segments: { n: number; sha256: string }[];
}

const COLUMNS = `s.id, s.company_id, s.project_id, s.kind, s.file_name, s.size_bytes, s.segment_bytes, s.segment_count, s.sha256, s.status, s.upload_id, s.expires_at, s.created_at,
  COALESCE((SELECT json_agg(json_build_object('n', g.n, 'sha256', g.sha256) ORDER BY g.n) FROM upload_segments g WHERE g.segmented_upload_id = s.id), '[]') AS segments`;

/** The bytes segment `n` (from 1) of this upload holds: `segment_bytes`, the last the rest. */
export function segmentSize(row: { size_bytes: string | number; segment_bytes: string | number; segment_count: number }, n: number): number {
  const size = Number(row.size_bytes);
  const each = Number(row.segment_bytes);
  return n < row.segment_count ? each : size - (row.segment_count - 1) * each;
}

/** How a file of `size` bytes is cut: segments of `segment_bytes` but the last, which holds the rest (at least one byte). */
export function cutInto(size: number, dto: Pick<CreateSegmentedUploadDto, 'segment_count' | 'segment_bytes'>): { segmentBytes: number; segmentCount: number } {
  if (dto.segment_count !== undefined && dto.segment_bytes !== undefined) {
    throw AppError.validation(
      [
        { field: 'segment_count', message: 'is given with segment_bytes; give one of them' },
        { field: 'segment_bytes', message: 'is given with segment_count; give one of them' },
      ],
      'Give segment_count or segment_bytes, not both.',
    );
  }
  if (dto.segment_count !== undefined) {
    const segmentBytes = Math.ceil(size / dto.segment_count);
    if (Math.ceil(size / segmentBytes) !== dto.segment_count) {
      throw AppError.field('segment_count', `cannot cut ${size} bytes into ${dto.segment_count} segments of one size and a last one of at least 1 byte; give segment_bytes instead`);
    }
    return { segmentBytes, segmentCount: dto.segment_count };
  }
  const segmentBytes = Math.min(dto.segment_bytes ?? DEFAULT_SEGMENT_BYTES, size);
  const segmentCount = Math.ceil(size / segmentBytes);
  if (segmentCount > MAX_SEGMENTS) throw AppError.field('segment_bytes', `cuts the file into ${segmentCount} segments, more than the ${MAX_SEGMENTS} allowed; take larger segments`);
  return { segmentBytes, segmentCount };
}

const gone = (id: number): AppError =>
  new AppError(
    'not_found',
    `Segmented upload ${id} was not found in this project: it is not one you opened here, or it expired and was deleted with its segments (an open segmented upload lasts ${SEGMENTED_TTL_MS / 3600_000} h on the sandbox clock). Open a new one.`,
    { segmented_upload_id: id },
  );

/**
 * Segmented uploads (`POST .../uploads/segmented`): a large file announced
 * with its size, sent as numbered segments (each checked against its SHA-256
 * and stored as a file of its own), then completed: the segments are joined,
 * checked as a whole (checksum, type by its first bytes, size limit) and become
 * an upload exactly as `POST .../uploads` makes one, with its processing job.
 * Only its opener sees it; it expires on the sandbox clock (a timer job).
 */
@Injectable()
export class SegmentedUploads implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: SandboxClock,
    private readonly jobs: Jobs,
    private readonly processors: JobProcessors,
    private readonly content: ContentStore,
    private readonly receiver: UploadReceiver,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.processors.register('uploads.expire-segmented', (payload) => this.expire(payload));
  }

  async create(caller: SegmentedCaller, dto: CreateSegmentedUploadDto): Promise<Record<string, unknown>> {
    const kind = dto.kind ?? 'attachment';
    assertSafeName(dto.file_name);
    // The name alone decides this refusal; the content is checked when the segments are joined.
    const refused = extensionRefusal(kind, dto.file_name);
    if (refused) throw new AppError('unsupported_file_type', refused, { file_name: dto.file_name, detected: null, declared: null });
    const limit = limitFor(caller.settings, kind);
    if (dto.size_bytes > limit) {
      throw new AppError('file_too_large', `The file is larger than the ${mib(limit)} this sandbox accepts for ${kind}s.`, { file_name: dto.file_name, limit_bytes: limit, size_bytes: dto.size_bytes });
    }
    const { segmentBytes, segmentCount } = cutInto(dto.size_bytes, dto);
    const id = await this.clock.transaction(caller.companyId, async (m, now) => {
      const expiresAt = new Date(now.getTime() + SEGMENTED_TTL_MS);
      const [row]: { id: number }[] = await m.query(
        `INSERT INTO segmented_uploads (company_id, project_id, created_by_id, kind, file_name, size_bytes, segment_bytes, segment_count, sha256, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
        [caller.companyId, caller.projectId, caller.actor.userId, kind, dto.file_name, dto.size_bytes, segmentBytes, segmentCount, dto.sha256?.toLowerCase() ?? null, expiresAt],
      );
      await this.jobs.enqueue(m, 'uploads.expire-segmented', { companyId: caller.companyId, projectId: caller.projectId, segmentedUploadId: row.id }, { dueAt: expiresAt });
      return row.id;
    });
    return view(await this.load(this.db, caller, id));
  }

  async get(caller: SegmentedCaller, id: number): Promise<Record<string, unknown>> {
    return view(await this.live(this.db, caller, id));
  }

  /**
   * Stores segment `n` from `body`, streamed to disk and checked as it comes:
   * its size exactly, then its SHA-256 against `sha256` (422
   * `checksum_mismatch`: nothing is kept of it). Sending a segment again
   * replaces it.
   */
  async putSegment(caller: SegmentedCaller, id: number, n: number, sha256: string, body: Readable): Promise<Record<string, unknown>> {
    const row = await this.live(this.db, caller, id);
    assertOpen(row);
    if (n > row.segment_count) throw AppError.field('segment_number', `must be from 1 to ${row.segment_count}: the segments of upload ${id}`);
    const expected = segmentSize(row, n);
    const input = this.input(caller, row);
    const slot = await this.receiver.takeSlot(input);
    try {
      const file = await this.content.receive(body, {
        inspect: (_chunk, received) => {
          if (received > expected) throw AppError.field('(body)', `holds more than the ${expected} bytes of segment ${n}; send exactly its bytes`);
        },
        idle: { ms: this.config.uploadIdleTimeoutMs, stalled: () => stalled(this.config.uploadIdleTimeoutMs) },
      });
      if (file.size !== expected) {
        await this.content.discard(file.path);
        throw AppError.field('(body)', `holds ${file.size} bytes; segment ${n} of ${row.segment_count} is ${expected} bytes`);
      }
      if (file.sha256 !== sha256) {
        await this.content.discard(file.path);
        throw new AppError('checksum_mismatch', `Segment ${n} arrived damaged: its SHA-256 is ${file.sha256}, not the ${sha256} sent in X-Segment-Sha256. Nothing of it was stored; send it again.`, {
          segment_number: n,
          expected_sha256: sha256,
          actual_sha256: file.sha256,
          size_bytes: file.size,
        });
      }
      await mkdir(this.content.segmentsDir(id), { recursive: true });
      await this.content
        .placing((place) =>
          this.clock.transaction(caller.companyId, async (m, now) => {
            assertOpen(await this.locked(m, caller, id, now));
            await m.query(
              `INSERT INTO upload_segments (segmented_upload_id, n, size_bytes, sha256) VALUES ($1, $2, $3, $4)
               ON CONFLICT (segmented_upload_id, n) DO UPDATE SET size_bytes = EXCLUDED.size_bytes, sha256 = EXCLUDED.sha256, created_at = EXCLUDED.created_at`,
              [id, n, file.size, file.sha256],
            );
            await m.query('UPDATE segmented_uploads SET updated_at = sim_now() WHERE id = $1', [id]);
            await place(file, this.content.segmentPath(id, n));
          }),
        )
        .finally(() => this.content.discard(file.path));
    } catch (err) {
      if (err instanceof AppError && err.code !== 'not_found' && err.code !== 'upload_expired') await this.receiver.record(input, err, { fileName: row.file_name, sizeBytes: null });
      throw err;
    } finally {
      await slot();
    }
    return view(await this.load(this.db, caller, id));
  }

  /**
   * Joins the segments into the upload: every one present (422
   * `segments_missing` naming the others), each as it was stored, the whole
   * matching `sha256` when one is known, of the type its name says and within
   * the sandbox's limit; then the upload row, its processing job and the file,
   * as for `POST .../uploads`. Completing again answers the same upload.
   */
  async complete(caller: SegmentedCaller, id: number, dto: CompleteSegmentedUploadDto): Promise<Record<string, unknown>> {
    const row = await this.live(this.db, caller, id);
    if (row.status === 'completed') return this.uploadOf(row);
    const missing = missingOf(row);
    if (missing.length) {
      throw new AppError(
        'segments_missing',
        `Segment${missing.length === 1 ? '' : 's'} ${listed(missing)} of ${row.segment_count} ${missing.length === 1 ? 'has' : 'have'} not arrived: send ${missing.length === 1 ? 'it' : 'them'} (PUT .../segments/{n}), then complete again.`,
        { missing: missing.slice(0, 1000), received: row.segments.length, segment_count: row.segment_count },
      );
    }
    const given = dto.sha256?.toLowerCase();
    if (given && row.sha256 && given !== row.sha256) throw AppError.field('sha256', `differs from the ${row.sha256} given when the upload was opened`);
    const expected = given ?? row.sha256;
    const input = this.input(caller, row);
    try {
      const limit = limitFor(caller.settings, row.kind);
      const checks = new ContentChecks(row.kind, row.file_name, limit);
      const joined = await this.content.receive(Readable.from(this.segmentsOf(row)), { inspect: (chunk, received) => checks.chunk(chunk, received) });
      let mime: string;
      try {
        mime = checks.end(joined.size);
        if (expected && joined.sha256 !== expected) {
          throw new AppError('checksum_mismatch', `The joined file's SHA-256 is ${joined.sha256}, not the ${expected} expected: a segment was not what the file holds there. Nothing was kept of the join; send the wrong segments again, then complete.`, {
            expected_sha256: expected,
            actual_sha256: joined.sha256,
          });
        }
      } catch (err) {
        await this.content.discard(joined.path);
        throw err;
      }
      const file = { ...joined, fileName: row.file_name, mime };
      const upload = await this.content
        .placing((place) =>
          this.clock.transaction(caller.companyId, async (m, now) => {
            const current = await this.locked(m, caller, id, now);
            // Completed meanwhile (a retry that ran alongside): that one's upload is the answer.
            if (current.status === 'completed') return null;
            const created = await this.receiver.insert(m, input, file, false);
            await m.query(`UPDATE segmented_uploads SET status = 'completed', upload_id = $2, updated_at = sim_now() WHERE id = $1`, [id, created.id]);
            await place(file, this.content.pathOf(created.id));
            return created;
          }),
        )
        .finally(() => this.content.discard(file.path));
      if (!upload) return this.uploadOf(await this.load(this.db, caller, id));
      // The segments are in the upload now; their rows stay (for a retry's answer) until the expiry.
      await rm(this.content.segmentsDir(id), { recursive: true, force: true });
      return uploadView(upload, await loadUserRefs(this.db, [upload.uploadedById]));
    } catch (err) {
      if (err instanceof AppError && err.code !== 'not_found' && err.code !== 'upload_expired') await this.receiver.record(input, err, { fileName: row.file_name, sizeBytes: Number(row.size_bytes) });
      throw err;
    }
  }

  /** `uploads.expire-segmented`: at its `expires_at` the segmented upload goes, and its segment files after it. */
  async expire(payload: JobOf<'uploads.expire-segmented'>): Promise<Record<string, unknown>> {
    const { companyId, projectId, segmentedUploadId: id } = payload;
    const outcome = await this.clock.transaction(companyId, async (m, now) => {
      const [row]: { expires_at: Date }[] = await m.query('SELECT expires_at FROM segmented_uploads WHERE id = $1 FOR UPDATE', [id]);
      if (!row) return { skipped: 'the segmented upload no longer exists' };
      if (row.expires_at.getTime() > now.getTime()) {
        // Run early (promoted by hand): it is due again at its time.
        await this.jobs.enqueue(m, 'uploads.expire-segmented', { companyId, projectId, segmentedUploadId: id }, { dueAt: row.expires_at });
        return { rescheduled: row.expires_at.toISOString() };
      }
      await m.query('DELETE FROM segmented_uploads WHERE id = $1', [id]);
      return { expired: id };
    });
    if ('expired' in outcome) await this.content.sweep();
    return outcome;
  }

  /** The segments' bytes in order, each checked against the checksum it was stored with. */
  private async *segmentsOf(row: SegmentedRow): AsyncGenerator<Buffer> {
    for (const segment of row.segments) {
      const hash = createHash('sha256');
      const handle = await open(this.content.segmentPath(row.id, segment.n), 'r').catch(() => null);
      if (!handle) throw damaged(row, segment.n, 'its file is gone');
      for await (const chunk of handle.createReadStream({ highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) {
        hash.update(chunk);
        yield chunk;
      }
      if (hash.digest('hex') !== segment.sha256) throw damaged(row, segment.n, 'its stored bytes no longer match its checksum');
    }
  }

  private async uploadOf(row: SegmentedRow): Promise<Record<string, unknown>> {
    const upload = row.upload_id === null ? null : await this.db.getRepository(Upload).findOneBy({ id: row.upload_id });
    if (!upload) throw new AppError('not_found', `Segmented upload ${row.id} was completed, but its upload has been deleted since.`, { segmented_upload_id: row.id });
    return uploadView(upload, await loadUserRefs(this.db, [upload.uploadedById]));
  }

  private input(caller: SegmentedCaller, row: SegmentedRow): ReceiveInput {
    return { companyId: caller.companyId, projectId: caller.projectId, kind: row.kind, settings: caller.settings, actor: caller.actor };
  }

  /** The caller's segmented upload in this project, not expired (410 until the expiry job has deleted it, 404 after). */
  private async live(db: DataSource | EntityManager, caller: SegmentedCaller, id: number, now?: Date): Promise<SegmentedRow> {
    const row = await this.load(db, caller, id);
    const at = now ?? (await this.clock.now(caller.companyId));
    if (row.expires_at.getTime() <= at.getTime()) {
      throw new AppError('upload_expired', `Segmented upload ${id} expired at ${row.expires_at.toISOString()} (sandbox time), ${SEGMENTED_TTL_MS / 3600_000} h after it was opened; its segments are being deleted. Open a new one.`, {
        segmented_upload_id: id,
        expired_at: row.expires_at.toISOString(),
      });
    }
    return row;
  }

  /** `live`, with the row locked for the rest of the transaction. */
  private async locked(m: EntityManager, caller: SegmentedCaller, id: number, now: Date): Promise<SegmentedRow> {
    await m.query('SELECT 1 FROM segmented_uploads WHERE id = $1 FOR UPDATE', [id]);
    return this.live(m, caller, id, now);
  }

  private async load(db: DataSource | EntityManager, caller: SegmentedCaller, id: number): Promise<SegmentedRow> {
    const [row]: SegmentedRow[] = await db.query(`SELECT ${COLUMNS} FROM segmented_uploads s WHERE s.id = $1 AND s.project_id = $2 AND s.created_by_id = $3`, [
      id,
      caller.projectId,
      caller.actor.userId,
    ]);
    if (!row) throw gone(id);
    return row;
  }
}

function assertOpen(row: SegmentedRow): void {
  if (row.status !== 'open') {
    throw new AppError('invalid_transition', `Segmented upload ${row.id} is completed (upload ${row.upload_id}): its segments can no longer change.`, { from: 'completed', allowed: ['open'] });
  }
}

function missingOf(row: SegmentedRow): number[] {
  const have = new Set(row.segments.map((s) => s.n));
  const missing: number[] = [];
  for (let n = 1; n <= row.segment_count; n++) if (!have.has(n)) missing.push(n);
  return missing;
}

/** "1, 2 and 5", or the first ten and how many more. */
function listed(numbers: number[]): string {
  if (numbers.length === 1) return String(numbers[0]);
  if (numbers.length > 10) return `${numbers.slice(0, 10).join(', ')} and ${numbers.length - 10} more`;
  return `${numbers.slice(0, -1).join(', ')} and ${numbers[numbers.length - 1]}`;
}

function damaged(row: SegmentedRow, n: number, why: string): AppError {
  return new AppError('checksum_mismatch', `Segment ${n} of segmented upload ${row.id} cannot be joined: ${why}. Send segment ${n} again, then complete.`, { segment_number: n });
}

function view(row: SegmentedRow): Record<string, unknown> {
  return {
    id: row.id,
    status: row.status,
    file_name: row.file_name,
    kind: row.kind,
    size_bytes: Number(row.size_bytes),
    segment_bytes: Number(row.segment_bytes),
    segment_count: row.segment_count,
    last_segment_bytes: segmentSize(row, row.segment_count),
    sha256: row.sha256,
    segments_received: row.segments.map((s) => s.n),
    segments_missing: missingOf(row),
    upload_id: row.upload_id,
    expires_at: row.expires_at.toISOString(),
    created_at: row.created_at.toISOString(),
  };
}
