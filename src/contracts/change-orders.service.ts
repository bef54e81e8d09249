import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { PENDING_LIKE_STATUSES } from '../budget/budget-numbers';
import { BudgetRecalc } from '../budget/budget-recalc';
import { ChangeLog } from '../changes/change-log.service';
import { AppError } from '../common/errors';
import type { Actor } from '../common/http/request-helpers';
import { ListQuery, ListSpec, Page, plainPage } from '../common/pagination';
import { lockRowForEdit } from '../database/versioning';
import type { AccessSubject } from '../permissions/access-subject';
import { assertActiveMembers } from '../projects/active-members';
import { SandboxClock } from '../sandboxes/sandbox-clock';
import { ACTION_STATUSES, CHANGE_ORDER_STATUSES, CHANGE_ORDER_TRANSITIONS, ChangeOrderStatus, mayMove } from './change-order-transitions';
import { commitmentViewer, commitmentVisibility } from './commitment-visibility';
import { privateCommitment } from './commitments.service';
import { assertBudgetLines, linesOf, writeLines } from './contract-lines';
import type { CreateChangeOrderDto, UpdateChangeOrderDto } from './dto/contracts.dto';

export const CHANGE_ORDER_LIST: ListSpec<'status' | 'contract_type', 'id' | 'number'> = {
  filters: { status: { kind: 'enum', values: CHANGE_ORDER_STATUSES }, contract_type: { kind: 'enum', values: ['prime', 'commitment'] } },
  sorts: ['id', 'number'],
  defaultSort: 'id',
};
export type ChangeOrderListQuery = ListQuery<keyof typeof CHANGE_ORDER_LIST.filters, (typeof CHANGE_ORDER_LIST.sorts)[number]>;

