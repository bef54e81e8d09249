import { Injectable, OnModuleInit } from '@nestjs/common';
import { CauseDetector, CauseRegistry, DiagnoseContext, Finding } from '../diagnose/causes';
import { recency, userRef } from '../diagnose/evidence';
import { ruleOf } from '../permissions/matrix/action-matrix';
import { loadSettings } from '../sandboxes/sandbox-settings';
import { AttachmentsService } from './attachments.service';
import { processingMs } from './upload-processing';
import type { AttachmentTarget } from './upload.entities';

type Found = Omit<Finding, 'cause'>;

/** The attachment targets a tool's question is about. */
const TARGETS_OF: Record<string, AttachmentTarget[]> = { rfis: ['rfi', 'rfi_reply'], submittals: ['submittal'], photos: ['image'] };

interface UploadRow {
  id: number;
  file_name: string;
  content_type: string;
  size_bytes: string;
  processing_status: 'queued' | 'processing' | 'failed';
  processing_error: string | null;
  processing_started_at: Date | null;
  attached_to_type: AttachmentTarget | null;
  attached_to_id: number | null;
  uploaded_by_id: number | null;
  created_at: Date;
  job_id: string | null;
}

/**
 * An attachment its job has not finished (or failed): until it is `ready`
 * only its uploader sees it, on the item and in `GET .../uploads/{id}`.
 */
@Injectable()
export class AttachmentProcessingCause implements CauseDetector {
  readonly cause = 'attachment_processing' as const;
  readonly symptoms = ['not_visible', 'not_updating', 'not_uploading', 'not_loading'] as const;

  constructor(private readonly attachments: AttachmentsService) {}

  async detect(ctx: DiagnoseContext): Promise<Found[]> {
    if (ctx.projectId === null) return [];
    const targets = ctx.tool === null ? null : TARGETS_OF[ctx.tool];
    if (targets === undefined) return [];
    const rows: UploadRow[] = await ctx.db.query(
      `SELECT u.id, u.file_name, u.content_type, u.size_bytes, u.processing_status, u.processing_error, u.processing_started_at,
              u.attached_to_type, u.attached_to_id, u.uploaded_by_id, u.created_at,
              (SELECT o.job_id FROM outbox o WHERE o.name = 'uploads.process-attachment' AND (o.payload->>'uploadId')::int = u.id ORDER BY o.id DESC LIMIT 1) AS job_id
         FROM uploads u
        WHERE u.project_id = $1 AND u.processing_status <> 'ready' AND u.updated_at >= $2
          AND ($3::text[] IS NULL OR u.attached_to_type = ANY($3::text[]))
          AND ($4::int IS NULL OR u.attached_to_id = $4 OR EXISTS (SELECT 1 FROM rfi_replies p WHERE u.attached_to_type = 'rfi_reply' AND p.id = u.attached_to_id AND p.rfi_id = $4))
        ORDER BY u.id DESC LIMIT 10`,
      [ctx.projectId, ctx.since, targets, ctx.itemId],
    );
    if (!rows.length) return [];
    const settings = await loadSettings(ctx.db, ctx.companyId);
    const out: Found[] = [];
    for (const r of rows) {
      const uploader = await userRef(ctx.db, r.uploaded_by_id);
      const size = Number(r.size_bytes);
      const target = r.attached_to_type ? this.attachments.target(r.attached_to_type) : null;
      const where = target ? `${target.label} ${r.attached_to_id}` : 'no item yet';
      const failed = r.processing_status === 'failed';
      out.push({
        tool: target ? ruleOf(target.viewAction).tool : null,
        item: r.attached_to_id ? { id: r.attached_to_id, type: target?.label } : null,
        user: uploader,
        evidence: {
          upload: { id: r.id, name: r.file_name, content_type: r.content_type, size_bytes: size, processing_status: r.processing_status, processing_error: r.processing_error },
          attached_to: r.attached_to_type ? { type: r.attached_to_type, id: r.attached_to_id } : null,
          uploaded_at: r.created_at.toISOString(),
          processing_started_at: r.processing_started_at?.toISOString() ?? null,
          processing_time_ms_for_this_size: processingMs(settings, size, r.content_type),
          job: { name: 'uploads.process-attachment', id: r.job_id },
          visible_to: failed ? 'its uploader only, as failed' : 'its uploader only, until it is ready',
        },
        fix: failed
          ? [`Processing failed (${r.processing_error ?? 'unknown error'}): ${uploader?.name ?? 'the uploader'} uploads the file again and attaches the new upload (upload_ids).`]
          : [
              `Wait for the job uploads.process-attachment${r.job_id ? ` (${r.job_id})` : ''}: a ${(size / 1024 / 1024).toFixed(1)} MiB file takes about ${Math.ceil(processingMs(settings, size, r.content_type) / 1000)} s to process after its queue delay; then everyone who sees ${where} sees it.`,
              `POST /_sim/settle?project_id=${ctx.projectId} waits until it is done; GET /_sim/jobs?project_id=${ctx.projectId} shows where it is.`,
            ],
        // A file that others cannot see yet is the most specific answer to "not visible".
        weight: (ctx.itemId !== null && r.attached_to_id === ctx.itemId ? 92 : ctx.symptom === 'not_visible' ? 72 : 60) + (failed ? 5 : 0) + 5 * recency(r.created_at, ctx),
      });
    }
    return out;
  }
}

