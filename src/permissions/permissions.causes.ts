import { Injectable, OnModuleInit } from '@nestjs/common';
import { CauseDetector, CauseRegistry, DiagnoseContext, Finding } from '../diagnose/causes';
import { auditEvents, diagnoseCaller, recency, userRef } from '../diagnose/evidence';
import { ExplainService } from './explain.service';
import { isAction } from './matrix/action-matrix';
import { PROJECT_TOOLS } from './permission.types';

type Found = Omit<Finding, 'cause'>;

/** A layer of the permission model refused the user (a named action, or recent denials). */
@Injectable()
export class PermissionDeniedCause implements CauseDetector {
  readonly cause = 'permission_denied' as const;
  readonly symptoms = ['denied', 'not_visible', 'not_loading', 'not_updating', 'not_uploading'] as const;

  constructor(private readonly explain: ExplainService) {}

  async detect(ctx: DiagnoseContext): Promise<Found[]> {
    if (ctx.userId === null) return [];
    const user = await userRef(ctx.db, ctx.userId);
    if (ctx.action && isAction(ctx.action)) {
      const e = await this.explain
        .explainFor(diagnoseCaller(ctx.companyId, ctx.userId), ctx.userId, ctx.projectId, ctx.action, { userId: ctx.userId, itemId: ctx.itemId })
        .catch(() => null);
      const denied = e?.denied_at as { layer: string; code: string; message: string; have: unknown; need: unknown } | null | undefined;
      if (!e || e.allowed || !denied || ['not_project_member', 'tool_inactive'].includes(denied.code)) return [];
      return [
        {
          tool: (e.rule as { tool: string }).tool,
          item: ctx.itemId === null ? null : { id: ctx.itemId },
          user,
          evidence: { action: ctx.action, layer: denied.layer, have: denied.have, need: denied.need, message: denied.message, held: e.held },
          fix: (e.how_to_allow as { detail: string }[]).map((r) => r.detail),
          weight: 90,
        },
      ];
    }
    const rows = await auditEvents(ctx.db, ['permission_denied'], ctx.companyId, ctx.since, { userId: ctx.userId, projectId: ctx.projectId });
    const seen = new Set<string>();
    const out: Found[] = [];
    for (const r of rows) {
      const code = String(r.detail.code);
      if (['not_project_member', 'tool_inactive'].includes(code) || ['item_role', 'item_state'].includes(String(r.detail.layer))) continue;
      const key = `${r.action}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({
        tool: r.action?.split('.')[0] ?? null,
        item: null,
        user,
        evidence: { action: r.action, layer: r.detail.layer, have: r.detail.have, need: r.detail.need, message: r.detail.message, at: r.created_at.toISOString(), request_id: r.request_id, route: r.detail.route },
        fix: [`Ask a project administrator to give you what '${r.action}' needs (GET /rest/v1.0/projects/{project_id}/permissions/explain?action=${r.action} says exactly what).`],
        weight: 50 + 30 * recency(r.created_at, ctx),
      });
    }
    return out;
  }
}

/** The tool is switched off on the project. */
@Injectable()
export class ToolInactiveCause implements CauseDetector {
  readonly cause = 'tool_inactive' as const;
  readonly symptoms = ['denied', 'not_visible', 'not_loading', 'not_updating'] as const;

  async detect(ctx: DiagnoseContext): Promise<Found[]> {
    if (ctx.projectId === null) return [];
    const rows: { tool: string; updated_at: Date }[] = await ctx.db.query(
      'SELECT tool, updated_at FROM project_tools WHERE project_id = $1 AND NOT active AND ($2::text IS NULL OR tool = $2)',
      [ctx.projectId, ctx.tool && (PROJECT_TOOLS as readonly string[]).includes(ctx.tool) ? ctx.tool : null],
    );
    const user = await userRef(ctx.db, ctx.userId);
    return rows.map((r) => ({
      tool: r.tool,
      item: null,
      user,
      evidence: { tool: r.tool, active: false, switched_off_at: r.updated_at.toISOString() },
      fix: [`A project administrator activates the tool: POST /rest/v1.0/projects/${ctx.projectId}/tools/${r.tool}/actions/activate`],
      weight: ctx.tool === r.tool ? 95 : 60,
    }));
  }
}

/** A link to an item the user may not open (private, or of another project): refused by an item rule. */
@Injectable()
export class DirectLinkCause implements CauseDetector {
  readonly cause = 'direct_link_no_access' as const;
  readonly symptoms = ['denied', 'not_visible', 'not_loading'] as const;

  async detect(ctx: DiagnoseContext): Promise<Found[]> {
    if (ctx.userId === null) return [];
    const rows = await auditEvents(ctx.db, ['permission_denied'], ctx.companyId, ctx.since, { userId: ctx.userId, projectId: ctx.projectId });
    const user = await userRef(ctx.db, ctx.userId);
    return rows
      .filter((r) => ['item_role', 'item_state'].includes(String(r.detail.layer)))
      .slice(0, 5)
      .map((r) => ({
        tool: r.action?.split('.')[0] ?? null,
        item: typeof r.detail.item_id === 'number' ? { id: r.detail.item_id } : null,
        user,
        evidence: { action: r.action, layer: r.detail.layer, message: r.detail.message, route: r.detail.route, at: r.created_at.toISOString() },
        fix: ['Ask the sender to share the item with you (make you its assignee, distribution member or manager), or open it with an account that may see it.'],
        weight: 70 + 20 * recency(r.created_at, ctx),
      }));
  }
}

@Injectable()
export class PermissionCauses implements OnModuleInit {
  constructor(
    private readonly registry: CauseRegistry,
    private readonly denied: PermissionDeniedCause,
    private readonly tool: ToolInactiveCause,
    private readonly link: DirectLinkCause,
  ) {}

  onModuleInit(): void {
    this.registry.register(this.denied, this.tool, this.link);
  }
}
