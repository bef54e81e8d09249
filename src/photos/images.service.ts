import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ChangeLog } from '../changes/change-log.service';
import { AppError } from '../common/errors';
import type { Actor } from '../common/http/request-helpers';
import { ListQuery, ListSpec, Page, plainPage } from '../common/pagination';
import { lockRowForEdit } from '../database/versioning';
import type { AccessSubject } from '../permissions/access-subject';
import { SandboxClock } from '../sandboxes/sandbox-clock';
import { AttachmentsService } from '../uploads/attachments.service';
import { albumVisibility } from './albums.service';
import type { CreateImageDto, UpdateImageDto } from './dto/image.dto';

export const IMAGE_LIST: ListSpec<'image_category_id' | 'private', 'id' | 'taken_at'> = {
  filters: { image_category_id: { kind: 'int' }, private: { kind: 'bool' } },
  sorts: ['id', 'taken_at'],
  defaultSort: 'id',
};
export type ImageListQuery = ListQuery<keyof typeof IMAGE_LIST.filters, (typeof IMAGE_LIST.sorts)[number]>;

export interface ImageRow {
  id: number;
  project_id: number;
  image_category_id: number | null;
  album_name: string | null;
  description: string;
  private: boolean;
  taken_at: Date | null;
  uploaded_by_id: number | null;
  version: number;
  created_at: Date;
  updated_at: Date;
  upload_id: number;
  file_name: string;
  content_type: string;
  size_bytes: string;
  processing_status: string;
  processing_error: string | null;
  image_width: number | null;
  image_height: number | null;
  exif_taken_at: Date | null;
  latitude: string | null;
  longitude: string | null;
}

const COLUMNS = `i.id, i.project_id, i.image_category_id, a.name AS album_name, i.description, i.private, i.taken_at, i.uploaded_by_id, i.version, i.created_at, i.updated_at,
  u.id AS upload_id, u.file_name, u.content_type, u.size_bytes::text, u.processing_status, u.processing_error, u.image_width, u.image_height,
  u.taken_at AS exif_taken_at, u.latitude::text, u.longitude::text`;
const FROM = 'images i JOIN uploads u ON u.id = i.upload_id LEFT JOIN image_categories a ON a.id = i.image_category_id';

export function mapImage(r: ImageRow): Record<string, unknown> {
  const ready = r.processing_status === 'ready';
  const base = `/rest/v1.0/projects/${r.project_id}/uploads/${r.upload_id}`;
  return {
    id: r.id,
    project_id: r.project_id,
    image_category: r.image_category_id === null ? null : { id: r.image_category_id, name: r.album_name },
    description: r.description,
    private: r.private,
    taken_at: (r.taken_at ?? r.exif_taken_at)?.toISOString() ?? null,
    location: r.latitude !== null && r.longitude !== null ? { latitude: Number(r.latitude), longitude: Number(r.longitude) } : null,
    width: r.image_width,
    height: r.image_height,
    file_name: r.file_name,
    content_type: r.content_type,
    size: Number(r.size_bytes),
    processing_status: r.processing_status,
    processing_error: r.processing_error,
    url: ready ? `${base}/content` : null,
    thumbnail_url: ready && r.image_width !== null ? `${base}/thumbnail` : null,
    uploaded_by_id: r.uploaded_by_id,
    version: r.version,
    created_at: r.created_at.toISOString(),
    updated_at: r.updated_at.toISOString(),
  };
}

/**
 * The photos a viewer sees, as a WHERE clause (parameters from `first`):
 * processed ones (their own also while processing), private ones only for
 * Admins, their uploader and view_private_photos, and none in an album the
 * viewer may not see.
 */
export function imageVisibility(subject: AccessSubject, first: number): { sql: string; params: unknown[] } {
  const album = albumVisibility(subject, first + 1);
  const seesPrivate = album.sql === 'TRUE';
  const me = `$${first}`;
  return {
    sql: `(u.processing_status = 'ready' OR i.uploaded_by_id = ${me})${seesPrivate ? '' : ` AND (NOT i.private OR i.uploaded_by_id = ${me}) AND (i.image_category_id IS NULL OR ${album.sql})`}`,
    params: [subject.userId, ...album.params],
  };
}

