import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ChangeLog } from '../changes/change-log.service';
import { AppError } from '../common/errors';
import type { Actor } from '../common/http/request-helpers';
import { ListQuery, ListSpec, Page, plainPage } from '../common/pagination';
import { lockRowForEdit } from '../database/versioning';
import type { AccessSubject } from '../permissions/access-subject';
import { decide } from '../permissions/resolver';
import { SandboxClock } from '../sandboxes/sandbox-clock';

export const DRAWING_LIST: ListSpec<'drawing_area_id' | 'number', 'id' | 'number'> = {
  filters: { drawing_area_id: { kind: 'int' }, number: { kind: 'string', maxLength: 64 } },
  sorts: ['id', 'number'],
  defaultSort: 'number',
};
export const REVISION_LIST: ListSpec<'drawing_id' | 'drawing_upload_id' | 'drawing_set_id' | 'status', 'id'> = {
  filters: { drawing_id: { kind: 'int' }, drawing_upload_id: { kind: 'int' }, drawing_set_id: { kind: 'int' }, status: { kind: 'enum', values: ['awaiting_review', 'published'] } },
  sorts: ['id'],
  defaultSort: 'id',
};
type DrawingListQuery = ListQuery<keyof typeof DRAWING_LIST.filters, 'id' | 'number'>;
type RevisionListQuery = ListQuery<keyof typeof REVISION_LIST.filters, 'id'>;

