import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ChangeLog } from '../changes/change-log.service';
import { AppError, FieldError } from '../common/errors';
import type { Actor } from '../common/http/request-helpers';
import { lockRowForEdit } from '../database/versioning';
import type { AccessSubject } from '../permissions/access-subject';
import { decide, refusalError } from '../permissions/resolver';
import { SandboxClock } from '../sandboxes/sandbox-clock';
import { AttachmentsService } from '../uploads/attachments.service';
import { DrawingsService, RevisionRow } from './drawings.service';
import { parseShapes, Shape } from './markup-shapes';

export const MARKUP_LAYERS = ['personal', 'published'] as const;
export type MarkupLayer = (typeof MARKUP_LAYERS)[number];
/** RFIs one markup may point to. */
export const MAX_RFI_LINKS = 50;

export interface MarkupRow {
  id: number;
  project_id: number;
  drawing_revision_id: number;
  layer: MarkupLayer;
  shapes: Shape[];
  rfi_ids: number[];
  created_by_id: number | null;
  published_at: Date | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'k.id, k.project_id, k.drawing_revision_id, k.layer, k.shapes, k.rfi_ids, k.created_by_id, k.published_at, k.version, k.created_at, k.updated_at';

export function mapMarkup(r: MarkupRow): Record<string, unknown> {
  return { ...r, published_at: r.published_at?.toISOString() ?? null, created_at: r.created_at.toISOString(), updated_at: r.updated_at.toISOString() };
}

/** The markups a viewer sees, as SQL on `k`: the published layer, and their own personal one. */
export const markupVisibility = (first: number) => `(k.layer = 'published' OR k.created_by_id = $${first})`;

interface MarkupInput {
  layer?: MarkupLayer;
  shapes?: unknown;
  rfi_ids?: number[];
}

const FIELDS = new Set(['layer', 'shapes', 'rfi_ids', 'version']);

/** A markup's body: known fields only, each of its type; `layer` and `shapes` required on create. */
function parseInput(body: unknown, create: boolean): MarkupInput {
  const errors: FieldError[] = [];
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw AppError.validation([{ field: '(body)', message: 'must be a JSON object' }]);
  const b = body as Record<string, unknown>;
  for (const key of Object.keys(b)) if (!FIELDS.has(key)) errors.push({ field: key, message: 'is not a field of a markup (layer, shapes, rfi_ids, version)' });
  if (b.layer === undefined ? create : !(MARKUP_LAYERS as readonly unknown[]).includes(b.layer)) errors.push({ field: 'layer', message: 'must be personal or published' });
  if (create && b.shapes === undefined) errors.push({ field: 'shapes', message: 'is required: at least one shape' });
  if (b.rfi_ids !== undefined) {
    const ids = b.rfi_ids;
    if (!Array.isArray(ids) || ids.length > MAX_RFI_LINKS || !ids.every((i) => Number.isInteger(i) && i >= 1 && i <= 2_147_483_647)) {
      errors.push({ field: 'rfi_ids', message: `must be a list of at most ${MAX_RFI_LINKS} RFI ids` });
    }
  }
  if (b.version !== undefined && !(Number.isInteger(b.version) && (b.version as number) >= 1)) errors.push({ field: 'version', message: 'must be an integer of at least 1' });
  if (errors.length) throw AppError.validation(errors);
  return { layer: b.layer as MarkupLayer | undefined, shapes: b.shapes, rfi_ids: b.rfi_ids === undefined ? undefined : [...new Set(b.rfi_ids as number[])] };
}

/**
 * Markups on a drawing revision. They load on their own, after the sheet: a
 * personal one is seen only by its author, a published one by everyone who
 * sees the revision. Anyone who sees the drawing marks up their own layer;
 * publishing takes Standard. Only its author edits a markup; deleting follows
 * the matrix (Admins, others their own).
 */
@Injectable()
export class MarkupsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: SandboxClock,
    private readonly changes: ChangeLog,
    private readonly drawings: DrawingsService,
    private readonly attachments: AttachmentsService,
  ) {}

  async list(subject: AccessSubject, projectId: number, revisionId: number): Promise<Record<string, unknown>[]> {
    await this.drawings.visibleRevision(subject, projectId, revisionId);
    const rows: MarkupRow[] = await this.db.query(`SELECT ${COLUMNS} FROM drawing_markups k WHERE k.drawing_revision_id = $1 AND ${markupVisibility(2)} ORDER BY k.id`, [revisionId, subject.userId]);
    return rows.map(mapMarkup);
  }

  async get(subject: AccessSubject, projectId: number, revisionId: number, id: number): Promise<Record<string, unknown>> {
    await this.drawings.visibleRevision(subject, projectId, revisionId);
    return mapMarkup(await this.visibleRow(subject, revisionId, id));
  }

  /** A markup the subject sees on this revision (404 otherwise: another's personal markup is not there for them). */
  async visibleRow(subject: AccessSubject, revisionId: number | null, id: number): Promise<MarkupRow> {
    const [row]: MarkupRow[] = await this.db.query(
      `SELECT ${COLUMNS} FROM drawing_markups k WHERE k.id = $1 AND ($2::int IS NULL OR k.drawing_revision_id = $2) AND ${markupVisibility(3)}`,
      [id, revisionId, subject.userId],
    );
    if (!row) throw AppError.notFound('Markup');
    return row;
  }

  async create(subject: AccessSubject, projectId: number, revisionId: number, body: unknown, actor: Actor): Promise<Record<string, unknown>> {
    const input = parseInput(body, true);
    return this.clock.transaction(subject.companyId, async (m) => {
      const revision = await this.drawings.visibleRevision(subject, projectId, revisionId, m);
      const shapes = this.shapesFor(input.shapes, revision);
      if (input.layer === 'published') this.assertMayPublish(subject);
      const rfis = await this.linkedRfis(subject, projectId, input.rfi_ids ?? []);
      const [row]: MarkupRow[] = await m.query(
        `INSERT INTO drawing_markups AS k (company_id, project_id, drawing_revision_id, layer, shapes, rfi_ids, created_by_id, published_at)
         VALUES ($1, $2, $3, $4::text, $5, $6, $7, CASE WHEN $4::text = 'published' THEN sim_now() END) RETURNING ${COLUMNS}`,
        [subject.companyId, projectId, revisionId, input.layer, JSON.stringify(shapes), rfis, actor.userId],
      );
      return this.written(m, subject.companyId, row, 'create', actor);
    });
  }

  async update(subject: AccessSubject, projectId: number, revisionId: number, id: number, body: unknown, expected: number | undefined, actor: Actor): Promise<Record<string, unknown>> {
    const input = parseInput(body, false);
    return this.clock.transaction(subject.companyId, async (m) => {
      const revision = await this.drawings.visibleRevision(subject, projectId, revisionId, m);
      const current = await this.lock(m, subject, revisionId, id, expected);
      if (current.created_by_id !== subject.userId) {
        throw new AppError('permission_denied', `Only its author edits markup #${id}; you may delete it if you are an Admin on Drawings.`, {
          action: 'drawings.markup_personal',
          layer: 'item_role',
          have: 'not its author',
          need: ['author'],
          item_id: id,
        });
      }
      const shapes = input.shapes === undefined ? current.shapes : this.shapesFor(input.shapes, revision);
      const layer = input.layer ?? current.layer;
      if (layer === 'published' && current.layer !== 'published') this.assertMayPublish(subject);
      const rfis = input.rfi_ids === undefined ? current.rfi_ids : await this.linkedRfis(subject, projectId, input.rfi_ids);
      const [[row]]: [MarkupRow[], number] = await m.query(
        `UPDATE drawing_markups k SET layer = $2::text, shapes = $3, rfi_ids = $4, published_at = CASE WHEN $2::text = 'published' THEN coalesce(k.published_at, sim_now()) END,
                version = version + 1, updated_at = sim_now() WHERE k.id = $1 RETURNING ${COLUMNS}`,
        [id, layer, JSON.stringify(shapes), rfis],
      );
      return this.written(m, subject.companyId, row, 'update', actor);
    });
  }

  async remove(subject: AccessSubject, projectId: number, revisionId: number, id: number, expected: number | undefined, actor: Actor): Promise<void> {
    await this.clock.transaction(subject.companyId, async (m) => {
      await this.drawings.visibleRevision(subject, projectId, revisionId, m);
      const current = await this.lock(m, subject, revisionId, id, expected);
      await m.query('DELETE FROM drawing_markups WHERE id = $1', [id]);
      await this.changes.record(m, { companyId: subject.companyId, projectId, resource: 'Markups', resourceId: id, eventType: 'delete', version: current.version + 1, snapshot: mapMarkup(current), actor });
    });
  }

  /** A markup the subject sees on this revision, locked for an edit at the version they read. */
  private lock(m: EntityManager, subject: AccessSubject, revisionId: number, id: number, expected: number | undefined): Promise<MarkupRow> {
    return lockRowForEdit<MarkupRow>(
      m,
      `SELECT ${COLUMNS} FROM drawing_markups k WHERE k.id = $1 AND k.drawing_revision_id = $2 AND ${markupVisibility(3)} FOR UPDATE`,
      [id, revisionId, subject.userId],
      'Markup',
      expected,
    );
  }

  private shapesFor(raw: unknown, revision: RevisionRow): Shape[] {
    const { shapes, errors } = parseShapes(raw, revision);
    if (errors.length) throw AppError.validation(errors, `The shapes are not valid: ${errors[0].field} ${errors[0].message}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}.`);
    return shapes;
  }

  /** The published layer takes Standard on Drawings (markup_publish): the refusal names what the caller has. */
  private assertMayPublish(subject: AccessSubject): void {
    const d = decide('drawings.markup_publish', subject);
    if (d.denial) throw refusalError(d.denial, 'drawings.markup_publish');
  }

  /** RFIs of this project the author sees; 422 naming the others. */
  private async linkedRfis(subject: AccessSubject, projectId: number, ids: number[]): Promise<number[]> {
    if (!ids.length) return [];
    const rfi = this.attachments.target('rfi');
    const d = decide(rfi.viewAction, subject);
    const unseen: number[] = [];
    for (const id of ids) if (d.denial || !(await rfi.canView(subject, projectId, id))) unseen.push(id);
    if (unseen.length) throw AppError.field('rfi_ids', `${unseen.join(', ')} ${unseen.length === 1 ? 'is not an RFI' : 'are not RFIs'} of this project that you may see`);
    return ids;
  }

  private async written(m: EntityManager, companyId: number, row: MarkupRow, eventType: 'create' | 'update', actor: Actor): Promise<Record<string, unknown>> {
    const view = mapMarkup(row);
    await this.changes.record(m, { companyId, projectId: row.project_id, resource: 'Markups', resourceId: row.id, eventType, version: row.version, snapshot: view, actor });
    return view;
  }
}
