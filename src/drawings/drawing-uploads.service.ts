import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import path from 'node:path';
import { DataSource, EntityManager } from 'typeorm';
import { ChangeLog } from '../changes/change-log.service';
import { AppError, FieldError } from '../common/errors';
import type { Actor } from '../common/http/request-helpers';
import { ListQuery, ListSpec, Page, plainPage } from '../common/pagination';
import { lockRowForEdit } from '../database/versioning';
import type { AccessSubject } from '../permissions/access-subject';
import { SandboxClock } from '../sandboxes/sandbox-clock';
import { AttachmentsService } from '../uploads/attachments.service';
import { UploadProcessing } from '../uploads/upload-processing';
import type { Upload } from '../uploads/upload.entities';
import { DrawingCatalogService } from './drawing-catalog.service';
import { DrawingsService, mapRevision, ref, revisionBase, reviewsDrawings, REVISION_COLUMNS, REVISION_FROM, RevisionRow } from './drawings.service';
import type { CreateDrawingUploadDto, PublishDrawingUploadDto } from './dto/drawings.dto';
import { analyzePdf, SheetFacts } from './pdf-analysis';

export const DRAWING_UPLOAD_LIST: ListSpec<'drawing_area_id' | 'status', 'id'> = {
  filters: { drawing_area_id: { kind: 'int' }, status: { kind: 'enum', values: ['processing', 'awaiting_review', 'published', 'failed'] } },
  sorts: ['id'],
  defaultSort: '-id',
};
type DrawingUploadListQuery = ListQuery<keyof typeof DRAWING_UPLOAD_LIST.filters, 'id'>;