export interface RevisionRow {
  id: number;
  project_id: number;
  drawing_id: number | null;
  drawing_upload_id: number;
  upload_id: number;
  page: number;
  number: string | null;
  title: string | null;
  detected_number: string | null;
  detected_title: string | null;
  revision_number: number | null;
  status: 'awaiting_review' | 'published';
  width: number;
  height: number;
  drawing_area_id: number | null;
  area_name: string | null;
  drawing_set_id: number | null;
  set_name: string | null;
  current: boolean;
  created_by_id: number | null;
  published_at: Date | null;
  published_by_id: number | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export const REVISION_COLUMNS = `r.id, r.project_id, r.drawing_id, r.drawing_upload_id, du.upload_id, r.page, r.number, r.title, r.detected_number, r.detected_title,
  r.revision_number, r.status, r.width, r.height, du.drawing_area_id, da.name AS area_name, r.drawing_set_id, ds.name AS set_name,
  coalesce(r.status = 'published' AND r.revision_number = (SELECT max(x.revision_number) FROM drawing_revisions x WHERE x.drawing_id = r.drawing_id), false) AS current,
  du.uploaded_by_id AS created_by_id, r.published_at, r.published_by_id, r.version, r.created_at, r.updated_at`;
export const REVISION_FROM = `drawing_revisions r JOIN drawing_uploads du ON du.id = r.drawing_upload_id
  LEFT JOIN drawing_areas da ON da.id = du.drawing_area_id LEFT JOIN drawing_sets ds ON ds.id = r.drawing_set_id`;

interface DrawingRow {
  id: number;
  project_id: number;
  drawing_area_id: number | null;
  area_name: string | null;
  number: string;
  title: string;
  revisions_count: number;
  cr_id: number;
  cr_number: number;
  cr_set_id: number | null;
  cr_set_name: string | null;
  cr_published_at: Date;
  version: number;
  created_at: Date;
  updated_at: Date;
}

const DRAWING_COLUMNS = `d.id, d.project_id, d.drawing_area_id, da.name AS area_name, d.number, d.title, d.version, d.created_at, d.updated_at,
  (SELECT count(*) FROM drawing_revisions x WHERE x.drawing_id = d.id)::int AS revisions_count,
  cr.id AS cr_id, cr.revision_number AS cr_number, cr.drawing_set_id AS cr_set_id, cs.name AS cr_set_name, cr.published_at AS cr_published_at`;
const DRAWING_FROM = `drawings d LEFT JOIN drawing_areas da ON da.id = d.drawing_area_id
  JOIN LATERAL (SELECT x.* FROM drawing_revisions x WHERE x.drawing_id = d.id ORDER BY x.revision_number DESC LIMIT 1) cr ON true
  LEFT JOIN drawing_sets cs ON cs.id = cr.drawing_set_id`;

/** An area or set as an item names it. */
export const ref = (id: number | null, name: string | null) => (id === null ? null : { id, name: name ?? '' });
const iso = (d: Date | null) => d?.toISOString() ?? null;
export const revisionBase = (projectId: number, id: number) => `/rest/v1.0/projects/${projectId}/drawing_revisions/${id}`;

export function mapRevision(r: RevisionRow): Record<string, unknown> {
  const base = revisionBase(r.project_id, r.id);
  return {
    id: r.id,
    project_id: r.project_id,
    drawing_id: r.drawing_id,
    drawing_upload_id: r.drawing_upload_id,
    drawing_area: ref(r.drawing_area_id, r.area_name),
    drawing_set: ref(r.drawing_set_id, r.set_name),
    page: r.page,
    number: r.number ?? r.detected_number,
    title: r.title ?? r.detected_title,
    revision_number: r.revision_number,
    status: r.status,
    current: r.current,
    width: r.width,
    height: r.height,
    preview_url: `${base}/preview`,
    file_url: `/rest/v1.0/projects/${r.project_id}/uploads/${r.upload_id}/content`,
    markups_url: `${base}/markups`,
    published_at: iso(r.published_at),
    published_by_id: r.published_by_id,
    version: r.version,
    created_at: r.created_at.toISOString(),
    updated_at: r.updated_at.toISOString(),
  };
}

function mapDrawing(r: DrawingRow): Record<string, unknown> {
  return {
    id: r.id,
    project_id: r.project_id,
    drawing_area: ref(r.drawing_area_id, r.area_name),
    number: r.number,
    title: r.title,
    revisions_count: r.revisions_count,
    current_revision: {
      id: r.cr_id,
      revision_number: r.cr_number,
      drawing_set: ref(r.cr_set_id, r.cr_set_name),
      published_at: r.cr_published_at.toISOString(),
      preview_url: `${revisionBase(r.project_id, r.cr_id)}/preview`,
    },
    version: r.version,
    created_at: r.created_at.toISOString(),
    updated_at: r.updated_at.toISOString(),
  };
}

/** Admins on Drawings and holders of upload_and_review_drawings: they see revisions that wait for review. */
export function reviewsDrawings(subject: AccessSubject): boolean {
  return decide('drawings.review_upload', subject).outcome === 'allowed';
}

/** The revisions a viewer sees, as SQL on `r`: published ones; those waiting for review too for reviewers. */
export function revisionVisibility(subject: AccessSubject): string {
  return reviewsDrawings(subject) ? 'TRUE' : `r.status = 'published'`;
}

/**
 * Drawings and their revisions as viewers see them: a drawing is a sheet
 * number in an area, its revisions the sheets published under that number,
 * the newest the current one; revisions still waiting for review are seen
 * only by Admins and reviewers (404 for others, as if not there).
 */
@Injectable()
export class DrawingsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: SandboxClock,
    private readonly changes: ChangeLog,
  ) {}

  async list(projectId: number, q: DrawingListQuery): Promise<Page<Record<string, unknown>>> {
    const params: unknown[] = [projectId];
    const where = ['d.project_id = $1'];
    if (q.filters.drawing_area_id !== undefined) where.push(`d.drawing_area_id = $${params.push(q.filters.drawing_area_id)}`);
    if (q.filters.number !== undefined) where.push(`upper(d.number) = upper($${params.push(q.filters.number)})`);
    const order = q.sort.field === 'number' ? `upper(d.number) ${q.sort.direction}, d.id` : `d.id ${q.sort.direction}`;
    const { rows, total } = await plainPage<DrawingRow>(this.db, { columns: DRAWING_COLUMNS, from: `${DRAWING_FROM} WHERE ${where.join(' AND ')}`, params, orderBy: order }, q);
    return Page.of(rows.map(mapDrawing), total, q);
  }

  async get(projectId: number, id: number, m: Pick<EntityManager, 'query'> = this.db.manager): Promise<Record<string, unknown>> {
    const [row]: DrawingRow[] = await m.query(`SELECT ${DRAWING_COLUMNS} FROM ${DRAWING_FROM} WHERE d.id = $1 AND d.project_id = $2`, [id, projectId]);
    if (!row) throw AppError.notFound('Drawing');
    return mapDrawing(row);
  }

  async revisions(subject: AccessSubject, projectId: number, q: RevisionListQuery): Promise<Page<Record<string, unknown>>> {
    const params: unknown[] = [projectId];
    const where = ['r.project_id = $1', revisionVisibility(subject)];
    for (const key of ['drawing_id', 'drawing_upload_id', 'drawing_set_id', 'status'] as const) {
      if (q.filters[key] !== undefined) where.push(`r.${key} = $${params.push(q.filters[key])}`);
    }
    const { rows, total } = await plainPage<RevisionRow>(
      this.db,
      { columns: REVISION_COLUMNS, from: `${REVISION_FROM} WHERE ${where.join(' AND ')}`, params, orderBy: `r.id ${q.sort.direction}` },
      q,
    );
    return Page.of(rows.map(mapRevision), total, q);
  }

  async revision(subject: AccessSubject, projectId: number, id: number): Promise<Record<string, unknown>> {
    return mapRevision(await this.visibleRevision(subject, projectId, id));
  }

  /** A revision the viewer may see (404 otherwise: one waiting for review is not there for them). */
  async visibleRevision(subject: AccessSubject, projectId: number, id: number, m: Pick<EntityManager, 'query'> = this.db.manager): Promise<RevisionRow> {
    const [row]: RevisionRow[] = await m.query(`SELECT ${REVISION_COLUMNS} FROM ${REVISION_FROM} WHERE r.id = $1 AND r.project_id = $2 AND ${revisionVisibility(subject)}`, [id, projectId]);
    if (!row) throw AppError.notFound('Drawing revision');
    return row;
  }

  async preview(subject: AccessSubject, projectId: number, id: number): Promise<Buffer> {
    await this.visibleRevision(subject, projectId, id);
    const [row]: { preview: Buffer }[] = await this.db.query('SELECT preview FROM drawing_revisions WHERE id = $1', [id]);
    if (!row) throw AppError.notFound('Drawing revision');
    return row.preview;
  }

  /**
   * Deletes a revision with its markups; its drawing's newest remaining
   * revision becomes current, and a drawing left without one goes too.
   */
  async removeRevision(subject: AccessSubject, projectId: number, id: number, expected: number | undefined, actor: Actor): Promise<void> {
    await this.clock.transaction(subject.companyId, async (m) => {
      const current = await lockRowForEdit<RevisionRow>(
        m,
        `SELECT ${REVISION_COLUMNS} FROM ${REVISION_FROM} WHERE r.id = $1 AND r.project_id = $2 FOR UPDATE OF r`,
        [id, projectId],
        'Drawing revision',
        expected,
      );
      const drawing = current.drawing_id === null ? null : await this.get(projectId, current.drawing_id, m);
      if (current.drawing_id !== null) await m.query('SELECT 1 FROM drawings WHERE id = $1 FOR UPDATE', [current.drawing_id]);
      await m.query('DELETE FROM drawing_revisions WHERE id = $1', [id]);
      const base = { companyId: subject.companyId, projectId, actor };
      await this.changes.record(m, { ...base, resource: 'Drawing Revisions', resourceId: id, eventType: 'delete', version: current.version + 1, snapshot: mapRevision(current) });
      if (!drawing) return;
      const [left]: { title: string | null; number: string | null }[] = await m.query(
        'SELECT title, number FROM drawing_revisions WHERE drawing_id = $1 ORDER BY revision_number DESC LIMIT 1',
        [current.drawing_id],
      );
      if (!left) {
        await m.query('DELETE FROM drawings WHERE id = $1', [current.drawing_id]);
        await this.changes.record(m, { ...base, resource: 'Drawings', resourceId: current.drawing_id!, eventType: 'delete', version: Number(drawing.version) + 1, snapshot: drawing });
        return;
      }
      await m.query('UPDATE drawings SET title = $2, version = version + 1, updated_at = sim_now() WHERE id = $1', [current.drawing_id, left.title ?? left.number]);
      await this.recordDrawing(m, subject.companyId, projectId, current.drawing_id!, 'update', actor);
    });
  }

  /** A drawing's change as it now is (after a publication or a deleted revision). */
  async recordDrawing(m: EntityManager, companyId: number, projectId: number, id: number, eventType: 'create' | 'update', actor: Actor): Promise<void> {
    const view = await this.get(projectId, id, m);
    await this.changes.record(m, { companyId, projectId, resource: 'Drawings', resourceId: id, eventType, version: Number(view.version), snapshot: view, actor });
  }
}
