import { Injectable, OnModuleInit } from '@nestjs/common';
import { CauseDetector, CauseRegistry, DiagnoseContext, Finding } from '../diagnose/causes';
import { userRef } from '../diagnose/evidence';
import { AccessService } from '../permissions/access.service';
import { decide } from '../permissions/resolver';
import { JobInspector } from '../queues/job-inspector';
import { DIRECT_COST_COLUMNS } from './budget-numbers';

type Found = Omit<Finding, 'cause'>;

const onBudget = (ctx: DiagnoseContext): boolean => ctx.projectId !== null && (ctx.tool === null || ctx.tool === 'budget');

/** The budget is locked: line item writes and imports answer 423 until an Admin unlocks it. */
@Injectable()
export class BudgetLockedCause implements CauseDetector {
  readonly cause = 'budget_locked' as const;
  readonly symptoms = ['denied', 'not_updating'] as const;

  async detect(ctx: DiagnoseContext): Promise<Found[]> {
    if (!onBudget(ctx)) return [];
    const [row]: { locked: boolean; locked_at: Date | null; locked_by_id: number | null }[] = await ctx.db.query(
      'SELECT locked, locked_at, locked_by_id FROM budgets WHERE project_id = $1',
      [ctx.projectId],
    );
    if (!row?.locked) return [];
    const asked = ctx.action === null || ['budget.create_line_item', 'budget.edit_original_amount', 'budget.delete_line_item', 'budget.import'].includes(ctx.action);
    return [
      {
        tool: 'budget',
        item: null,
        user: await userRef(ctx.db, row.locked_by_id),
        evidence: { locked: true, locked_at: row.locked_at?.toISOString() ?? null, locked_by_id: row.locked_by_id, refused: ['create line items', 'edit original amounts', 'delete line items', 'import'], still_allowed: ['budget modifications'] },
        fix: [`An Admin on the budget unlocks it: DELETE /rest/v1.0/projects/${ctx.projectId}/budget/lock`, 'Or make the change as a budget modification (transfer), which a locked budget allows.'],
        weight: asked ? 96 : 60,
      },
    ];
  }
}

/** The budget shows an older snapshot: its recalculation (or a contract change on its way) has not run yet. */
@Injectable()
export class RecalculationPendingCause implements CauseDetector {
  readonly cause = 'recalculation_pending' as const;
  readonly symptoms = ['not_updating'] as const;

  constructor(private readonly inspector: JobInspector) {}

  async detect(ctx: DiagnoseContext): Promise<Found[]> {
    if (!onBudget(ctx)) return [];
    const [state]: { revision: string | null; source_revision: string | null; as_of: Date | null }[] = await ctx.db.query(
      `SELECT b.revision, s.source_revision, s.as_of FROM budgets b LEFT JOIN budget_snapshots s ON s.project_id = b.project_id WHERE b.project_id = $1`,
      [ctx.projectId],
    );
    const jobs = (await this.inspector.pending({ companyId: ctx.companyId, projectId: ctx.projectId })).filter((j) => j.name === 'budget.recalculate');
    const revision = Number(state?.revision ?? 0);
    const shown = state?.source_revision === null || state?.source_revision === undefined ? null : Number(state.source_revision);
    if (!jobs.length && (shown ?? 0) >= revision) return [];
    return [
      {
        tool: 'budget',
        item: null,
        user: null,
        evidence: {
          revision,
          snapshot_revision: shown,
          as_of: state?.as_of?.toISOString() ?? null,
          jobs: jobs.slice(0, 5).map((j) => ({ id: j.id, state: j.state, due_at: j.due_at, attempts_made: j.attempts_made, error: j.error })),
        },
        fix: [
          `Wait for the recalculation to run (POST /_sim/settle?project_id=${ctx.projectId} waits for it), then read the budget again: it says as_of and stale.`,
          `Or ask for one: POST /rest/v1.0/projects/${ctx.projectId}/budget/actions/recalculate`,
        ],
        weight: 85,
      },
    ];
  }
}

/** The user may not see direct cost details: those columns are absent for them, and their projections leave them out. */
@Injectable()
export class ColumnHiddenByPermissionCause implements CauseDetector {
  readonly cause = 'column_hidden_by_permission' as const;
  readonly symptoms = ['not_visible', 'not_updating', 'denied'] as const;

  constructor(private readonly access: AccessService) {}

  async detect(ctx: DiagnoseContext): Promise<Found[]> {
    if (!onBudget(ctx) || ctx.userId === null) return [];
    const subject = await this.access.load(ctx.userId, ctx.companyId, ctx.projectId);
    if (decide('budget.view', subject).outcome !== 'allowed') return [];
    const direct = decide('budget.view_direct_costs', subject);
    if (direct.outcome === 'allowed') return [];
    const template = subject.project?.template ?? null;
    return [
      {
        tool: 'budget',
        item: null,
        user: await userRef(ctx.db, ctx.userId),
        evidence: {
          hidden_columns: DIRECT_COST_COLUMNS,
          level: direct.level,
          template,
          needs: 'Admin on the budget, or the granular permission view_direct_cost_details',
          effect: 'direct costs are absent from their lines and totals, and projected costs, forecast to complete and projections leave them out, so their totals differ from an Admin’s',
        },
        fix: [
          `A company administrator grants view_direct_cost_details (Budget) on the user's template${template ? ` "${template.name}"` : ''}, or gives it Admin on Budget: PATCH /rest/v1.0/companies/${ctx.companyId}/permission_templates/${template?.id ?? '{template_id}'}`,
        ],
        weight: ctx.symptom === 'not_visible' ? 90 : 75,
      },
    ];
  }
}

@Injectable()
export class BudgetCauses implements OnModuleInit {
  constructor(
    private readonly registry: CauseRegistry,
    private readonly locked: BudgetLockedCause,
    private readonly pending: RecalculationPendingCause,
    private readonly hidden: ColumnHiddenByPermissionCause,
  ) {}

  onModuleInit(): void {
    this.registry.register(this.locked, this.pending, this.hidden);
  }
}