export interface ChangeOrderRow {
  id: number;
  project_id: number;
  number: number;
  contract_type: 'prime' | 'commitment';
  prime_contract_id: number | null;
  commitment_id: number | null;
  title: string;
  status: ChangeOrderStatus;
  designated_reviewer_id: number | null;
  submitted_at: Date | null;
  decided_at: Date | null;
  decided_by_id: number | null;
  created_by_id: number | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = `o.id, o.project_id, o.number, o.contract_type, o.prime_contract_id, o.commitment_id, o.title, o.status, o.designated_reviewer_id,
  o.submitted_at, o.decided_at, o.decided_by_id, o.created_by_id, o.version, o.created_at, o.updated_at`;

/** Statuses whose lines the budget counts (pending budget/cost changes, or approved COs / committed costs). */
const COUNTED: readonly ChangeOrderStatus[] = [...PENDING_LIKE_STATUSES, 'approved'];

export type ChangeOrderAction = keyof typeof ACTION_STATUSES;

/** A change order's visibility: a prime CO for every viewer of the tool, a commitment CO as its commitment is seen. */
export function changeOrderVisibility(subject: AccessSubject, first: number): { sql: string; params: unknown[] } {
  const visible = commitmentVisibility('c', commitmentViewer(subject), first);
  if (visible.sql === 'TRUE') return visible;
  return { sql: `(o.contract_type = 'prime' OR EXISTS (SELECT 1 FROM commitments c WHERE c.id = o.commitment_id AND ${visible.sql}))`, params: visible.params };
}

/**
 * Change orders on a prime contract or a commitment, through the transition
 * table: drafted, submitted, reviewed (the review statuses), and approved,
 * rejected or voided. An approved CO is locked. Whenever the change touches
 * what the budget counts, it travels there by the sync job.
 */
@Injectable()
export class ChangeOrdersService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: SandboxClock,
    private readonly changes: ChangeLog,
    private readonly recalc: BudgetRecalc,
  ) {}

  async list(subject: AccessSubject, projectId: number, q: ChangeOrderListQuery): Promise<Page<Record<string, unknown>>> {
    const visible = changeOrderVisibility(subject, 2);
    const where = ['o.project_id = $1', visible.sql];
    const params: unknown[] = [projectId, ...visible.params];
    if (q.filters.status !== undefined) where.push(`o.status = $${params.push(q.filters.status)}`);
    if (q.filters.contract_type !== undefined) where.push(`o.contract_type = $${params.push(q.filters.contract_type)}`);
    const { rows, total } = await plainPage<ChangeOrderRow>(
      this.db,
      { columns: COLUMNS, from: `change_orders o WHERE ${where.join(' AND ')}`, params, orderBy: `o.${q.sort.field} ${q.sort.direction}` },
      q,
    );
    return Page.of(await this.views(this.db.manager, rows), total, q);
  }

  async get(subject: AccessSubject, projectId: number, id: number): Promise<Record<string, unknown>> {
    return (await this.views(this.db.manager, [await this.visibleRow(subject, projectId, id, 'change_orders.view')]))[0];
  }

  /** The change order if the subject may see it: 404 when not in the project, 403 when its commitment is private to others. */
  async visibleRow(subject: AccessSubject, projectId: number, id: number, action: string): Promise<ChangeOrderRow> {
    const [row]: ChangeOrderRow[] = await this.db.query(`SELECT ${COLUMNS} FROM change_orders o WHERE o.id = $1 AND o.project_id = $2`, [id, projectId]);
    if (!row) throw AppError.notFound('Change order');
    const visible = changeOrderVisibility(subject, 2);
    const [seen] = await this.db.query(`SELECT 1 FROM change_orders o WHERE o.id = $1 AND ${visible.sql}`, [id, ...visible.params]);
    if (!seen) {
      const [commitment]: { id: number; number: number; type: 'subcontract' | 'purchase_order' }[] = await this.db.query('SELECT id, number, type FROM commitments WHERE id = $1', [row.commitment_id]);
      throw privateCommitment(commitment, action);
    }
    return row;
  }

  async create(subject: AccessSubject, companyId: number, projectId: number, dto: CreateChangeOrderDto, actor: Actor): Promise<Record<string, unknown>> {
    return this.clock.transaction(companyId, async (m) => {
      await this.assertContract(m, subject, projectId, dto.contract_type, dto.contract_id);
      await this.assertParts(m, projectId, dto);
      const [{ n }]: { n: number }[] = await m.query(
        `INSERT INTO money_counters (project_id, last_change_order) VALUES ($1, 1)
         ON CONFLICT (project_id) DO UPDATE SET last_change_order = money_counters.last_change_order + 1 RETURNING last_change_order AS n`,
        [projectId],
      );
      const prime = dto.contract_type === 'prime';
      const [{ id }]: { id: number }[] = await m.query(
        `INSERT INTO change_orders (company_id, project_id, number, contract_type, prime_contract_id, commitment_id, title, designated_reviewer_id, created_by_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
        [companyId, projectId, n, dto.contract_type, prime ? dto.contract_id : null, prime ? null : dto.contract_id, dto.title, dto.designated_reviewer_id ?? null, actor.userId],
      );
      await writeLines(m, 'change_order', id, dto.line_items ?? [], false);
      return this.written(m, companyId, projectId, id, 'create', actor);
    });
  }

  async update(companyId: number, projectId: number, id: number, dto: UpdateChangeOrderDto, expected: number | undefined, actor: Actor): Promise<Record<string, unknown>> {
    return this.clock.transaction(companyId, async (m) => {
      const current = await this.lock(m, projectId, id, expected);
      assertEditable(current);
      const target = dto.status ?? current.status;
      if (dto.status !== undefined && dto.status !== current.status) {
        const action = (Object.keys(ACTION_STATUSES) as ChangeOrderAction[]).find((a) => ACTION_STATUSES[a] === dto.status && (a !== 'submit' || current.status === 'draft'));
        if (action) {
          throw AppError.field('status', `${dto.status} is reached by POST …/change_orders/${id}/actions/${action}, not by PATCH`);
        }
        if (!mayMove(current.status, dto.status)) throw AppError.invalidTransition(`move a change order to ${dto.status}`, current.status, [...CHANGE_ORDER_TRANSITIONS[current.status]]);
      }
      await this.assertParts(m, projectId, dto);
      await m.query(
        `UPDATE change_orders SET title = $2, designated_reviewer_id = $3, status = $4, version = version + 1, updated_at = sim_now() WHERE id = $1`,
        [id, dto.title ?? current.title, dto.designated_reviewer_id === undefined ? current.designated_reviewer_id : dto.designated_reviewer_id, target],
      );
      if (dto.line_items !== undefined) await writeLines(m, 'change_order', id, dto.line_items, true);
      const view = await this.written(m, companyId, projectId, id, 'update', actor);
      if (COUNTED.includes(current.status) || COUNTED.includes(target)) await this.recalc.carry(m, companyId, projectId, 'Change Orders', id);
      return view;
    });
  }

  /** submit, approve, reject or void, as the transition table allows from the current status. */
  async act(companyId: number, projectId: number, id: number, action: ChangeOrderAction, expected: number | undefined, actor: Actor): Promise<Record<string, unknown>> {
    return this.clock.transaction(companyId, async (m, now) => {
      const current = await this.lock(m, projectId, id, expected);
      const target = ACTION_STATUSES[action];
      assertEditable(current);
      if (!mayMove(current.status, target)) throw AppError.invalidTransition(`${action} a change order`, current.status, [...CHANGE_ORDER_TRANSITIONS[current.status]]);
      const decided = action !== 'submit';
      await m.query(
        `UPDATE change_orders SET status = $2, submitted_at = CASE WHEN $3 THEN $4 ELSE submitted_at END,
                decided_at = CASE WHEN $5 THEN $4 ELSE decided_at END, decided_by_id = CASE WHEN $5 THEN $6 ELSE decided_by_id END,
                version = version + 1, updated_at = sim_now() WHERE id = $1`,
        [id, target, !decided, now, decided, actor.userId],
      );
      const view = await this.written(m, companyId, projectId, id, 'update', actor);
      if (COUNTED.includes(current.status) || COUNTED.includes(target)) await this.recalc.carry(m, companyId, projectId, 'Change Orders', id);
      return view;
    });
  }

  async remove(companyId: number, projectId: number, id: number, expected: number | undefined, actor: Actor): Promise<void> {
    await this.clock.transaction(companyId, async (m) => {
      const current = await this.lock(m, projectId, id, expected);
      if (current.status === 'approved') throw new AppError('item_locked', `Change order #${current.number} is approved: it is locked and cannot be deleted.`, { status: current.status });
      const [snapshot] = await this.views(m, [current]);
      await m.query('DELETE FROM change_orders WHERE id = $1', [id]);
      await this.changes.record(m, { companyId, projectId, resource: 'Change Orders', resourceId: id, eventType: 'delete', version: current.version + 1, snapshot, actor });
      if (COUNTED.includes(current.status)) await this.recalc.carry(m, companyId, projectId, 'Change Orders', id);
    });
  }

  private lock(m: EntityManager, projectId: number, id: number, expected: number | undefined): Promise<ChangeOrderRow> {
    return lockRowForEdit<ChangeOrderRow>(m, `SELECT ${COLUMNS} FROM change_orders o WHERE o.id = $1 AND o.project_id = $2 FOR UPDATE`, [id, projectId], 'Change order', expected);
  }

  /** The contract must be this project's (a commitment also one the creator may see). */
  private async assertContract(m: EntityManager, subject: AccessSubject, projectId: number, type: 'prime' | 'commitment', id: number): Promise<void> {
    if (type === 'prime') {
      const [found] = await m.query('SELECT 1 FROM prime_contracts WHERE id = $1 AND project_id = $2', [id, projectId]);
      if (!found) throw AppError.field('contract_id', `${id} is not a prime contract of this project`);
      return;
    }
    const visible = commitmentVisibility('c', commitmentViewer(subject), 3);
    const [found] = await m.query(`SELECT 1 FROM commitments c WHERE c.id = $1 AND c.project_id = $2 AND ${visible.sql}`, [id, projectId, ...visible.params]);
    if (!found) throw AppError.field('contract_id', `${id} is not a commitment of this project that you may see`);
  }

  private async assertParts(m: EntityManager, projectId: number, dto: { designated_reviewer_id?: number | null; line_items?: { budget_line_item_id: number; amount: string }[] }): Promise<void> {
    const reviewer = dto.designated_reviewer_id;
    await assertActiveMembers(m, projectId, [['designated_reviewer_id', reviewer === undefined || reviewer === null ? [] : [reviewer]]]);
    await assertBudgetLines(m, projectId, dto.line_items ?? []);
  }

  private async written(m: EntityManager, companyId: number, projectId: number, id: number, eventType: 'create' | 'update', actor: Actor): Promise<Record<string, unknown>> {
    const [row]: ChangeOrderRow[] = await m.query(`SELECT ${COLUMNS} FROM change_orders o WHERE o.id = $1`, [id]);
    const [view] = await this.views(m, [row]);
    await this.changes.record(m, { companyId, projectId, resource: 'Change Orders', resourceId: id, eventType, version: row.version, snapshot: view, actor });
    return view;
  }

  private async views(m: Pick<EntityManager, 'query'>, rows: ChangeOrderRow[]): Promise<Record<string, unknown>[]> {
    const lines = await linesOf(m, 'change_order', rows.map((r) => r.id));
    return rows.map((r) => ({
      id: r.id,
      project_id: r.project_id,
      number: r.number,
      contract_type: r.contract_type,
      contract_id: r.prime_contract_id ?? r.commitment_id,
      title: r.title,
      status: r.status,
      next_statuses: CHANGE_ORDER_TRANSITIONS[r.status],
      designated_reviewer_id: r.designated_reviewer_id,
      line_items: lines.get(r.id)!.lines,
      total: lines.get(r.id)!.total,
      submitted_at: r.submitted_at?.toISOString() ?? null,
      decided_at: r.decided_at?.toISOString() ?? null,
      decided_by_id: r.decided_by_id,
      created_by_id: r.created_by_id,
      version: r.version,
      created_at: r.created_at.toISOString(),
      updated_at: r.updated_at.toISOString(),
    }));
  }
}

/** Approved and void change orders are final: 423 `item_locked`. */
function assertEditable(row: ChangeOrderRow): void {
  if (row.status === 'approved' || row.status === 'void') {
    throw new AppError('item_locked', `Change order #${row.number} is ${row.status}: it is locked and cannot change.`, { status: row.status });
  }
}
