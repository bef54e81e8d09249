import { Injectable, OnModuleInit } from '@nestjs/common';
import { CauseDetector, CauseRegistry, DiagnoseContext, Finding } from '../diagnose/causes';
import { recency, userRef } from '../diagnose/evidence';
import { AccessService } from '../permissions/access.service';
import { decide } from '../permissions/resolver';

type Found = Omit<Finding, 'cause'>;

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

interface PersonalRow {
  revision_id: number;
  drawing_id: number | null;
  number: string | null;
  revision_number: number | null;
  author_id: number;
  markups: number;
  markup_ids: number[];
  latest: Date;
}

/**
 * Notes someone drew on their personal layer: only they see them, so to
 * everyone else the sheet loads without its notes. Asked by the author, the
 * answer is the same from the other side: nobody else sees what they drew.
 */
@Injectable()
export class MarkupLayerPersonalCause implements CauseDetector {
  readonly cause = 'markup_layer_personal' as const;
  readonly symptoms = ['not_visible', 'not_loading'] as const;

  constructor(private readonly access: AccessService) {}

  async detect(ctx: DiagnoseContext): Promise<Found[]> {
    if (ctx.projectId === null || (ctx.tool !== null && ctx.tool !== 'drawings')) return [];
    const rows: PersonalRow[] = await ctx.db.query(
      `SELECT r.id AS revision_id, r.drawing_id, coalesce(r.number, r.detected_number) AS number, r.revision_number, k.created_by_id AS author_id,
              count(*)::int AS markups, array_agg(k.id ORDER BY k.id) AS markup_ids, max(k.updated_at) AS latest
         FROM drawing_markups k JOIN drawing_revisions r ON r.id = k.drawing_revision_id
        WHERE k.project_id = $1 AND k.layer = 'personal' AND k.created_by_id IS NOT NULL AND k.updated_at >= $2
          AND ($3::int IS NULL OR r.id = $3 OR r.drawing_id = $3)
        GROUP BY r.id, k.created_by_id ORDER BY max(k.updated_at) DESC LIMIT 10`,
      [ctx.projectId, ctx.since, ctx.itemId],
    );
    const out: Found[] = [];
    for (const r of rows) {
      const mine = ctx.userId === r.author_id;
      const author = await userRef(ctx.db, r.author_id);
      const sheet = `${r.number ?? `revision ${r.revision_id}`}${r.revision_number ? ` (revision ${r.revision_number})` : ''}`;
      const url = `/rest/v1.0/projects/${ctx.projectId}/drawing_revisions/${r.revision_id}/markups`;
      const publishing = decide('drawings.markup_publish', await this.access.subject(r.author_id, ctx.companyId, ctx.projectId, null));
      out.push({
        tool: 'drawings',
        item: { id: r.revision_id, type: 'drawing_revision' },
        user: author,
        evidence: {
          drawing_revision: { id: r.revision_id, drawing_id: r.drawing_id, number: r.number, revision_number: r.revision_number },
          personal_markups: r.markups,
          markup_ids: r.markup_ids,
          author: author,
          author_may_publish: !publishing.denial,
          last_drawn_at: r.latest.toISOString(),
          visible_to: 'its author only',
        },
        fix: [
          mine
            ? `Your ${plural(r.markups, 'markup')} on ${sheet} are on your personal layer: nobody else sees them. Publish each: PATCH ${url}/{id} {"layer": "published"}.`
            : `${author?.name ?? 'Their author'} drew ${plural(r.markups, 'markup')} on ${sheet} on a personal layer, which only the author sees: they publish them with PATCH ${url}/{id} {"layer": "published"}.`,
          ...(publishing.denial ? [`${author?.name ?? 'The author'} may not publish (${publishing.denial.message}): an Admin raises their level on Drawings to Standard, or a Standard user redraws the notes on the published layer.`] : []),
        ],
        weight: (ctx.itemId !== null ? 90 : 80) + (mine ? 0 : 4) + 5 * recency(r.latest, ctx),
      });
    }
    return out;
  }
}

interface PendingRow {
  upload_id: number;
  file_name: string;
  processing_status: string;
  published: boolean;
  uploaded_by_id: number | null;
  created_at: Date;
  sheets: number;
  markups: number;
  numbers: (string | null)[];
}

interface SupersededRow {
  drawing_id: number;
  number: string;
  old_revision_id: number;
  old_revision_number: number;
  current_revision_id: number;
  current_revision_number: number;
  markups: number;
}

/**
 * Notes on sheets others cannot see yet: a drawing upload still processing,
 * or processed and waiting for a reviewer to publish it (its revisions, and
 * every note on them, are seen only by Admins and reviewers); or notes left on
 * a revision a newer one has replaced (markups stay on the revision they were
 * drawn on).
 */
@Injectable()
export class MarkupsNotPublishedCause implements CauseDetector {
  readonly cause = 'markups_not_published' as const;
  readonly symptoms = ['not_visible', 'not_loading', 'not_updating'] as const;

