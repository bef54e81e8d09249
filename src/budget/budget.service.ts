import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ChangeLog } from '../changes/change-log.service';
import { AppError } from '../common/errors';
import type { Actor } from '../common/http/request-helpers';
import { ListQuery, ListSpec, Page, plainPage } from '../common/pagination';
import { lockRowForEdit } from '../database/versioning';
import { FilteredOutCause } from '../diagnose/filtered-out.cause';
import { AccessSubject } from '../permissions/access-subject';
import { decide } from '../permissions/resolver';
import { JobInspector } from '../queues/job-inspector';
import { SandboxClock } from '../sandboxes/sandbox-clock';
import { BudgetRecalc } from './budget-recalc';
import { lockBudgetRow } from './budget-row';
import { BudgetViewsService, filterClauses, filtersOf } from './budget-views.service';
import { BUDGET_COLUMNS, BudgetColumn, columnSql, permittedColumns } from './budget-numbers';
import { COST_TYPES, CreateLineItemDto, CreateModificationDto, UpdateLineItemDto } from './dto/budget.dto';

export const LINE_ITEM_LIST: ListSpec<'cost_code_id' | 'cost_type', 'id' | 'cost_code'> = {
  filters: { cost_code_id: { kind: 'int' }, cost_type: { kind: 'enum', values: COST_TYPES } },
  sorts: ['id', 'cost_code'],
  defaultSort: 'id',
};
export type LineItemListQuery = ListQuery<keyof typeof LINE_ITEM_LIST.filters, (typeof LINE_ITEM_LIST.sorts)[number]>;

interface LineItemRow {
  id: number;
  project_id: number;
  cost_code_id: number;
  code: string;
  cost_code_description: string;
  cost_type: string;
  description: string;
  original_budget_amount: string;
  version: number;
  created_at: Date;
  updated_at: Date;
}

const LINE_ITEM_COLUMNS = `b.id, b.project_id, b.cost_code_id, c.code, c.description AS cost_code_description, b.cost_type, b.description,
         b.original_budget_amount::text, b.version, b.created_at, b.updated_at`;
const LINE_ITEM_FROM = 'budget_line_items b JOIN cost_codes c ON c.id = b.cost_code_id';
const LINE_ITEM_SELECT = `SELECT ${LINE_ITEM_COLUMNS} FROM ${LINE_ITEM_FROM}`;

function mapLineItem(r: LineItemRow): Record<string, unknown> {
  return {
    id: r.id,
    project_id: r.project_id,
    cost_code: { id: r.cost_code_id, code: r.code, description: r.cost_code_description },
    cost_type: r.cost_type,
    description: r.description,
    original_budget_amount: r.original_budget_amount,
    version: r.version,
    created_at: r.created_at.toISOString(),
    updated_at: r.updated_at.toISOString(),
  };
}

/** Jobs that are the budget catching up: its recalculation, and contract changes on their way to it. */
const CATCH_UP_JOBS = new Set(['budget.recalculate', 'sync.contracts-to-budget']);

/**
 * The budget of a project: line items, modifications, the lock, and the view
 * read from the snapshot the recalculation job keeps (with `as_of`, `stale`
 * and `pending_jobs`), the columns and totals for what the reader may see.
 */
