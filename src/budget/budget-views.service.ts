import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ChangeLog } from '../changes/change-log.service';
import { AppError } from '../common/errors';
import type { Actor } from '../common/http/request-helpers';
import { ListQuery, Page, plainPage } from '../common/pagination';
import { lockRowForEdit } from '../database/versioning';
import { SandboxClock } from '../sandboxes/sandbox-clock';
import { lockBudgetRow } from './budget-row';
import type { BudgetColumn } from './budget-numbers';
import type { CreateBudgetViewDto, UpdateBudgetViewDto } from './dto/budget-view.dto';
import type { CostType } from './dto/budget.dto';

export interface BudgetViewFilters {
  cost_code_ids?: number[];
  cost_types?: CostType[];
  hide_zero?: boolean;
}
export type BudgetViewFilter = keyof BudgetViewFilters;

export interface BudgetViewRow {
  id: number;
  project_id: number;
  name: string;
  columns: BudgetColumn[];
  filters: BudgetViewFilters;
  is_default: boolean;
  created_by_id: number | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = `v.id, v.project_id, v.name, v.columns, v.filters, (b.default_view_id IS NOT DISTINCT FROM v.id) AS is_default, v.created_by_id, v.version, v.created_at, v.updated_at`;
const FROM = 'budget_views v LEFT JOIN budgets b ON b.project_id = v.project_id';

/** The filters as answered: every key, empty when unset. */
export function filtersOf(f: BudgetViewFilters): Required<BudgetViewFilters> {
  return { cost_code_ids: f.cost_code_ids ?? [], cost_types: f.cost_types ?? [], hide_zero: f.hide_zero ?? false };
}

/** Whether a view leaves any line item out. */
export function leavesLinesOut(f: BudgetViewFilters): boolean {
  return Boolean(f.cost_code_ids?.length || f.cost_types?.length || f.hide_zero);
}

/**
 * Each filter a view sets, as the condition a snapshot line `s` it keeps
 * meets; values are appended to `params` (numbered after what is there).
 * `shown` are the SQL expressions of the shown columns (what hide_zero looks at).
 */
export function filterClauses(f: BudgetViewFilters, shown: string[], params: unknown[]): { filter: BudgetViewFilter; sql: string }[] {
  const out: { filter: BudgetViewFilter; sql: string }[] = [];
  if (f.cost_code_ids?.length) out.push({ filter: 'cost_code_ids', sql: `s.cost_code_id = ANY($${params.push(f.cost_code_ids)}::int[])` });
  if (f.cost_types?.length) out.push({ filter: 'cost_types', sql: `s.cost_type = ANY($${params.push(f.cost_types)}::text[])` });
  // With no column shown there is nothing to judge a line by: hide_zero then keeps every line.
  if (f.hide_zero && shown.length) out.push({ filter: 'hide_zero', sql: `(${shown.map((e) => `${e} <> 0`).join(' OR ')})` });
  return out;
}

export function mapBudgetView(r: BudgetViewRow): Record<string, unknown> {
  return {
    id: r.id,
    project_id: r.project_id,
    name: r.name,
    columns: r.columns,
    filters: filtersOf(r.filters),
    default: r.is_default,
    created_by_id: r.created_by_id,
    version: r.version,
    created_at: r.created_at.toISOString(),
    updated_at: r.updated_at.toISOString(),
  };
}

/**
 * Named budget views: the columns they show and the line items they leave
 * out; one of them may be the project's default, which the budget applies
 * when the reader names none (`?view_id=`).
 */
@Injectable()
export class BudgetViewsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: SandboxClock,
    private readonly changes: ChangeLog,
  ) {}

  async list(projectId: number, q: ListQuery<never, 'name'>): Promise<Page<Record<string, unknown>>> {
    const orderBy = `v.name ${q.sort.direction}, v.id ${q.sort.direction}`;
    const { rows, total } = await plainPage<BudgetViewRow>(this.db, { columns: COLUMNS, from: `${FROM} WHERE v.project_id = $1`, params: [projectId], orderBy }, q);
    return Page.of(rows.map(mapBudgetView), total, q);
  }

  async get(projectId: number, id: number): Promise<Record<string, unknown>> {
    return mapBudgetView(await this.row(projectId, id));
  }

  /**
   * The view a reader of the budget gets: the one named (404 when it is not
   * this project's), none when they ask for none, else the project default.
   */
  async active(projectId: number, picked: number | 'none' | undefined): Promise<BudgetViewRow | null> {
    if (picked === 'none') return null;
    if (picked !== undefined) return this.row(projectId, picked);
    const [row]: BudgetViewRow[] = await this.db.query(`SELECT ${COLUMNS} FROM ${FROM} WHERE v.project_id = $1 AND b.default_view_id = v.id`, [projectId]);
    return row ?? null;
  }

  /** Every view of the project, by name. */
  async ofProject(projectId: number): Promise<BudgetViewRow[]> {
    return this.db.query(`SELECT ${COLUMNS} FROM ${FROM} WHERE v.project_id = $1 ORDER BY v.name, v.id`, [projectId]);
  }

  async find(projectId: number, id: number): Promise<BudgetViewRow | null> {
    const [row]: BudgetViewRow[] = await this.db.query(`SELECT ${COLUMNS} FROM ${FROM} WHERE v.id = $1 AND v.project_id = $2`, [id, projectId]);
    return row ?? null;
  }

  async create(companyId: number, projectId: number, dto: CreateBudgetViewDto, actor: Actor): Promise<Record<string, unknown>> {
    return this.clock.transaction(companyId, async (m) => {
      // view writes of a project one at a time: the case-blind name check and the one default hold
      await lockBudgetRow(m, companyId, projectId);
      await this.assertValid(m, projectId, dto.name, dto.filters, null);
      const [{ id }]: { id: number }[] = await m.query(
        `INSERT INTO budget_views (company_id, project_id, name, columns, filters, created_by_id) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
        [companyId, projectId, dto.name, dto.columns, JSON.stringify(filtersOf(dto.filters ?? {})), actor.userId],
      );
      if (dto.default) await this.setDefault(m, projectId, id, true);
      return this.written(m, companyId, projectId, id, 'create', actor);
    });
  }

  async update(companyId: number, projectId: number, id: number, dto: UpdateBudgetViewDto, expected: number | undefined, actor: Actor): Promise<Record<string, unknown>> {
    return this.clock.transaction(companyId, async (m) => {
      await lockBudgetRow(m, companyId, projectId);
      const current = await this.lock(m, projectId, id, expected);
      await this.assertValid(m, projectId, dto.name, dto.filters, id);
      await m.query(`UPDATE budget_views SET name = $2, columns = $3, filters = $4, version = version + 1, updated_at = sim_now() WHERE id = $1`, [
        id,
        dto.name ?? current.name,
        dto.columns ?? current.columns,
        JSON.stringify(filtersOf(dto.filters ?? current.filters)),
      ]);
      if (dto.default !== undefined) await this.setDefault(m, projectId, id, dto.default);
      return this.written(m, companyId, projectId, id, 'update', actor);
    });
  }

  /** Deleting the default view leaves the project without one (the budget then shows every column). */
  async remove(companyId: number, projectId: number, id: number, expected: number | undefined, actor: Actor): Promise<void> {
    await this.clock.transaction(companyId, async (m) => {
      await lockBudgetRow(m, companyId, projectId);
      const current = await this.lock(m, projectId, id, expected);
      await m.query('DELETE FROM budget_views WHERE id = $1', [id]);
      await this.changes.record(m, { companyId, projectId, resource: 'Budget Views', resourceId: id, eventType: 'delete', version: current.version + 1, snapshot: mapBudgetView(current), actor });
    });
  }

  private async row(projectId: number, id: number, m: Pick<EntityManager, 'query'> = this.db.manager): Promise<BudgetViewRow> {
    const [row]: BudgetViewRow[] = await m.query(`SELECT ${COLUMNS} FROM ${FROM} WHERE v.id = $1 AND v.project_id = $2`, [id, projectId]);
    if (!row) throw AppError.notFound('Budget view');
    return row;
  }

  private lock(m: EntityManager, projectId: number, id: number, expected: number | undefined): Promise<BudgetViewRow> {
    return lockRowForEdit<BudgetViewRow>(m, `SELECT ${COLUMNS} FROM ${FROM} WHERE v.id = $1 AND v.project_id = $2 FOR UPDATE OF v`, [id, projectId], 'Budget view', expected);
  }

  /** `on` makes the view the default; off clears the default only if it is this view. */
  private async setDefault(m: EntityManager, projectId: number, id: number, on: boolean): Promise<void> {
    await m.query(
      on ? 'UPDATE budgets SET default_view_id = $2, updated_at = sim_now() WHERE project_id = $1' : 'UPDATE budgets SET default_view_id = NULL, updated_at = sim_now() WHERE project_id = $1 AND default_view_id = $2',
      [projectId, id],
    );
  }

  /** A name unique in the project whatever its case (409), and cost codes of this project (422). */
  private async assertValid(m: EntityManager, projectId: number, name: string | undefined, filters: BudgetViewFilters | undefined, except: number | null): Promise<void> {
    if (name !== undefined) {
      const [taken] = await m.query('SELECT 1 FROM budget_views WHERE project_id = $1 AND lower(name) = lower($2) AND ($3::int IS NULL OR id <> $3)', [projectId, name, except]);
      if (taken) throw new AppError('duplicate', `The project already has a budget view named "${name}".`, { fields: [{ field: 'name', message: 'is already taken' }] });
    }
    const codes = [...new Set(filters?.cost_code_ids ?? [])];
    if (codes.length) {
      const found: { id: number }[] = await m.query('SELECT id FROM cost_codes WHERE project_id = $1 AND id = ANY($2::int[])', [projectId, codes]);
      const missing = codes.filter((c) => !found.some((f) => f.id === c));
      if (missing.length) throw AppError.field('filters.cost_code_ids', `${missing.join(', ')} ${missing.length > 1 ? 'are not cost codes' : 'is not a cost code'} of this project`);
    }
  }

  private async written(m: EntityManager, companyId: number, projectId: number, id: number, eventType: 'create' | 'update', actor: Actor): Promise<Record<string, unknown>> {
    const view = mapBudgetView(await this.row(projectId, id, m));
    await this.changes.record(m, { companyId, projectId, resource: 'Budget Views', resourceId: id, eventType, version: view.version as number, snapshot: view, actor });
    return view;
  }
}
