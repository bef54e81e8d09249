import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { UnrecoverableError } from 'bullmq';
import { createHash } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { ChangeLog } from '../changes/change-log.service';
import { sleep } from '../common/sleep';
import { JobProcessors } from '../queues/job-processors';
import type { JobOf } from '../queues/job-types';
import { loadSettings, SandboxSettings } from '../sandboxes/sandbox-settings';
import { checkType, SNIFF_BYTES } from './file-types';
import { analyzeImage, DECODED_IMAGE_TYPES, ImageFacts } from './image-analysis';
import { ContentStore } from './content-store';
import type { UploadKind } from './file-types';
import { Upload } from './upload.entities';
import { SandboxClock } from '../sandboxes/sandbox-clock';

/** Bytes per second the simulated processing works through, per latency profile (custom profiles: realistic). */
const PROCESSING_RATE: Record<'instant' | 'realistic' | 'congested', number> = {
  instant: Number.POSITIVE_INFINITY,
  realistic: 4 * 1024 * 1024,
  congested: 1024 * 1024,
};
/** HEIC images are converted before they can be shown, which takes longer (a field-guide cause of slow photos). */
const HEIC_FACTOR = 3;

/** How long processing a file of this size and type takes under the sandbox's profile, in ms (a large file takes longer). */
export function processingMs(settings: SandboxSettings, sizeBytes: number, contentType: string): number {
  const profile = typeof settings.latency_profile === 'string' ? settings.latency_profile : 'realistic';
  const rate = PROCESSING_RATE[profile];
  if (!Number.isFinite(rate)) return 0;
  return Math.round((sizeBytes / rate) * 1000 * (contentType === 'image/heic' ? HEIC_FACTOR : 1));
}

/**
 * What a feature reads from its own kind of file (a drawing's PDF): `analyze`
 * works on the whole content before the upload is marked ready (its error is
 * the upload's `processing_error`); `keep` writes what it found in the same
 * transaction that makes the upload ready (a retry writes it again, once).
 */
export interface ContentAnalyzer<Facts = unknown> {
  analyze(content: Buffer, upload: Upload): Promise<Facts>;
  keep(m: EntityManager, upload: Upload, facts: Facts): Promise<void>;
  /** What the job's result says of it (pages, say). */
  summary(facts: Facts): Record<string, unknown>;
}

/**
 * `uploads.process-attachment`: reads the stored content back, checks that it
 * is whole (size and checksum as received) and of the type it was accepted as,
 * takes the time a file of that size takes, then marks it `ready`, which is
 * when others see it. After its last attempt the upload is `failed` with the
 * reason, so the uploader sees why.
 */
