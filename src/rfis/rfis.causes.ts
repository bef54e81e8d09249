import { Injectable, OnModuleInit } from '@nestjs/common';
import { CauseDetector, CauseRegistry, DiagnoseContext, Finding } from '../diagnose/causes';
import { userRef } from '../diagnose/evidence';
import { FilteredOutCause } from '../diagnose/filtered-out.cause';
import { rfiViewer, rfiVisibility } from './rfi-visibility';
import { filterClauses, RfiListQuery } from './rfis.service';

type Found = Omit<Finding, 'cause'>;

/** A reply saved as a draft: invisible to everyone but its author, and it moves nothing. */
@Injectable()
export class ResponseNotSubmittedCause implements CauseDetector {
  readonly cause = 'response_not_submitted' as const;
  readonly symptoms = ['not_updating', 'not_visible'] as const;

  async detect(ctx: DiagnoseContext): Promise<Found[]> {
    if (ctx.projectId === null || (ctx.tool !== null && ctx.tool !== 'rfis')) return [];
    const rows: { reply_id: number; rfi_id: number; number: number | null; subject: string; created_by_id: number; created_at: Date }[] = await ctx.db.query(
      `SELECT p.id AS reply_id, r.id AS rfi_id, r.number, r.subject, p.created_by_id, p.created_at
         FROM rfi_replies p JOIN rfis r ON r.id = p.rfi_id
        WHERE r.project_id = $1 AND p.draft AND r.status = 'open' AND ($2::int IS NULL OR r.id = $2)
        ORDER BY p.id DESC LIMIT 10`,
      [ctx.projectId, ctx.itemId],
    );
    const out: Found[] = [];
    for (const r of rows) {
      const author = await userRef(ctx.db, r.created_by_id);
      out.push({
        tool: 'rfis',
        item: { id: r.rfi_id, type: 'RFI' },
        user: author,
        evidence: { rfi: { id: r.rfi_id, number: r.number, subject: r.subject }, reply_id: r.reply_id, saved_as_draft_at: r.created_at.toISOString(), visible_to: 'its author only' },
        fix: [`${author?.name ?? 'The author'} submits the reply: PATCH /rest/v1.0/projects/${ctx.projectId}/rfis/${r.rfi_id}/replies/${r.reply_id} {"draft": false}`],
        weight: ctx.itemId === r.rfi_id ? 95 : 70,
      });
    }
    return out;
  }
}

/** An RFI still in draft, waiting for its RFI manager to open it (nobody else is in court). */
@Injectable()
export class ItemInDraftCause implements CauseDetector {
  readonly cause = 'item_in_draft' as const;
  readonly symptoms = ['not_visible', 'not_updating'] as const;

  async detect(ctx: DiagnoseContext): Promise<Found[]> {
    if (ctx.projectId === null || (ctx.tool !== null && ctx.tool !== 'rfis')) return [];
    const rows: { id: number; subject: string; created_by_id: number | null; rfi_manager_id: number | null; created_at: Date }[] = await ctx.db.query(
      `SELECT id, subject, created_by_id, rfi_manager_id, created_at FROM rfis
        WHERE project_id = $1 AND status = 'draft' AND ($2::int IS NULL OR id = $2)
          AND ($3::int IS NULL OR created_by_id = $3 OR rfi_manager_id = $3
               OR EXISTS (SELECT 1 FROM rfi_assignees a WHERE a.rfi_id = rfis.id AND a.user_id = $3))
        ORDER BY id DESC LIMIT 10`,
      [ctx.projectId, ctx.itemId, ctx.userId],
    );
    const out: Found[] = [];
    for (const r of rows) {
      const manager = await userRef(ctx.db, r.rfi_manager_id);
      out.push({
        tool: 'rfis',
        item: { id: r.id, type: 'RFI' },
        user: await userRef(ctx.db, r.created_by_id),
        evidence: { rfi: { id: r.id, subject: r.subject, status: 'draft', number: null }, awaiting: manager ?? 'no RFI manager set', created_at: r.created_at.toISOString(), cause_also_known_as: 'awaiting_manager_review' },
        fix: [
          manager
            ? `${manager.name} (the RFI manager) reviews and opens it: POST /rest/v1.0/projects/${ctx.projectId}/rfis/${r.id}/actions/open`
            : 'Set an RFI manager, who then opens the RFI.',
        ],
        weight: ctx.itemId === r.id ? 96 : 65,
      });
    }
    return out;
  }
}

@Injectable()
export class RfiCauses implements OnModuleInit {
  constructor(
    private readonly registry: CauseRegistry,
    private readonly notSubmitted: ResponseNotSubmittedCause,
    private readonly draft: ItemInDraftCause,
    private readonly filtered: FilteredOutCause,
  ) {}

  onModuleInit(): void {
    this.registry.register(this.notSubmitted, this.draft);
    this.filtered.register({
      tool: 'rfis',
      itemType: 'RFI',
      table: 'rfis',
      columns: 'r.id, r.number, r.subject, r.status, r.updated_at',
      clauses: (filters, today) => filterClauses(filters as RfiListQuery['filters'], today),
      visibility: (subject, first) => rfiVisibility('r', rfiViewer(subject), first),
    });
  }
}