interface DrawingUploadRow {
  id: number;
  project_id: number;
  upload_id: number;
  drawing_area_id: number | null;
  area_name: string | null;
  drawing_set_id: number | null;
  set_name: string | null;
  file_name: string;
  size_bytes: string;
  status: 'processing' | 'awaiting_review' | 'published' | 'failed';
  processing_error: string | null;
  uploaded_by_id: number | null;
  published_at: Date | null;
  published_by_id: number | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

/** Where a drawing upload is: read from its file's processing and its publication. */
const STATUS_SQL = `CASE WHEN du.published_at IS NOT NULL THEN 'published' WHEN u.processing_status = 'failed' THEN 'failed' WHEN u.processing_status = 'ready' THEN 'awaiting_review' ELSE 'processing' END`;
const COLUMNS = `du.id, du.project_id, du.upload_id, du.drawing_area_id, da.name AS area_name, du.drawing_set_id, ds.name AS set_name, u.file_name, u.size_bytes::text,
  ${STATUS_SQL} AS status, u.processing_error, du.uploaded_by_id, du.published_at, du.published_by_id, du.version, du.created_at, du.updated_at`;
const FROM = `drawing_uploads du JOIN uploads u ON u.id = du.upload_id LEFT JOIN drawing_areas da ON da.id = du.drawing_area_id LEFT JOIN drawing_sets ds ON ds.id = du.drawing_set_id`;

interface SheetRow {
  id: number;
  drawing_upload_id: number;
  project_id: number;
  page: number;
  number: string | null;
  title: string | null;
  detected_number: string | null;
  detected_title: string | null;
  status: 'awaiting_review' | 'published';
  drawing_id: number | null;
  revision_number: number | null;
}

const SHEET_COLUMNS = 'id, drawing_upload_id, project_id, page, number, title, detected_number, detected_title, status, drawing_id, revision_number';

function mapUpload(r: DrawingUploadRow, sheets: SheetRow[]): Record<string, unknown> {
  return {
    id: r.id,
    project_id: r.project_id,
    drawing_area: ref(r.drawing_area_id, r.area_name),
    drawing_set: ref(r.drawing_set_id, r.set_name),
    file_name: r.file_name,
    size: Number(r.size_bytes),
    upload_id: r.upload_id,
    status: r.status,
    processing_error: r.processing_error,
    page_count: sheets.length || null,
    sheets: sheets.map((s) => ({
      id: s.id,
      page: s.page,
      number: s.number ?? s.detected_number,
      title: s.title ?? s.detected_title,
      detected_number: s.detected_number,
      detected_title: s.detected_title,
      status: s.status,
      drawing_revision_id: s.id,
      drawing_id: s.drawing_id,
      revision_number: s.revision_number,
      preview_url: `${revisionBase(s.project_id, s.id)}/preview`,
    })),
    uploaded_by_id: r.uploaded_by_id,
    published_at: r.published_at?.toISOString() ?? null,
    published_by_id: r.published_by_id,
    version: r.version,
    created_at: r.created_at.toISOString(),
    updated_at: r.updated_at.toISOString(),
  };
}

/** The uploads a viewer sees: all of the project's for reviewers, their own for other uploaders. */
function uploadVisibility(subject: AccessSubject, first: number): { sql: string; params: unknown[] } {
  return reviewsDrawings(subject) ? { sql: 'TRUE', params: [] } : { sql: `du.uploaded_by_id = $${first}`, params: [subject.userId] };
}

/**
 * Drawing uploads: a PDF goes through the shared upload pipeline, whose job
 * reads it (`analyzePdf`: one sheet per page, its number and title from the
 * title block, a preview); its sheets wait as revisions for a reviewer, who
 * confirms numbers and titles and publishes them into a set, each as the next
 * revision of the drawing with its number in the upload's area.
 */
@Injectable()
export class DrawingUploadsService implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: SandboxClock,
    private readonly changes: ChangeLog,
    private readonly attachments: AttachmentsService,
    private readonly processing: UploadProcessing,
    private readonly catalog: DrawingCatalogService,
    private readonly drawings: DrawingsService,
  ) {}

  onModuleInit(): void {
    this.attachments.registerTarget('drawing_upload', { label: 'drawing upload', viewAction: 'drawings.view', canView: (subject, projectId, id) => this.canSeeFile(subject, projectId, id) });
    this.processing.registerAnalyzer<SheetFacts[]>('drawing', {
      analyze: (content) => analyzePdf(content),
      keep: (m, upload, sheets) => this.keepSheets(m, upload, sheets),
      summary: (sheets) => ({ pages: sheets.length, numbers_read: sheets.filter((s) => s.number !== null).length }),
    });
  }

  async list(subject: AccessSubject, projectId: number, q: DrawingUploadListQuery): Promise<Page<Record<string, unknown>>> {
    const visible = uploadVisibility(subject, 2);
    const params: unknown[] = [projectId, ...visible.params];
    const where = ['du.project_id = $1', visible.sql];
    if (q.filters.drawing_area_id !== undefined) where.push(`du.drawing_area_id = $${params.push(q.filters.drawing_area_id)}`);
    if (q.filters.status !== undefined) where.push(`${STATUS_SQL} = $${params.push(q.filters.status)}`);
    const { rows, total } = await plainPage<DrawingUploadRow>(this.db, { columns: COLUMNS, from: `${FROM} WHERE ${where.join(' AND ')}`, params, orderBy: `du.id ${q.sort.direction}` }, q);
    return Page.of(await this.views(this.db.manager, rows), total, q);
  }

  async get(subject: AccessSubject, projectId: number, id: number): Promise<Record<string, unknown>> {
    const visible = uploadVisibility(subject, 3);
    const [row]: DrawingUploadRow[] = await this.db.query(`SELECT ${COLUMNS} FROM ${FROM} WHERE du.id = $1 AND du.project_id = $2 AND ${visible.sql}`, [id, projectId, ...visible.params]);
    if (!row) throw AppError.notFound('Drawing upload');
    return (await this.views(this.db.manager, [row]))[0];
  }

  /** A drawing upload from the form's PDF (or one drawing upload of the caller's); processing starts with it. */
  async create(subject: AccessSubject, projectId: number, dto: CreateDrawingUploadDto, actor: Actor): Promise<Record<string, unknown>> {
    const uploads = dto.upload_ids ?? [];
    if (uploads.length !== 1) throw AppError.field('file', 'a drawing upload takes exactly one PDF: send it in the part `file`');
    return this.clock.transaction(subject.companyId, async (m) => {
      if (dto.drawing_area_id !== undefined) await this.catalog.assertIn(m, 'drawing_areas', projectId, dto.drawing_area_id, 'drawing_area_id');
      const [{ id }]: { id: number }[] = await m
        .query(`INSERT INTO drawing_uploads (company_id, project_id, upload_id, drawing_area_id, uploaded_by_id) VALUES ($1, $2, $3, $4, $5) RETURNING id`, [
          subject.companyId,
          projectId,
          uploads[0],
          dto.drawing_area_id ?? null,
          actor.userId,
        ])
        .catch((err: { code?: string }) => {
          if (err.code === '23505' || err.code === '23503') throw AppError.field('upload_ids', `${uploads[0]} is not a drawing upload of yours that is free to use`);
          throw err;
        });
      await this.attachments.attach(m, projectId, actor.userId!, uploads, 'drawing_upload', id, 'drawing');
      return this.written(m, subject.companyId, projectId, id, 'create', actor);
    });
  }

  /**
   * Publishes every sheet of a processed upload: numbers and titles as the
   * body confirms them (else as read), into the set named or a new one; each
   * becomes the next revision of the drawing with its number in the upload's
   * area (a new drawing for a new number). All or nothing: a sheet without a
   * number, two sheets with one number, an unknown sheet → 422, nothing published.
   */
  async publish(subject: AccessSubject, projectId: number, id: number, dto: PublishDrawingUploadDto, expected: number | undefined, actor: Actor): Promise<Record<string, unknown>> {
    if (dto.drawing_set_id !== undefined && dto.set_name !== undefined) {
      throw AppError.validation([{ field: 'set_name', message: 'send either drawing_set_id (an existing set) or set_name (a new one), not both' }]);
    }
    return this.clock.transaction(subject.companyId, async (m) => {
      const upload = await lockRowForEdit<DrawingUploadRow>(m, `SELECT ${COLUMNS} FROM ${FROM} WHERE du.id = $1 AND du.project_id = $2 FOR UPDATE OF du`, [id, projectId], 'Drawing upload', expected);
      if (upload.status !== 'awaiting_review') {
        const why = { processing: 'still processing: publish it once its sheets are read', failed: `failed processing (${upload.processing_error ?? 'unknown'}): upload the PDF again`, published: 'already published' };
        throw new AppError('invalid_transition', `Cannot publish drawing upload ${id}: it is ${why[upload.status as keyof typeof why]}.`, { from: upload.status, allowed: ['awaiting_review'] });
      }
      const sheets: SheetRow[] = await m.query(`SELECT ${SHEET_COLUMNS} FROM drawing_revisions WHERE drawing_upload_id = $1 ORDER BY page FOR UPDATE`, [id]);
      const final = this.confirmed(sheets, dto);
      const setId =
        dto.drawing_set_id !== undefined
          ? (await this.catalog.assertIn(m, 'drawing_sets', projectId, dto.drawing_set_id, 'drawing_set_id')).id
          : Number((await this.catalog.insert(m, 'drawing_sets', subject.companyId, projectId, dto.set_name ?? (await this.freeSetName(m, projectId, upload.file_name)), actor)).id);
      for (const sheet of sheets) {
        const { number, title } = final.get(sheet.id)!;
        const [existing]: { id: number }[] = await m.query(
          'SELECT id FROM drawings WHERE project_id = $1 AND coalesce(drawing_area_id, 0) = coalesce($2::int, 0) AND upper(number) = upper($3) FOR UPDATE',
          [projectId, upload.drawing_area_id, number],
        );
        const drawingId =
          existing?.id ??
          ((await m.query('INSERT INTO drawings (company_id, project_id, drawing_area_id, number, title) VALUES ($1, $2, $3, $4, $5) RETURNING id', [subject.companyId, projectId, upload.drawing_area_id, number, title])) as { id: number }[])[0].id;
        if (existing) await m.query('UPDATE drawings SET title = $2, version = version + 1, updated_at = sim_now() WHERE id = $1', [drawingId, title]);
        await m.query(
          `UPDATE drawing_revisions SET number = $2, title = $3, status = 'published', drawing_id = $4, drawing_set_id = $5, published_at = sim_now(), published_by_id = $6,
                  revision_number = (SELECT coalesce(max(revision_number), 0) + 1 FROM drawing_revisions WHERE drawing_id = $4), version = version + 1, updated_at = sim_now()
            WHERE id = $1`,
          [sheet.id, number, title, drawingId, setId, actor.userId],
        );
        const [revision]: RevisionRow[] = await m.query(`SELECT ${REVISION_COLUMNS} FROM ${REVISION_FROM} WHERE r.id = $1`, [sheet.id]);
        await this.changes.record(m, { companyId: subject.companyId, projectId, resource: 'Drawing Revisions', resourceId: sheet.id, eventType: 'create', version: revision.version, snapshot: mapRevision(revision), actor });
        await this.drawings.recordDrawing(m, subject.companyId, projectId, drawingId, existing ? 'update' : 'create', actor);
      }
      await m.query('UPDATE drawing_uploads SET drawing_set_id = $2, published_at = sim_now(), published_by_id = $3, version = version + 1, updated_at = sim_now() WHERE id = $1', [id, setId, actor.userId]);
      return this.written(m, subject.companyId, projectId, id, 'update', actor);
    });
  }

  /** Each sheet's number and title as published: the body's, else as read; 422 listing every sheet at fault. */
  private confirmed(sheets: SheetRow[], dto: PublishDrawingUploadDto): Map<number, { number: string; title: string }> {
    const errors: FieldError[] = [];
    const byId = new Map(sheets.map((s) => [s.id, s]));
    const given = new Map<number, { number?: string; title?: string }>();
    for (const [i, s] of (dto.sheets ?? []).entries()) {
      if (!byId.has(s.id)) errors.push({ field: `sheets[${i}].id`, message: `${s.id} is not a sheet of this upload (its sheets: ${sheets.map((x) => x.id).join(', ')})` });
      else if (given.has(s.id)) errors.push({ field: `sheets[${i}].id`, message: `sheet ${s.id} is listed twice` });
      else given.set(s.id, s);
    }
    const final = new Map<number, { number: string; title: string }>();
    const seen = new Map<string, number>();
    for (const s of sheets) {
      const number = (given.get(s.id)?.number ?? s.detected_number)?.trim();
      if (!number) {
        errors.push({ field: 'sheets', message: `sheet ${s.id} (page ${s.page}) has no number read from its page: give one in sheets[] as {"id": ${s.id}, "number": "…"}` });
        continue;
      }
      const key = number.toUpperCase();
      if (seen.has(key)) errors.push({ field: 'sheets', message: `pages ${seen.get(key)} and ${s.page} would both be ${number}: give one of them another number` });
      seen.set(key, s.page);
      final.set(s.id, { number, title: (given.get(s.id)?.title ?? s.detected_title ?? number).trim() });
    }
    if (errors.length) throw AppError.validation(errors.slice(0, 50), `The sheets cannot be published: ${errors[0].message}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}.`);
    return final;
  }

  /** A new set's name from the file (`Level 2 plans.pdf` → `Level 2 plans`), numbered when the project has one of that name. */
  private async freeSetName(m: EntityManager, projectId: number, fileName: string): Promise<string> {
    const base = path.parse(fileName).name.slice(0, 240) || 'Drawings';
    const taken: { name: string }[] = await m.query('SELECT lower(name) AS name FROM drawing_sets WHERE project_id = $1', [projectId]);
    const names = new Set(taken.map((t) => t.name));
    let name = base;
    for (let n = 2; names.has(name.toLowerCase()); n++) name = `${base} (${n})`;
    return name;
  }

  /** The processed PDF's pages, each a sheet waiting for review (a retry finds them there). */
  private async keepSheets(m: EntityManager, upload: Upload, sheets: SheetFacts[]): Promise<void> {
    const [du]: { id: number; project_id: number }[] = await m.query('SELECT id, project_id FROM drawing_uploads WHERE upload_id = $1 FOR UPDATE', [upload.id]);
    if (!du) return;
    for (const s of sheets) {
      await m.query(
        `INSERT INTO drawing_revisions (company_id, project_id, drawing_upload_id, page, width, height, detected_number, detected_title, status, preview, preview_width, preview_height)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'awaiting_review', $9, $10, $11) ON CONFLICT (drawing_upload_id, page) DO NOTHING`,
        [upload.companyId, du.project_id, du.id, s.page, s.width, s.height, s.number, s.title?.slice(0, 255) ?? null, s.preview.content, s.preview.width, s.preview.height],
      );
    }
    await m.query('UPDATE drawing_uploads SET version = version + 1, updated_at = sim_now() WHERE id = $1', [du.id]);
    await this.written(m, upload.companyId, du.project_id, du.id, 'update', null);
  }

  /** The PDF of a drawing upload: for reviewers and its uploader, and for every viewer once it is published. */
  private async canSeeFile(subject: AccessSubject, projectId: number, id: number): Promise<boolean> {
    const [row]: { uploaded_by_id: number | null; published_at: Date | null }[] = await this.db.query('SELECT uploaded_by_id, published_at FROM drawing_uploads WHERE id = $1 AND project_id = $2', [id, projectId]);
    return !!row && (row.published_at !== null || row.uploaded_by_id === subject.userId || reviewsDrawings(subject));
  }

  private async views(m: Pick<EntityManager, 'query'>, rows: DrawingUploadRow[]): Promise<Record<string, unknown>[]> {
    if (!rows.length) return [];
    const sheets: SheetRow[] = await m.query(
      `SELECT ${SHEET_COLUMNS} FROM drawing_revisions WHERE drawing_upload_id = ANY($1::int[]) ORDER BY page`,
      [rows.map((r) => r.id)],
    );
    return rows.map((r) => mapUpload(r, sheets.filter((s) => s.drawing_upload_id === r.id)));
  }

  private async written(m: EntityManager, companyId: number, projectId: number, id: number, eventType: 'create' | 'update', actor: Actor | null): Promise<Record<string, unknown>> {
    const [row]: DrawingUploadRow[] = await m.query(`SELECT ${COLUMNS} FROM ${FROM} WHERE du.id = $1`, [id]);
    const [view] = await this.views(m, [row]);
    await this.changes.record(m, { companyId, projectId, resource: 'Drawing Uploads', resourceId: id, eventType, version: row.version, snapshot: view, actor });
    return view;
  }
}
