import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AppError } from '../common/errors';
import { loadUserRefs, UserRef } from '../directory/directory.mappers';
import type { AccessSubject } from '../permissions/access-subject';
import type { Action } from '../permissions/matrix/action-matrix';
import { decide, refusalError } from '../permissions/resolver';
import { Jobs } from '../queues/jobs.service';
import type { UploadKind } from './file-types';
import { AttachmentTarget, Upload } from './upload.entities';

/** How a feature lets the pipeline know whether a viewer may see the item an upload is attached to. */
export interface TargetSpec {
  /** "RFI", "reply", "submittal": used in messages. */
  label: string;
  /** The matrix action that shows the item (its tool level is checked before the item's privacy). */
  viewAction: Action;
  /** Whether the viewer may see the item (the feature's own visibility rule). */
  canView(subject: AccessSubject, projectId: number, id: number): Promise<boolean>;
}

/** An upload as `attach` checks it. */
interface AttachRow {
  id: number;
  company_id: number;
  uploaded_by_id: number | null;
  attached_to_type: string | null;
  attached_to_id: number | null;
  processing_status: string;
  held_until_attached: boolean;
}

/** The shape of an upload in the API (an attachment in an item, or `GET .../uploads/{id}`). */
export function uploadView(u: Upload, users: Map<number, UserRef>): Record<string, unknown> {
  return {
    id: u.id,
    name: u.fileName,
    content_type: u.contentType,
    size: u.sizeBytes,
    checksum_sha256: u.processingStatus === 'ready' ? u.sha256 : null,
    processing_status: u.processingStatus,
    processing_error: u.processingError,
    url: u.processingStatus === 'ready' ? `/rest/v1.0/projects/${u.projectId}/uploads/${u.id}/content` : null,
    attached_to: u.attachedToType ? { type: u.attachedToType, id: u.attachedToId } : null,
    uploaded_by: u.uploadedById ? (users.get(u.uploadedById) ?? null) : null,
    version: u.version,
    created_at: u.createdAt.toISOString(),
    processed_at: u.processedAt?.toISOString() ?? null,
    image:
      u.processingStatus === 'ready' && u.imageWidth !== null
        ? {
            width: u.imageWidth,
            height: u.imageHeight,
            orientation: u.imageOrientation,
            taken_at: u.takenAt?.toISOString() ?? null,
            location: u.latitude !== null && u.longitude !== null ? { latitude: u.latitude, longitude: u.longitude } : null,
            thumbnail_url: `/rest/v1.0/projects/${u.projectId}/uploads/${u.id}/thumbnail`,
          }
        : null,
  };
}

/** The attachments of each item as the viewer sees them: ready ones, and their own still in processing (or failed). */
export async function loadAttachments(
  db: EntityManager | DataSource,
  type: AttachmentTarget,
  itemIds: number[],
  viewerId: number,
): Promise<Map<number, Record<string, unknown>[]>> {
  const out = new Map<number, Record<string, unknown>[]>();
  if (!itemIds.length) return out;
  const uploads = await db
    .getRepository(Upload)
    .createQueryBuilder('u')
    .where('u.attachedToType = :type AND u.attachedToId IN (:...ids)', { type, ids: itemIds })
    .andWhere(`(u.processingStatus = 'ready' OR u.uploadedById = :viewer)`, { viewer: viewerId })
    .orderBy('u.id', 'ASC')
    .getMany();
  if (!uploads.length) return out;
  const users = await loadUserRefs(db, uploads.map((u) => u.uploadedById));
  for (const u of uploads) out.set(u.attachedToId!, [...(out.get(u.attachedToId!) ?? []), uploadView(u, users)]);
  return out;
}

/**
 * Attachments: uploads given to an item by `upload_ids` on its create or
 * update. An attachment is listed for everyone once its processing is done;
 * until then (and when it failed) only its uploader sees it, with its status.
 */
