import { Injectable, OnModuleInit } from '@nestjs/common';
import { CauseDetector, CauseRegistry, DiagnoseContext, Finding } from '../diagnose/causes';
import { userRef } from '../diagnose/evidence';
import { FilteredOutCause } from '../diagnose/filtered-out.cause';
import { AccessService } from '../permissions/access.service';
import { decide } from '../permissions/resolver';
import { JobInspector } from '../queues/job-inspector';
import { BudgetViewRow, BudgetViewsService, filterClauses, filtersOf, leavesLinesOut } from './budget-views.service';
import { columnSql, DIRECT_COST_COLUMNS, permittedColumns } from './budget-numbers';

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

/** How many hidden line items a finding names (it counts them all). */
const NAMED_LINES = 10;

/**
 * The budget view the user reads through (the one they last picked with
 * `view_id`, else the project default) leaves out columns with money in them,
 * or its filters leave out line items: the finding names the view, what it
 * hides, and how to see it.
 */
@Injectable()
export class HiddenByBudgetViewCause implements CauseDetector {
  readonly cause = 'hidden_by_budget_view' as const;
  readonly symptoms = ['not_visible', 'not_updating'] as const;

  constructor(
    private readonly access: AccessService,
    private readonly views: BudgetViewsService,
    private readonly lastLook: FilteredOutCause,
  ) {}

  async detect(ctx: DiagnoseContext): Promise<Found[]> {
    if (!onBudget(ctx) || ctx.userId === null) return [];
    const projectId = ctx.projectId!;
    const subject = await this.access.load(ctx.userId, ctx.companyId, projectId);
    if (decide('budget.view', subject).outcome !== 'allowed') return [];
    const { view, picked } = await this.viewOf(ctx.companyId, ctx.userId, projectId);
    if (!view) return [];
    const withDirect = decide('budget.view_direct_costs', subject).outcome === 'allowed';
    const permitted = permittedColumns(withDirect);
    const shown = permitted.filter((c) => view.columns.includes(c));
    const hidden = permitted.filter((c) => !view.columns.includes(c));

    const [totals]: Record<string, string>[] = hidden.length
      ? await ctx.db.query(`SELECT ${hidden.map((c) => `round(coalesce(sum(${columnSql(c, withDirect)}), 0), 2)::text AS ${c}`).join(', ')} FROM budget_snapshot_lines s WHERE s.project_id = $1`, [projectId])
      : [{}];
    const withMoney = hidden.filter((c) => Number(totals[c]) !== 0);

    const params: unknown[] = [projectId, ctx.itemId];
    const clauses = filterClauses(view.filters, shown.map((c) => columnSql(c, withDirect)), params);
    const lines: { line_item_id: number; cost_code_id: number; cost_code: string; cost_type: string; description: string; n: number; [kept: `kept_${number}`]: boolean }[] = clauses.length
      ? await ctx.db.query(
          `SELECT s.line_item_id, s.cost_code_id, s.cost_code, s.cost_type, s.description, count(*) OVER ()::int AS n${clauses.map((c, i) => `, ${c.sql} AS kept_${i}`).join('')}
             FROM budget_snapshot_lines s
            WHERE s.project_id = $1 AND ($2::int IS NULL OR s.line_item_id = $2) AND NOT (${clauses.map((c) => c.sql).join(' AND ')})
            ORDER BY s.cost_code, s.line_item_id LIMIT ${NAMED_LINES}`,
          params,
        )
      : [];
    if (!withMoney.length && !lines.length) return [];

    const url = `/rest/v1.0/projects/${projectId}/budget`;
    const edits = [
      ...(withMoney.length ? [`show ${withMoney.join(', ')}`] : []),
      ...(lines.length ? [`drop the filter${clauses.length > 1 ? 's' : ''} ${clauses.map((c) => c.filter).join(', ')}`] : []),
    ];
    const others = await this.alternatives(projectId, view, withMoney, lines.length > 0);
    const itemHidden = ctx.itemId !== null && lines.some((l) => l.line_item_id === ctx.itemId);
    return [
      {
        tool: 'budget',
        item: itemHidden ? { id: ctx.itemId!, type: 'BudgetLineItem' } : null,
        user: await userRef(ctx.db, ctx.userId),
        evidence: {
          view: { id: view.id, name: view.name, default: view.is_default, applied_as: picked ? 'picked with view_id' : 'the project default' },
          hidden_columns: hidden,
          hidden_column_totals: Object.fromEntries(hidden.map((c) => [c, totals[c]])),
          filters: filtersOf(view.filters),
          hidden_line_items: lines.map((l) => ({
            id: l.line_item_id,
            cost_code: { id: l.cost_code_id, code: l.cost_code },
            cost_type: l.cost_type,
            description: l.description,
            hidden_by: clauses.filter((_c, i) => !l[`kept_${i}`]).map((c) => c.filter),
          })),
          hidden_line_item_count: lines[0]?.n ?? 0,
        },
        fix: [
          `Read the budget through ${others.map((o) => `view "${o.name}" (GET ${url}?view_id=${o.id})`).join(', ')}${others.length ? ' or ' : ''}no view: GET ${url}?view_id=none shows every column you may see and every line item (the views: GET ${url}/views).`,
          `Or an Admin on the budget edits view "${view.name}" to ${edits.join(' and ')}: PATCH ${url}/views/${view.id}${view.is_default ? ` (it is the project default: default: false on it, or default: true on another view, changes what everyone sees without a view_id)` : ''}.`,
        ],
        weight: itemHidden ? 94 : ctx.symptom === 'not_visible' ? 80 : 65,
      },
    ];
  }

  /** The view the user reads the budget through: the one they last picked (still there), else the default. */
  private async viewOf(companyId: number, userId: number, projectId: number): Promise<{ view: BudgetViewRow | null; picked: boolean }> {
    const last = (await this.lastLook.recall('budget', companyId, userId, projectId))?.view_id;
    if (last === 'none') return { view: null, picked: true };
    const picked = typeof last === 'number' ? await this.views.find(projectId, last) : null;
    return picked ? { view: picked, picked: true } : { view: await this.views.active(projectId, undefined), picked: false };
  }

  /** Other views of the project that show every hidden column and (when lines are hidden) filter nothing out. */
  private async alternatives(projectId: number, view: BudgetViewRow, columns: string[], linesHidden: boolean): Promise<BudgetViewRow[]> {
    const all = await this.views.ofProject(projectId);
    return all
      .filter((v) => v.id !== view.id && columns.every((c) => (v.columns as string[]).includes(c)))
      .filter((v) => !linesHidden || !leavesLinesOut(v.filters))
      .slice(0, 3);
  }
}

@Injectable()
export class BudgetCauses implements OnModuleInit {
  constructor(
    private readonly registry: CauseRegistry,
    private readonly locked: BudgetLockedCause,
    private readonly pending: RecalculationPendingCause,
    private readonly hidden: ColumnHiddenByPermissionCause,
    private readonly byView: HiddenByBudgetViewCause,
  ) {}

  onModuleInit(): void {
    this.registry.register(this.locked, this.pending, this.hidden, this.byView);
  }
}