@Injectable()
export class UploadProcessing implements OnModuleInit {
  private readonly analyzers = new Map<UploadKind, ContentAnalyzer>();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly processors: JobProcessors,
    private readonly changes: ChangeLog,
    private readonly clock: SandboxClock,
    private readonly content: ContentStore,
  ) {}

  onModuleInit(): void {
    this.processors.register(
      'uploads.process-attachment',
      (payload) => this.process(payload),
      (payload, error) => this.fail(payload, error),
    );
  }

  /** A feature's reading of its kind of upload (one per kind). */
  registerAnalyzer<Facts>(kind: UploadKind, analyzer: ContentAnalyzer<Facts>): void {
    if (this.analyzers.has(kind)) throw new Error(`two analyzers for ${kind} uploads`);
    this.analyzers.set(kind, analyzer as ContentAnalyzer);
  }

  async process(payload: JobOf<'uploads.process-attachment'>): Promise<Record<string, unknown>> {
    const upload = await this.db.getRepository(Upload).findOneBy({ id: payload.uploadId });
    if (!upload) return { skipped: 'the upload no longer exists' };
    if (upload.processingStatus === 'ready' || upload.processingStatus === 'failed') return { skipped: `already ${upload.processingStatus}` };
    const begun = await this.clock.now(upload.companyId);
    await this.db.query(`UPDATE uploads SET processing_status = 'processing', processing_started_at = $2, updated_at = $2 WHERE id = $1`, [upload.id, begun]);
    // Processing takes real time (the work and the profile's processing time), measured on the monotonic clock.
    const started = performance.now();
    const hash = createHash('sha256');
    let size = 0;
    let head: Buffer | null = null;
    // An image is decoded whole (photos are limited in size), as is a file a feature reads; other files stream through.
    const analyzer = this.analyzers.get(upload.kind);
    const decoded = DECODED_IMAGE_TYPES.has(upload.contentType) || analyzer !== undefined;
    const parts: Buffer[] = [];
    const stream = await this.content.open(upload.id);
    if (!stream) throw new UnrecoverableError('the stored content is gone (its file is not in the storage directory); upload the file again');
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      head ??= chunk.subarray(0, SNIFF_BYTES);
      hash.update(chunk);
      size += chunk.length;
      if (decoded) parts.push(chunk);
    }
    const sha256 = hash.digest('hex');
    if (size !== upload.sizeBytes || sha256 !== upload.sha256) {
      throw new UnrecoverableError(`the stored content does not match what was received (${size} of ${upload.sizeBytes} bytes); upload the file again`);
    }
    const type = checkType(upload.kind, upload.fileName, head ?? Buffer.alloc(0));
    if (!type.ok) throw new UnrecoverableError(type.message);
    const content = decoded ? Buffer.concat(parts) : null;
    parts.length = 0;
    const facts =
      analyzer && content
        ? await analyzer.analyze(content, upload).catch((err: Error) => {
            throw new UnrecoverableError(`${err.message}; the file is damaged or incomplete: upload it again`);
          })
        : undefined;
    const image =
      content && !analyzer && DECODED_IMAGE_TYPES.has(upload.contentType)
        ? await analyzeImage(content).catch((err: Error) => {
            throw new UnrecoverableError(`the image cannot be decoded (${err.message}); the file is damaged or incomplete: upload it again`);
          })
        : null;
    const settings = await loadSettings(this.db, upload.companyId);
    await sleep(Math.max(0, processingMs(settings, size, upload.contentType) - (performance.now() - started)));
    await this.clock.transaction(upload.companyId, async (m) => {
      // An UPDATE through TypeORM answers [rows, count].
      const [, count]: [unknown[], number] = await m.query(
        `UPDATE uploads SET processing_status = 'ready', processing_error = NULL, processed_at = sim_now(), version = version + 1, updated_at = sim_now()
          WHERE id = $1 AND processing_status = 'processing'`,
        [upload.id],
      );
      if (!count) return;
      if (image) await this.keepImage(m, upload.id, image);
      if (analyzer && facts !== undefined) await analyzer.keep(m, upload, facts);
      await this.changes.recordRow(m, Upload, upload.id, { companyId: upload.companyId, projectId: upload.projectId, resource: 'Uploads', eventType: 'update', actor: null });
    });
    return { upload_id: upload.id, bytes: size, ms: Math.round(performance.now() - started), ...(image && { width: image.width, height: image.height }), ...(analyzer && facts !== undefined && analyzer.summary(facts)) };
  }

  /** What the image says of itself, and its thumbnail (a retry writes the same again). */
  private async keepImage(m: EntityManager, uploadId: number, image: ImageFacts): Promise<void> {
    await m.query('UPDATE uploads SET image_width = $2, image_height = $3, image_orientation = $4, taken_at = $5, latitude = $6, longitude = $7 WHERE id = $1', [
      uploadId,
      image.width,
      image.height,
      image.orientation,
      image.takenAt,
      image.latitude,
      image.longitude,
    ]);
    await m.query(
      `INSERT INTO upload_renditions (upload_id, kind, content_type, width, height, content) VALUES ($1, 'thumbnail', 'image/jpeg', $2, $3, $4)
       ON CONFLICT (upload_id, kind) DO UPDATE SET width = EXCLUDED.width, height = EXCLUDED.height, content = EXCLUDED.content`,
      [uploadId, image.thumbnail.width, image.thumbnail.height, image.thumbnail.content],
    );
  }

  private async fail(payload: JobOf<'uploads.process-attachment'>, error: Error): Promise<void> {
    await this.clock.transaction(payload.companyId, async (m) => {
      const [, count]: [unknown[], number] = await m.query(
        `UPDATE uploads SET processing_status = 'failed', processing_error = $2, version = version + 1, updated_at = sim_now()
          WHERE id = $1 AND processing_status IN ('queued', 'processing')`,
        [payload.uploadId, error.message.slice(0, 1000)],
      );
      if (!count) return;
      await this.changes.recordRow(m, Upload, payload.uploadId, { companyId: payload.companyId, projectId: payload.projectId, resource: 'Uploads', eventType: 'update', actor: null });
    });
  }
}