/** Photos: an image upload (processed by the upload pipeline) with its album, description, privacy and capture time. */
@Injectable()
export class ImagesService implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: SandboxClock,
    private readonly changes: ChangeLog,
    private readonly attachments: AttachmentsService,
  ) {}

  onModuleInit(): void {
    this.attachments.registerTarget('image', { label: 'photo', viewAction: 'photos.view', canView: (subject, projectId, id) => this.canView(subject, projectId, id) });
  }

  async canView(subject: AccessSubject, projectId: number, id: number, m: Pick<EntityManager, 'query'> = this.db.manager): Promise<boolean> {
    const visible = imageVisibility(subject, 3);
    const [row] = await m.query(`SELECT 1 FROM ${FROM} WHERE i.id = $1 AND i.project_id = $2 AND ${visible.sql}`, [id, projectId, ...visible.params]);
    return !!row;
  }

  async list(subject: AccessSubject, projectId: number, q: ImageListQuery): Promise<Page<Record<string, unknown>>> {
    const visible = imageVisibility(subject, 2);
    const params: unknown[] = [projectId, ...visible.params];
    const where = ['i.project_id = $1', visible.sql];
    if (q.filters.image_category_id !== undefined) where.push(`i.image_category_id = $${params.push(q.filters.image_category_id)}`);
    if (q.filters.private !== undefined) where.push(`i.private = $${params.push(q.filters.private)}`);
    const order = q.sort.field === 'taken_at' ? `coalesce(i.taken_at, u.taken_at) ${q.sort.direction} NULLS LAST, i.id` : `i.id ${q.sort.direction}`;
    const { rows, total } = await plainPage<ImageRow>(this.db, { columns: COLUMNS, from: `${FROM} WHERE ${where.join(' AND ')}`, params, orderBy: order }, q);
    return Page.of(rows.map(mapImage), total, q);
  }

  /** One photo: 404 when it is not in the project or not processed yet (for others), 403 when it is private to others. */
  async get(subject: AccessSubject, projectId: number, id: number): Promise<Record<string, unknown>> {
    return mapImage(await this.visibleRow(subject, projectId, id));
  }

  async visibleRow(subject: AccessSubject, projectId: number, id: number): Promise<ImageRow> {
    const [row]: ImageRow[] = await this.db.query(`SELECT ${COLUMNS} FROM ${FROM} WHERE i.id = $1 AND i.project_id = $2`, [id, projectId]);
    if (!row || (row.processing_status !== 'ready' && row.uploaded_by_id !== subject.userId)) throw AppError.notFound('Photo');
    if (!(await this.canView(subject, projectId, id))) {
      throw new AppError('permission_denied', 'This photo is private, or in a private album: only Admins on Photos, its uploader and holders of view_private_photos may see it.', {
        action: 'photos.view',
        layer: 'item_role',
        have: 'not its uploader',
        need: ['admin', 'uploader', 'photos.view_private_photos'],
        item_id: id,
      });
    }
    return row;
  }

  /** A photo from the form's file (or one photo upload of the caller's); its processing starts with it. */
  async create(subject: AccessSubject, projectId: number, dto: CreateImageDto, actor: Actor): Promise<Record<string, unknown>> {
    const uploads = dto.upload_ids ?? [];
    if (uploads.length !== 1) throw AppError.field('file', 'a photo takes exactly one image file: send it in the part `file` (or `image[data]`)');
    return this.clock.transaction(subject.companyId, async (m) => {
      await this.assertAlbum(m, subject, projectId, dto.image_category_id);
      const [{ id }]: { id: number }[] = await m.query(
        `INSERT INTO images (company_id, project_id, upload_id, image_category_id, description, private, taken_at, uploaded_by_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
        [subject.companyId, projectId, uploads[0], dto.image_category_id ?? null, dto.description ?? '', dto.private ?? false, dto.taken_at ?? null, actor.userId],
      ).catch((err: { code?: string }) => {
        if (err.code === '23505' || err.code === '23503') throw AppError.field('upload_ids', `${uploads[0]} is not a photo upload of yours that is free to use`);
        throw err;
      });
      await this.attachments.attach(m, projectId, actor.userId!, uploads, 'image', id, 'photo');
      return this.written(m, subject.companyId, projectId, id, 'create', actor);
    });
  }

  async update(subject: AccessSubject, projectId: number, id: number, dto: UpdateImageDto, expected: number | undefined, actor: Actor): Promise<Record<string, unknown>> {
    return this.clock.transaction(subject.companyId, async (m) => {
      const current = await this.lock(m, projectId, id, expected);
      if (dto.image_category_id !== undefined) await this.assertAlbum(m, subject, projectId, dto.image_category_id);
      await m.query(`UPDATE images SET image_category_id = $2, description = $3, private = $4, taken_at = $5, version = version + 1, updated_at = sim_now() WHERE id = $1`, [
        id,
        dto.image_category_id === undefined ? current.image_category_id : dto.image_category_id,
        dto.description ?? current.description,
        dto.private ?? current.private,
        dto.taken_at === undefined ? current.taken_at : dto.taken_at,
      ]);
      return this.written(m, subject.companyId, projectId, id, 'update', actor);
    });
  }

  /** The photo and its file. */
  async remove(subject: AccessSubject, projectId: number, id: number, expected: number | undefined, actor: Actor): Promise<void> {
    await this.clock.transaction(subject.companyId, async (m) => {
      const current = await this.lock(m, projectId, id, expected);
      await this.attachments.remove(m, [current.upload_id]);
      await this.changes.record(m, { companyId: subject.companyId, projectId, resource: 'Images', resourceId: id, eventType: 'delete', version: current.version + 1, snapshot: mapImage(current), actor });
    });
  }

  private async assertAlbum(m: EntityManager, subject: AccessSubject, projectId: number, albumId: number | null | undefined): Promise<void> {
    if (albumId === undefined || albumId === null) return;
    const visible = albumVisibility(subject, 3);
    const [found] = await m.query(`SELECT 1 FROM image_categories a WHERE a.id = $1 AND a.project_id = $2 AND ${visible.sql}`, [albumId, projectId, ...visible.params]);
    if (!found) throw AppError.field('image_category_id', `${albumId} is not an album of this project that you may see`);
  }

  private lock(m: EntityManager, projectId: number, id: number, expected: number | undefined): Promise<ImageRow> {
    return lockRowForEdit<ImageRow>(m, `SELECT ${COLUMNS} FROM ${FROM} WHERE i.id = $1 AND i.project_id = $2 FOR UPDATE OF i`, [id, projectId], 'Photo', expected);
  }

  private async written(m: EntityManager, companyId: number, projectId: number, id: number, eventType: 'create' | 'update', actor: Actor): Promise<Record<string, unknown>> {
    const [row]: ImageRow[] = await m.query(`SELECT ${COLUMNS} FROM ${FROM} WHERE i.id = $1`, [id]);
    const view = mapImage(row);
    await this.changes.record(m, { companyId, projectId, resource: 'Images', resourceId: id, eventType, version: row.version, snapshot: view, actor });
    return view;
  }
}