  async detect(ctx: DiagnoseContext): Promise<Found[]> {
    if (ctx.projectId === null || (ctx.tool !== null && ctx.tool !== 'drawings')) return [];
    const pending: PendingRow[] = await ctx.db.query(
      `SELECT du.id AS upload_id, u.file_name, u.processing_status, du.published_at IS NOT NULL AS published, du.uploaded_by_id, du.created_at,
              (SELECT count(*) FROM drawing_revisions r WHERE r.drawing_upload_id = du.id)::int AS sheets,
              (SELECT count(*) FROM drawing_markups k JOIN drawing_revisions r ON r.id = k.drawing_revision_id WHERE r.drawing_upload_id = du.id)::int AS markups,
              (SELECT coalesce(array_agg(coalesce(r.number, r.detected_number) ORDER BY r.page), '{}') FROM drawing_revisions r WHERE r.drawing_upload_id = du.id) AS numbers
         FROM drawing_uploads du JOIN uploads u ON u.id = du.upload_id
        WHERE du.project_id = $1 AND du.published_at IS NULL AND u.processing_status <> 'failed' AND du.updated_at >= $2
        ORDER BY du.id DESC LIMIT 10`,
      [ctx.projectId, ctx.since],
    );
    const out: Found[] = [];
    for (const p of pending) {
      const processing = p.processing_status !== 'ready';
      const uploader = await userRef(ctx.db, p.uploaded_by_id);
      const publish = `POST /rest/v1.0/projects/${ctx.projectId}/drawing_uploads/${p.upload_id}/actions/publish`;
      out.push({
        tool: 'drawings',
        item: { id: p.upload_id, type: 'drawing_upload' },
        user: uploader,
        evidence: {
          drawing_upload: { id: p.upload_id, file_name: p.file_name, status: processing ? 'processing' : 'awaiting_review', processing_status: p.processing_status },
          sheets: p.sheets,
          sheet_numbers: p.numbers,
          markups_on_its_sheets: p.markups,
          visible_to: 'Admins on Drawings and reviewers (upload_and_review_drawings), until it is published',
          uploaded_at: p.created_at.toISOString(),
        },
        fix: processing
          ? [
              `The base sheets of ${p.file_name} are still processing (uploads.process-attachment): wait for the job, POST /_sim/settle?project_id=${ctx.projectId}.`,
              `Then a reviewer publishes them: ${publish}; until then nobody else sees the sheets or the notes on them.`,
            ]
          : [
              `${plural(p.sheets, 'sheet')} of ${p.file_name}${p.markups ? `, with ${plural(p.markups, 'markup')},` : ''} wait for review: an Admin on Drawings or a holder of upload_and_review_drawings publishes them: ${publish}.`,
            ],
        weight: (p.markups > 0 ? 88 : 70) + 5 * recency(p.created_at, ctx),
      });
    }
    const superseded: SupersededRow[] = await ctx.db.query(
      `SELECT d.id AS drawing_id, d.number, o.id AS old_revision_id, o.revision_number AS old_revision_number, c.id AS current_revision_id, c.revision_number AS current_revision_number,
              count(k.id)::int AS markups
         FROM drawings d
         JOIN LATERAL (SELECT x.id, x.revision_number FROM drawing_revisions x WHERE x.drawing_id = d.id ORDER BY x.revision_number DESC LIMIT 1) c ON true
         JOIN drawing_revisions o ON o.drawing_id = d.id AND o.revision_number < c.revision_number
         JOIN drawing_markups k ON k.drawing_revision_id = o.id AND k.layer = 'published'
        WHERE d.project_id = $1 AND ($2::int IS NULL OR d.id = $2 OR c.id = $2)
          AND NOT EXISTS (SELECT 1 FROM drawing_markups n WHERE n.drawing_revision_id = c.id AND n.layer = 'published')
        GROUP BY d.id, o.id, c.id, c.revision_number ORDER BY d.id LIMIT 10`,
      [ctx.projectId, ctx.itemId],
    );
    for (const s of superseded) {
      out.push({
        tool: 'drawings',
        item: { id: s.drawing_id, type: 'drawing' },
        user: null,
        evidence: {
          drawing: { id: s.drawing_id, number: s.number },
          current_revision: { id: s.current_revision_id, revision_number: s.current_revision_number, published_markups: 0 },
          notes_on: { id: s.old_revision_id, revision_number: s.old_revision_number, published_markups: s.markups },
        },
        fix: [
          `The ${plural(s.markups, 'note')} of ${s.number} are on revision ${s.old_revision_number}; the current revision ${s.current_revision_number} has none (markups stay on the revision they were drawn on). Open revision ${s.old_revision_number} (GET .../drawing_revisions/${s.old_revision_id}/markups), or redraw the notes on the current one.`,
        ],
        weight: 66,
      });
    }
    return out;
  }
}

@Injectable()
export class DrawingCauses implements OnModuleInit {
  constructor(
    private readonly registry: CauseRegistry,
    private readonly personal: MarkupLayerPersonalCause,
    private readonly notPublished: MarkupsNotPublishedCause,
  ) {}

  onModuleInit(): void {
    this.registry.register(this.personal, this.notPublished);
  }
}