interface RefusalRow {
  id: string;
  user_id: number | null;
  code: string;
  status: number;
  file_name: string | null;
  size_bytes: string | null;
  message: string;
  details: Record<string, unknown>;
  created_at: Date;
}

/** What to do about each refusal, in the words a user needs. */
function fixFor(r: RefusalRow, sandboxSettings: string): string[] {
  const d = r.details;
  switch (r.code) {
    case 'empty_file':
      return ['The file was empty (0 bytes), often a file that had not finished saving or syncing on the device: open it there, then pick it again.'];
    case 'file_too_large':
      return [
        `The file is over the ${Math.round(Number(d.limit_bytes ?? 0) / 1024 / 1024)} MiB this sandbox accepts for ${String(d.kind ?? 'file')}s: compress or split it.`,
        `Or raise upload_limits.${String(d.kind ?? 'attachment')}_bytes: PATCH ${sandboxSettings} {"upload_limits": {...}}.`,
      ];
    case 'unsupported_file_type':
      return [`${r.message} Send a file of an accepted type, with the extension that matches its content (the content decides, not the name).`];
    case 'unsafe_file_name':
      return [`Rename the file (${String(d.reason ?? 'its name is unsafe')}) and upload it again.`];
    case 'too_many_uploads':
      return [
        `Upload at most ${String(d.limit ?? '')} files at once: wait for the ones in progress, and retry after the Retry-After seconds (${String(d.retry_after_seconds ?? '')}).`,
        `Or raise upload_limits.concurrent_per_user: PATCH ${sandboxSettings}.`,
      ];
    case 'checksum_mismatch':
      return [
        `${r.message}`,
        'A segment whose bytes differ from the X-Segment-Sha256 sent with it was damaged on the way (or the checksum was computed on other bytes): compute the SHA-256 of exactly the bytes sent, and send the segment again.',
      ];
    case 'segments_missing':
      return [`Send the missing segments (${JSON.stringify(d.missing ?? [])}) with PUT .../uploads/segmented/{id}/segments/{n}, then complete again; GET .../uploads/segmented/{id} lists what is missing.`];
    case 'upload_interrupted':
      return [
        'The connection dropped or stalled before the whole file arrived; nothing was kept, so there is nothing to clean up. Upload it again on a steadier connection.',
      ];
    default:
      return [`${r.message} Send the file as multipart/form-data in the part \`file\`.`];
  }
}

/** Recent refusals of uploads in the project (for the asking user when one is named). */
abstract class RefusalCause implements CauseDetector {
  abstract readonly cause: 'upload_rejected' | 'upload_interrupted';
  readonly symptoms = ['not_uploading', 'not_visible'] as const;

  async detect(ctx: DiagnoseContext): Promise<Found[]> {
    if (ctx.projectId === null) return [];
    const interrupted = this.cause === 'upload_interrupted';
    const rows: RefusalRow[] = await ctx.db.query(
      `SELECT id, user_id, code, status, file_name, size_bytes, message, details, created_at FROM upload_refusals
        WHERE project_id = $1 AND created_at >= $2 AND ($3::int IS NULL OR user_id = $3) AND (code = 'upload_interrupted') = $4
        ORDER BY id DESC LIMIT 10`,
      [ctx.projectId, ctx.since, ctx.userId, interrupted],
    );
    const [sandbox] = await ctx.db.query('SELECT id FROM sandboxes WHERE company_id = $1', [ctx.companyId]);
    const settingsUrl = sandbox ? `/_sim/sandboxes/${sandbox.id}/settings` : '/_sim/sandboxes/{id}/settings';
    const out: Found[] = [];
    for (const r of rows) {
      out.push({
        tool: null,
        item: null,
        user: await userRef(ctx.db, r.user_id),
        evidence: {
          code: r.code,
          status: r.status,
          message: r.message,
          file_name: r.file_name,
          received_bytes: r.size_bytes === null ? null : Number(r.size_bytes),
          details: r.details,
          refused_at: r.created_at.toISOString(),
          stored: 'nothing: no upload row, no content, no job',
        },
        fix: fixFor(r, settingsUrl),
        weight: (ctx.symptom === 'not_uploading' ? 85 : 40) + 10 * recency(r.created_at, ctx),
      });
    }
    return out;
  }
}

@Injectable()
export class UploadRejectedCause extends RefusalCause {
  readonly cause = 'upload_rejected' as const;
}

@Injectable()
export class UploadInterruptedCause extends RefusalCause {
  readonly cause = 'upload_interrupted' as const;
}

@Injectable()
export class UploadCauses implements OnModuleInit {
  constructor(
    private readonly registry: CauseRegistry,
    private readonly processing: AttachmentProcessingCause,
    private readonly rejected: UploadRejectedCause,
    private readonly interrupted: UploadInterruptedCause,
  ) {}

  onModuleInit(): void {
    this.registry.register(this.processing, this.rejected, this.interrupted);
  }
}