@Injectable()
export class AttachmentsService {
  private readonly targets = new Map<AttachmentTarget, TargetSpec>();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly jobs: Jobs,
  ) {}

  registerTarget(type: AttachmentTarget, spec: TargetSpec): void {
    this.targets.set(type, spec);
  }

  target(type: AttachmentTarget): TargetSpec {
    const spec = this.targets.get(type);
    if (!spec) throw new Error(`attachment target ${type} is not registered`);
    return spec;
  }

  /**
   * Gives the caller's uploads to an item, in the item's transaction: each must
   * be in this project, uploaded by the caller, not attached elsewhere and not
   * failed; otherwise 422 naming `upload_ids` and each upload at fault.
   */
  async attach(m: EntityManager, projectId: number, userId: number, uploadIds: number[] | undefined, type: AttachmentTarget, itemId: number, kind: UploadKind = 'attachment'): Promise<number> {
    const ids = [...new Set(uploadIds ?? [])];
    if (!ids.length) return 0;
    const rows: AttachRow[] = await m.query(
      `SELECT id, company_id, uploaded_by_id, attached_to_type, attached_to_id, processing_status, held_until_attached FROM uploads
        WHERE id = ANY($1::int[]) AND project_id = $2 AND kind = $3 ORDER BY id FOR UPDATE`,
      [ids, projectId, kind],
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    const problems: string[] = [];
    for (const id of ids) {
      const r = byId.get(id);
      if (!r) problems.push(`${id} is not ${kind === 'attachment' ? 'an attachment' : `a ${kind}`} upload in this project`);
      else if (r.uploaded_by_id !== userId) problems.push(`${id} was uploaded by someone else; attach only your own uploads`);
      else if (r.attached_to_type && !(r.attached_to_type === type && r.attached_to_id === itemId)) problems.push(`${id} is already attached to ${r.attached_to_type} ${r.attached_to_id}`);
      else if (r.processing_status === 'failed') problems.push(`${id} failed processing; upload the file again`);
    }
    if (problems.length) throw AppError.validation([{ field: 'upload_ids', message: problems.join('; ') }], `upload_ids: ${problems.join('; ')}`);
    await m.query(
      'UPDATE uploads SET attached_to_type = $1, attached_to_id = $2, held_until_attached = false, version = version + 1, updated_at = sim_now() WHERE id = ANY($3::int[])',
      [type, itemId, ids],
    );
    // Files sent with the item itself were held until now: their processing starts with the item.
    for (const r of rows) {
      if (r.held_until_attached) await this.jobs.enqueue(m, 'uploads.process-attachment', { companyId: r.company_id, projectId, uploadId: r.id });
    }
    return ids.length;
  }

  /** Deleting an item deletes its attachments (their files go once the deletion commits). */
  async removeFor(m: EntityManager, type: AttachmentTarget, itemIds: number[]): Promise<void> {
    if (itemIds.length) await this.removeWhere(m, 'attached_to_type = $1 AND attached_to_id = ANY($2::int[])', [type, itemIds]);
  }

  /** Deletes uploads in the caller's transaction (their files go once it commits). */
  async remove(m: EntityManager, uploadIds: number[]): Promise<void> {
    if (uploadIds.length) await this.removeWhere(m, 'id = ANY($1::int[])', [uploadIds]);
  }

  /** The rows go now; their tombstones (by trigger) tell the job queued with them which files to remove after the commit. */
  private async removeWhere(m: EntityManager, where: string, params: unknown[]): Promise<void> {
    // A DELETE through TypeORM answers [rows, count].
    const [[gone]]: [{ company_id: number; project_id: number }[], number] = await m.query(`DELETE FROM uploads WHERE ${where} RETURNING company_id, project_id`, params);
    if (gone) await this.jobs.enqueue(m, 'uploads.remove-content', { companyId: gone.company_id, projectId: gone.project_id });
  }

  /**
   * One upload for a viewer: its uploader always; others once it is attached to
   * an item they may see and it is ready (otherwise 404, as for an id that is not there).
   */
  async visible(subject: AccessSubject, projectId: number, id: number): Promise<Upload> {
    const upload = await this.db.getRepository(Upload).findOneBy({ id, projectId });
    if (!upload) throw AppError.notFound('Upload');
    if (upload.uploadedById === subject.userId) return upload;
    if (!upload.attachedToType || upload.processingStatus !== 'ready') throw AppError.notFound('Upload');
    const target = this.target(upload.attachedToType);
    const d = decide(target.viewAction, subject);
    if (d.denial) throw refusalError(d.denial, target.viewAction);
    if (!(await target.canView(subject, projectId, upload.attachedToId!))) {
      throw new AppError('permission_denied', `This file is attached to a ${target.label} you may not see.`, {
        layer: 'item_role',
        have: `no access to the ${target.label}`,
        need: `access to ${target.label} ${upload.attachedToId}`,
      });
    }
    return upload;
  }
}