@Injectable()
export class BudgetService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: SandboxClock,
    private readonly recalc: BudgetRecalc,
    private readonly changes: ChangeLog,
    private readonly inspector: JobInspector,
    private readonly views: BudgetViewsService,
    private readonly lastLook: FilteredOutCause,
  ) {}

  /** Whether the project's budget is locked (the lock policy answers 423 before a write starts). */
  async lockOf(projectId: number, m: EntityManager = this.db.manager): Promise<{ locked: boolean; locked_at: string | null; locked_by_id: number | null }> {
    const [row]: { locked: boolean; locked_at: Date | null; locked_by_id: number | null }[] = await m.query(
      'SELECT locked, locked_at, locked_by_id FROM budgets WHERE project_id = $1',
      [projectId],
    );
    return { locked: row?.locked ?? false, locked_at: row?.locked_at?.toISOString() ?? null, locked_by_id: row?.locked_by_id ?? null };
  }

  /**
   * In a write: the budget row under its lock (the write's revision bump needs
   * it anyway, and a lock or unlock waits for the write), refused while locked.
   */
  async assertUnlocked(m: EntityManager, companyId: number, projectId: number): Promise<void> {
    const row = await lockBudgetRow(m, companyId, projectId);
    if (row.locked) throw lockedError(row.locked_at);
  }

  /** Line items as the API shows them, in the order of `ids`. */
  async lineItemViews(m: EntityManager, ids: readonly number[]): Promise<Record<string, unknown>[]> {
    const rows: LineItemRow[] = await m.query(`${LINE_ITEM_SELECT} WHERE b.id = ANY($1::int[]) ORDER BY b.id`, [ids]);
    return rows.map(mapLineItem);
  }

  async listLineItems(projectId: number, q: LineItemListQuery): Promise<Page<Record<string, unknown>>> {
    const where: string[] = ['b.project_id = $1'];
    const params: unknown[] = [projectId];
    if (q.filters.cost_code_id !== undefined) where.push(`b.cost_code_id = $${params.push(q.filters.cost_code_id)}`);
    if (q.filters.cost_type !== undefined) where.push(`b.cost_type = $${params.push(q.filters.cost_type)}`);
    const orderBy = q.sort.field === 'cost_code' ? `c.code ${q.sort.direction}, b.id ASC` : `b.id ${q.sort.direction}`;
    const { rows, total } = await plainPage<LineItemRow>(this.db, { columns: LINE_ITEM_COLUMNS, from: `${LINE_ITEM_FROM} WHERE ${where.join(' AND ')}`, params, orderBy }, q);
    return Page.of(rows.map(mapLineItem), total, q);
  }

  async getLineItem(projectId: number, id: number, m: EntityManager = this.db.manager): Promise<Record<string, unknown>> {
    const [row]: LineItemRow[] = await m.query(`${LINE_ITEM_SELECT} WHERE b.id = $1 AND b.project_id = $2`, [id, projectId]);
    if (!row) throw AppError.notFound('Budget line item');
    return mapLineItem(row);
  }

  async createLineItem(companyId: number, projectId: number, dto: CreateLineItemDto, actor: Actor): Promise<Record<string, unknown>> {
    return this.clock.transaction(companyId, async (m) => {
      await this.assertUnlocked(m, companyId, projectId);
      await this.assertCostCode(m, projectId, dto.cost_code_id);
      const [{ id }]: { id: number }[] = await m.query(
        `INSERT INTO budget_line_items (company_id, project_id, cost_code_id, cost_type, description, original_budget_amount)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
        [companyId, projectId, dto.cost_code_id, dto.cost_type ?? 'other', dto.description, dto.original_budget_amount],
      );
      return this.written(m, companyId, projectId, id, 'create', actor);
    });
  }

  async updateLineItem(companyId: number, projectId: number, id: number, dto: UpdateLineItemDto, expected: number | undefined, actor: Actor): Promise<Record<string, unknown>> {
    return this.clock.transaction(companyId, async (m) => {
      await this.assertUnlocked(m, companyId, projectId);
      const current = await this.lockLineItem(m, projectId, id, expected);
      await m.query(
        `UPDATE budget_line_items SET cost_type = $3, description = $4, original_budget_amount = $5, version = version + 1, updated_at = sim_now()
          WHERE id = $1 AND project_id = $2`,
        [id, projectId, dto.cost_type ?? current.cost_type, dto.description ?? current.description, dto.original_budget_amount ?? current.original_budget_amount],
      );
      return this.written(m, companyId, projectId, id, 'update', actor);
    });
  }

  async deleteLineItem(companyId: number, projectId: number, id: number, expected: number | undefined, actor: Actor): Promise<void> {
    await this.clock.transaction(companyId, async (m) => {
      await this.assertUnlocked(m, companyId, projectId);
      const current = await this.lockLineItem(m, projectId, id, expected);
      const [uses]: { lines: number; modifications: number }[] = await m.query(
        `SELECT (SELECT count(*) FROM commitment_lines WHERE budget_line_item_id = $1)::int
              + (SELECT count(*) FROM change_order_lines WHERE budget_line_item_id = $1)::int
              + (SELECT count(*) FROM direct_costs WHERE budget_line_item_id = $1)::int
              + (SELECT count(*) FROM commitment_invoice_lines WHERE budget_line_item_id = $1)::int AS lines,
                (SELECT count(*) FROM budget_modifications WHERE from_line_item_id = $1 OR to_line_item_id = $1)::int AS modifications`,
        [id],
      );
      if (uses.lines > 0 || uses.modifications > 0) {
        throw new AppError('invalid_request', `This line item carries ${uses.lines} commitment, change order, invoice or direct cost line(s) and ${uses.modifications} modification(s); remove them first.`, {
          line_item_id: id,
          lines: uses.lines,
          modifications: uses.modifications,
        });
      }
      const snapshot = mapLineItem(current);
      await m.query('DELETE FROM budget_line_items WHERE id = $1', [id]);
      await this.changes.record(m, { companyId, projectId, resource: 'Budget Line Items', resourceId: id, eventType: 'delete', version: current.version + 1, snapshot, actor });
      await this.recalc.request(m, companyId, projectId);
    });
  }

  /** A transfer from one line item to another (budget modifications are allowed while the budget is locked). */
  async createModification(companyId: number, projectId: number, dto: CreateModificationDto, actor: Actor): Promise<Record<string, unknown>> {
    if (dto.from_line_item_id === dto.to_line_item_id) throw AppError.field('to_line_item_id', 'must be another line item than from_line_item_id');
    return this.clock.transaction(companyId, async (m) => {
      const found: { id: number }[] = await m.query('SELECT id FROM budget_line_items WHERE project_id = $1 AND id = ANY($2::int[])', [projectId, [dto.from_line_item_id, dto.to_line_item_id]]);
      const ids = new Set(found.map((r) => r.id));
      const errors = (['from_line_item_id', 'to_line_item_id'] as const).filter((f) => !ids.has(dto[f])).map((field) => ({ field, message: "is not a line item of this project's budget" }));
      if (errors.length) throw AppError.validation(errors);
      const [row]: ModificationRow[] = await m.query(
        `INSERT INTO budget_modifications (company_id, project_id, from_line_item_id, to_line_item_id, amount, notes, created_by_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${MODIFICATION_COLUMNS}`,
        [companyId, projectId, dto.from_line_item_id, dto.to_line_item_id, dto.amount, dto.notes ?? '', actor.userId],
      );
      const view = mapModification(row);
      await this.changes.record(m, { companyId, projectId, resource: 'Budget Modifications', resourceId: row.id, eventType: 'create', version: 1, snapshot: view, actor });
      await this.recalc.request(m, companyId, projectId);
      return view;
    });
  }

  async listModifications(projectId: number, q: { page: number; perPage: number }): Promise<Page<Record<string, unknown>>> {
    const { rows, total } = await plainPage<ModificationRow>(
      this.db,
      { columns: MODIFICATION_COLUMNS, from: 'budget_modifications WHERE project_id = $1', params: [projectId], orderBy: 'id' },
      q,
    );
    return Page.of(rows.map(mapModification), total, q);
  }

  async setLocked(companyId: number, projectId: number, locked: boolean, actor: Actor): Promise<Record<string, unknown>> {
    return this.clock.transaction(companyId, async (m, now) => {
      await lockBudgetRow(m, companyId, projectId);
      await m.query(
        `UPDATE budgets SET locked = $2, locked_at = $3, locked_by_id = $4, version = version + 1, updated_at = sim_now() WHERE project_id = $1`,
        [projectId, locked, locked ? now : null, locked ? actor.userId : null],
      );
      const lock = await this.lockOf(projectId, m);
      await this.changes.record(m, { companyId, projectId, resource: 'Budget', resourceId: projectId, eventType: 'update', version: 1, snapshot: { project_id: projectId, ...lock }, actor });
      return { project_id: projectId, ...lock };
    });
  }

  /** Asks for a fresh recalculation (a new revision, so the job rebuilds even when nothing changed). */
  async requestRecalculation(companyId: number, projectId: number): Promise<Record<string, unknown>> {
    const revision = await this.clock.transaction(companyId, (m) => this.recalc.request(m, companyId, projectId));
    return { project_id: projectId, revision, queued: true };
  }

  /**
   * The budget as the reader may see it: the snapshot's line items with the
   * visible columns (direct costs only with `budget.view_direct_costs`), the
   * totals of those columns, and how current the snapshot is. The view picked
   * (`view_id`; `none` for none), else the project default, narrows the
   * columns and line items, and the totals are those of the lines shown.
   */
  async view(subject: AccessSubject, companyId: number, projectId: number, picked?: number | 'none'): Promise<Record<string, unknown>> {
    const withDirect = decide('budget.view_direct_costs', subject).outcome === 'allowed';
    const permitted = permittedColumns(withDirect);
    const active = await this.views.active(projectId, picked);
    // diagnose reads which view this reader last looked through (hidden_by_budget_view)
    this.lastLook.remember('budget', subject, projectId, picked === undefined ? {} : { view_id: picked });
    const columns = active ? permitted.filter((c) => active.columns.includes(c)) : permitted;
    const expr = (c: BudgetColumn): string => columnSql(c, withDirect);
    const [state]: { revision: string | null; source_revision: string | null; as_of: Date | null; took_ms: number | null; locked: boolean | null }[] = await this.db.query(
      `SELECT b.revision, s.source_revision, s.as_of, s.took_ms, b.locked
         FROM (SELECT $1::int AS project_id) p
         LEFT JOIN budgets b ON b.project_id = p.project_id
         LEFT JOIN budget_snapshots s ON s.project_id = p.project_id`,
      [projectId],
    );
    const params: unknown[] = [projectId];
    const where = ['s.project_id = $1', ...filterClauses(active?.filters ?? {}, columns.map(expr), params).map((c) => c.sql)].join(' AND ');
    const lines: Record<string, unknown>[] = await this.db.query(
      `SELECT s.line_item_id, s.cost_code_id, s.cost_code, s.cost_type, s.description${columns.map((c) => `, round(${expr(c)}, 2)::text AS ${c}`).join('')}
         FROM budget_snapshot_lines s WHERE ${where} ORDER BY s.cost_code, s.line_item_id`,
      params,
    );
    // a view whose columns the reader may not see leaves nothing to total
    const [totals]: Record<string, string>[] = columns.length
      ? await this.db.query(`SELECT ${columns.map((c) => `round(coalesce(sum(${expr(c)}), 0), 2)::text AS ${c}`).join(', ')} FROM budget_snapshot_lines s WHERE ${where}`, params)
      : [{}];
    const pending = (await this.inspector.pending({ companyId, projectId })).filter((j) => CATCH_UP_JOBS.has(j.name)).length;
    const revision = Number(state?.revision ?? 0);
    const shown = state?.source_revision === null || state?.source_revision === undefined ? null : Number(state.source_revision);
    return {
      project_id: projectId,
      as_of: state?.as_of?.toISOString() ?? null,
      stale: pending > 0 || (shown ?? 0) < revision,
      pending_jobs: pending,
      revision,
      snapshot_revision: shown,
      locked: state?.locked ?? false,
      columns,
      hidden_columns: BUDGET_COLUMNS.filter((c) => !permitted.includes(c)),
      view: active ? { id: active.id, name: active.name, default: active.is_default, filters: filtersOf(active.filters) } : null,
      hidden_by_view: permitted.filter((c) => !columns.includes(c)),
      line_items: lines.map((l) => ({
        id: l.line_item_id,
        cost_code: { id: l.cost_code_id, code: l.cost_code },
        cost_type: l.cost_type,
        description: l.description,
        ...Object.fromEntries(columns.map((c) => [c, l[c]])),
      })),
      totals,
    };
  }

  private async assertCostCode(m: EntityManager, projectId: number, costCodeId: number): Promise<void> {
    const [row] = await m.query('SELECT 1 FROM cost_codes WHERE id = $1 AND project_id = $2', [costCodeId, projectId]);
    if (!row) throw AppError.field('cost_code_id', 'is not a cost code of this project');
  }

  private lockLineItem(m: EntityManager, projectId: number, id: number, expected: number | undefined): Promise<LineItemRow> {
    return lockRowForEdit<LineItemRow>(m, `${LINE_ITEM_SELECT} WHERE b.id = $1 AND b.project_id = $2 FOR UPDATE OF b`, [id, projectId], 'Budget line item', expected);
  }

  /** After a line item write: its change (webhooks: Budget Line Items) and the budget's recalculation. */
  private async written(m: EntityManager, companyId: number, projectId: number, id: number, eventType: 'create' | 'update', actor: Actor): Promise<Record<string, unknown>> {
    const view = await this.getLineItem(projectId, id, m);
    await this.changes.record(m, { companyId, projectId, resource: 'Budget Line Items', resourceId: id, eventType, version: view.version as number, snapshot: view, actor });
    await this.recalc.request(m, companyId, projectId);
    return view;
  }
}

const MODIFICATION_COLUMNS = 'id, from_line_item_id, to_line_item_id, amount::text, notes, created_by_id, created_at';

interface ModificationRow {
  id: number;
  from_line_item_id: number;
  to_line_item_id: number;
  amount: string;
  notes: string;
  created_by_id: number | null;
  created_at: Date;
}

function mapModification(r: ModificationRow): Record<string, unknown> {
  return {
    id: r.id,
    from_line_item_id: r.from_line_item_id,
    to_line_item_id: r.to_line_item_id,
    amount: r.amount,
    notes: r.notes,
    created_by_id: r.created_by_id,
    created_at: r.created_at.toISOString(),
  };
}

export function lockedError(lockedAt: Date | null): AppError {
  return new AppError('budget_locked', 'The budget is locked: line items, original amounts and imports cannot change until an Admin unlocks it (DELETE …/budget/lock). Budget modifications are still allowed.', {
    locked_at: lockedAt?.toISOString() ?? null,
  });
}
