import { Injectable } from '@nestjs/common';
import { CauseDetector, DiagnoseContext, Finding } from './causes';
import { auditEvents, recency, userRef } from './evidence';

/** The user's write was refused because someone else changed the item first (409). */
@Injectable()
export class EditConflictCause implements CauseDetector {
  readonly cause = 'edit_conflict' as const;
  readonly symptoms = ['not_updating', 'denied'] as const;

  async detect(ctx: DiagnoseContext): Promise<Omit<Finding, 'cause'>[]> {
    if (ctx.userId === null) return [];
    const rows = await auditEvents(ctx.db, ['edit_conflict'], ctx.companyId, ctx.since, { userId: ctx.userId, projectId: ctx.projectId });
    const user = await userRef(ctx.db, ctx.userId);
    return rows.slice(0, 5).map((r) => ({
      tool: r.action?.split('.')[0] ?? null,
      item: null,
      user,
      evidence: { route: r.detail.route, method: r.detail.method, current_version: r.detail.current_version, sent_version: r.detail.expected_version, at: r.created_at.toISOString(), request_id: r.request_id },
      fix: ['Reload the item (GET it for its current version and ETag), apply the change again and send the new version in If-Match.'],
      weight: 70 + 25 * recency(r.created_at, ctx),
    }));
  }
}
