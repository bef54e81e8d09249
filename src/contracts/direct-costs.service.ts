import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { BudgetRecalc } from '../budget/budget-recalc';
import { ChangeLog } from '../changes/change-log.service';
import { AppError } from '../common/errors';
import type { Actor } from '../common/http/request-helpers';
import { ListQuery, ListSpec, Page, plainPage } from '../common/pagination';
import { lockRowForEdit, updateReturning } from '../database/versioning';
import { SandboxClock } from '../sandboxes/sandbox-clock';
import { assertBudgetLines } from './contract-lines';
import type { CreateDirectCostDto, UpdateDirectCostDto } from './dto/contracts.dto';

export const DIRECT_COST_LIST: ListSpec<'budget_line_item_id', 'id' | 'date'> = {
  filters: { budget_line_item_id: { kind: 'int' } },
  sorts: ['id', 'date'],
  defaultSort: 'id',
};
export type DirectCostListQuery = ListQuery<keyof typeof DIRECT_COST_LIST.filters, (typeof DIRECT_COST_LIST.sorts)[number]>;

interface DirectCostRow {
  id: number;
  project_id: number;
  budget_line_item_id: number;
  amount: string;
  description: string;
  date: string;
  created_by_id: number | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = "id, project_id, budget_line_item_id, amount::text, description, to_char(date, 'YYYY-MM-DD') AS date, created_by_id, version, created_at, updated_at";

function mapDirectCost(r: DirectCostRow): Record<string, unknown> {
  return { ...r, created_at: r.created_at.toISOString(), updated_at: r.updated_at.toISOString() };
}

/** Costs booked straight against a budget line item (no commitment): the budget's direct costs column. */
@Injectable()
export class DirectCostsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: SandboxClock,
    private readonly changes: ChangeLog,
    private readonly recalc: BudgetRecalc,
  ) {}

  async list(projectId: number, q: DirectCostListQuery): Promise<Page<Record<string, unknown>>> {
    const params: unknown[] = [projectId];
    const where = ['project_id = $1'];
    if (q.filters.budget_line_item_id !== undefined) where.push(`budget_line_item_id = $${params.push(q.filters.budget_line_item_id)}`);
    const { rows, total } = await plainPage<DirectCostRow>(this.db, { columns: COLUMNS, from: `direct_costs WHERE ${where.join(' AND ')}`, params, orderBy: `${q.sort.field} ${q.sort.direction}, id` }, q);
    return Page.of(rows.map(mapDirectCost), total, q);
  }

  async get(projectId: number, id: number): Promise<Record<string, unknown>> {
    const [row]: DirectCostRow[] = await this.db.query(`SELECT ${COLUMNS} FROM direct_costs WHERE id = $1 AND project_id = $2`, [id, projectId]);
    if (!row) throw AppError.notFound('Direct cost');
    return mapDirectCost(row);
  }

  async create(companyId: number, projectId: number, dto: CreateDirectCostDto, actor: Actor): Promise<Record<string, unknown>> {
    return this.clock.transaction(companyId, async (m) => {
      await this.assertLine(m, projectId, dto.budget_line_item_id);
      const [row]: DirectCostRow[] = await m.query(
        `INSERT INTO direct_costs (company_id, project_id, budget_line_item_id, amount, description, date, created_by_id) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
        [companyId, projectId, dto.budget_line_item_id, dto.amount, dto.description, dto.date, actor.userId],
      );
      return this.written(m, companyId, row, 'create', actor);
    });
  }

  async update(companyId: number, projectId: number, id: number, dto: UpdateDirectCostDto, expected: number | undefined, actor: Actor): Promise<Record<string, unknown>> {
    return this.clock.transaction(companyId, async (m) => {
      const current = await this.lock(m, projectId, id, expected);
      if (dto.budget_line_item_id !== undefined) await this.assertLine(m, projectId, dto.budget_line_item_id);
      const [row] = await updateReturning<DirectCostRow>(m, `UPDATE direct_costs SET budget_line_item_id = $2, amount = $3, description = $4, date = $5, version = version + 1, updated_at = sim_now() WHERE id = $1 RETURNING ${COLUMNS}`,
        [id, dto.budget_line_item_id ?? current.budget_line_item_id, dto.amount ?? current.amount, dto.description ?? current.description, dto.date ?? current.date],
      );
      return this.written(m, companyId, row, 'update', actor);
    });
  }

  async remove(companyId: number, projectId: number, id: number, expected: number | undefined, actor: Actor): Promise<void> {
    await this.clock.transaction(companyId, async (m) => {
      const current = await this.lock(m, projectId, id, expected);
      await m.query('DELETE FROM direct_costs WHERE id = $1', [id]);
      await this.changes.record(m, { companyId, projectId, resource: 'Direct Costs', resourceId: id, eventType: 'delete', version: current.version + 1, snapshot: mapDirectCost(current), actor });
      await this.recalc.carry(m, companyId, projectId, 'Direct Costs', id);
    });
  }

  private assertLine(m: EntityManager, projectId: number, lineItemId: number): Promise<void> {
    return assertBudgetLines(m, projectId, [{ budget_line_item_id: lineItemId, amount: '0' }], { field: () => 'budget_line_item_id' });
  }

  private lock(m: EntityManager, projectId: number, id: number, expected: number | undefined): Promise<DirectCostRow> {
    return lockRowForEdit<DirectCostRow>(m, `SELECT ${COLUMNS} FROM direct_costs WHERE id = $1 AND project_id = $2 FOR UPDATE`, [id, projectId], 'Direct cost', expected);
  }

  private async written(m: EntityManager, companyId: number, row: DirectCostRow, eventType: 'create' | 'update', actor: Actor): Promise<Record<string, unknown>> {
    const view = mapDirectCost(row);
    await this.changes.record(m, { companyId, projectId: row.project_id, resource: 'Direct Costs', resourceId: row.id, eventType, version: row.version, snapshot: view, actor });
    await this.recalc.carry(m, companyId, row.project_id, 'Direct Costs', row.id);
    return view;
  }
}

