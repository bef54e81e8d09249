import { Injectable, OnModuleInit } from '@nestjs/common';
import { CauseDetector, CauseRegistry, DiagnoseContext, Finding } from '../diagnose/causes';
import { auditEvents, recency, userRef } from '../diagnose/evidence';

type Found = Omit<Finding, 'cause'>;

/** The user's project membership was removed. */
@Injectable()
export class RemovedFromProjectCause implements CauseDetector {
  readonly cause = 'removed_from_project' as const;
  readonly symptoms = ['denied', 'not_visible', 'not_loading', 'not_updating'] as const;

  async detect(ctx: DiagnoseContext): Promise<Found[]> {
    if (ctx.userId === null || ctx.projectId === null) return [];
    const [m] = await ctx.db.query(
      'SELECT removed_at, removed_by_id FROM project_memberships WHERE project_id = $1 AND user_id = $2 AND NOT active',
      [ctx.projectId, ctx.userId],
    );
    if (!m) return [];
    return [
      {
        tool: 'directory',
        item: null,
        user: await userRef(ctx.db, ctx.userId),
        evidence: { project_id: ctx.projectId, removed_at: m.removed_at?.toISOString() ?? null, removed_by: await userRef(ctx.db, m.removed_by_id) },
        fix: [`A project administrator adds the user again: POST /rest/v1.0/projects/${ctx.projectId}/users {user_id: ${ctx.userId}, permission_template_id}`],
        weight: 100,
      },
    ];
  }
}

/** The user's template was changed, or the template itself was edited, recently. */
@Injectable()
export class TemplateChangedCause implements CauseDetector {
  readonly cause = 'template_changed' as const;
  readonly symptoms = ['denied', 'not_visible', 'not_loading', 'not_updating'] as const;

  async detect(ctx: DiagnoseContext): Promise<Found[]> {
    if (ctx.userId === null) return [];
    const user = await userRef(ctx.db, ctx.userId);
    const out: Found[] = [];
    const assigned = await auditEvents(ctx.db, ['member_template_changed'], ctx.companyId, ctx.since, { projectId: ctx.projectId, subjectUserId: ctx.userId });
    for (const r of assigned.slice(0, 3)) {
      out.push({
        tool: 'directory',
        item: null,
        user,
        evidence: { change: 'assigned another template', from_template_id: r.detail.from_template_id, to_template_id: r.detail.to_template_id, by: await userRef(ctx.db, r.user_id), at: r.created_at.toISOString() },
        fix: ['Compare the new template with the old one (GET /rest/v1.0/companies/{company_id}/permission_templates/{id}) and assign the right one.'],
        weight: 60 + 30 * recency(r.created_at, ctx),
      });
    }
    const [membership] = ctx.projectId === null ? [] : await ctx.db.query('SELECT template_id FROM project_memberships WHERE project_id = $1 AND user_id = $2 AND active', [ctx.projectId, ctx.userId]);
    const [account] = await ctx.db.query('SELECT company_template_id FROM users WHERE id = $1', [ctx.userId]);
    const templateIds = [membership?.template_id, account?.company_template_id].filter((x): x is number => typeof x === 'number');
    if (templateIds.length) {
      const edits = (await auditEvents(ctx.db, ['template_updated'], ctx.companyId, ctx.since, {})).filter((r) => templateIds.includes(Number(r.detail.template_id)));
      for (const r of edits.slice(0, 3)) {
        out.push({
          tool: 'directory',
          item: null,
          user,
          evidence: { change: "the user's template was edited", template_id: r.detail.template_id, levels: r.detail.levels, granular: r.detail.granular, by: await userRef(ctx.db, r.user_id), at: r.created_at.toISOString() },
          fix: [`Check the template's levels and granular keys: GET /rest/v1.0/companies/${ctx.companyId}/permission_templates/${r.detail.template_id}`],
          weight: 55 + 30 * recency(r.created_at, ctx),
        });
      }
    }
    return out;
  }
}

@Injectable()
export class DirectoryCauses implements OnModuleInit {
  constructor(
    private readonly registry: CauseRegistry,
    private readonly removed: RemovedFromProjectCause,
    private readonly changed: TemplateChangedCause,
  ) {}

  onModuleInit(): void {
    this.registry.register(this.removed, this.changed);
  }
}
