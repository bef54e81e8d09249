import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { BudgetRecalc } from '../budget/budget-recalc';
import { ChangeLog } from '../changes/change-log.service';
import { AppError } from '../common/errors';
import type { Actor } from '../common/http/request-helpers';
import { ListQuery, ListSpec, Page, plainPage } from '../common/pagination';
import { lockRowForEdit } from '../database/versioning';
import type { AccessSubject } from '../permissions/access-subject';
import { assertActiveMembers } from '../projects/active-members';
import { SandboxClock } from '../sandboxes/sandbox-clock';
import { commitmentViewer, commitmentVisibility } from './commitment-visibility';
import { assertBudgetLines, linesOf, writeLines } from './contract-lines';
import { COMMITMENT_TYPES, CreateCommitmentDto, UpdateCommitmentDto } from './dto/contracts.dto';

export const COMMITMENT_LIST: ListSpec<'status' | 'type', 'id' | 'number'> = {
  filters: { status: { kind: 'enum', values: ['draft', 'approved'] }, type: { kind: 'enum', values: COMMITMENT_TYPES } },
  sorts: ['id', 'number'],
  defaultSort: 'id',
};
export type CommitmentListQuery = ListQuery<keyof typeof COMMITMENT_LIST.filters, (typeof COMMITMENT_LIST.sorts)[number]>;

export interface CommitmentRow {
  id: number;
  project_id: number;
  number: number;
  type: 'subcontract' | 'purchase_order';
  title: string;
  vendor_id: number | null;
  status: 'draft' | 'approved';
  private: boolean;
  approved_at: Date | null;
  approved_by_id: number | null;
  created_by_id: number | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export const COMMITMENT_COLUMNS = `c.id, c.project_id, c.number, c.type, c.title, c.vendor_id, c.status, c.private, c.approved_at, c.approved_by_id,
  c.created_by_id, c.version, c.created_at, c.updated_at`;

const KIND: Record<CommitmentRow['type'], string> = { subcontract: 'subcontract', purchase_order: 'purchase order' };

/** The refusal for a private commitment the viewer may not see (also the refusal for its change orders and invoices). */
export function privateCommitment(row: Pick<CommitmentRow, 'id' | 'number' | 'type'>, action: string): AppError {
  const key = row.type === 'subcontract' ? 'view_private_subcontracts' : 'view_private_purchase_orders';
  return new AppError('permission_denied', `Commitment #${row.number} is a private ${KIND[row.type]}: only Admins on Commitments, the people on its private list, and holders of '${key}' may see it.`, {
    action,
    layer: 'item_role',
    have: 'not on the private list',
    need: ['admin', 'private_list', `commitments.${key}`],
    item_id: row.id,
  });
}

/**
 * Commitments (subcontracts and purchase orders): drafts edited freely, then
 * approved (Admin), which makes their lines committed costs in the budget. A
 * private one is seen only as `commitmentVisibility` says.
 */
@Injectable()
export class CommitmentsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: SandboxClock,
    private readonly changes: ChangeLog,
    private readonly recalc: BudgetRecalc,
  ) {}

  async list(subject: AccessSubject, projectId: number, q: CommitmentListQuery): Promise<Page<Record<string, unknown>>> {
    const visible = commitmentVisibility('c', commitmentViewer(subject), 2);
    const where = ['c.project_id = $1', visible.sql];
    const params: unknown[] = [projectId, ...visible.params];
    if (q.filters.status !== undefined) where.push(`c.status = $${params.push(q.filters.status)}`);
    if (q.filters.type !== undefined) where.push(`c.type = $${params.push(q.filters.type)}`);
    const { rows, total } = await plainPage<CommitmentRow>(
      this.db,
      { columns: COMMITMENT_COLUMNS, from: `commitments c WHERE ${where.join(' AND ')}`, params, orderBy: `c.${q.sort.field} ${q.sort.direction}` },
      q,
    );
    return Page.of(await this.views(this.db.manager, rows), total, q);
  }

  async get(subject: AccessSubject, projectId: number, id: number): Promise<Record<string, unknown>> {
    const row = await this.visibleRow(subject, projectId, id, 'commitments.view');
    return (await this.views(this.db.manager, [row]))[0];
  }

  /** The commitment if the subject may see it: 404 when it is not in the project, 403 when it is private to others. */
  async visibleRow(subject: AccessSubject, projectId: number, id: number, action: string, m: Pick<EntityManager, 'query'> = this.db.manager): Promise<CommitmentRow> {
    const [row]: CommitmentRow[] = await m.query(`SELECT ${COMMITMENT_COLUMNS} FROM commitments c WHERE c.id = $1 AND c.project_id = $2`, [id, projectId]);
    if (!row) throw AppError.notFound('Commitment');
    if (!(await this.canView(subject, row.id, m))) throw privateCommitment(row, action);
    return row;
  }

  async canView(subject: AccessSubject, id: number, m: Pick<EntityManager, 'query'> = this.db.manager): Promise<boolean> {
    const visible = commitmentVisibility('c', commitmentViewer(subject), 2);
    const [row] = await m.query(`SELECT 1 FROM commitments c WHERE c.id = $1 AND ${visible.sql}`, [id, ...visible.params]);
    return !!row;
  }

  async create(companyId: number, projectId: number, dto: CreateCommitmentDto, actor: Actor): Promise<Record<string, unknown>> {
    return this.clock.transaction(companyId, async (m) => {
      await this.assertParts(m, companyId, projectId, dto);
      const [{ n }]: { n: number }[] = await m.query(
        `INSERT INTO money_counters (project_id, last_commitment) VALUES ($1, 1)
         ON CONFLICT (project_id) DO UPDATE SET last_commitment = money_counters.last_commitment + 1 RETURNING last_commitment AS n`,
        [projectId],
      );
      const [{ id }]: { id: number }[] = await m.query(
        `INSERT INTO commitments (company_id, project_id, number, type, title, vendor_id, private, created_by_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
        [companyId, projectId, n, dto.type, dto.title, dto.vendor_id ?? null, dto.private ?? false, actor.userId],
      );
      await this.writePrivateList(m, id, dto.private_user_ids ?? [], false);
      await writeLines(m, 'commitment', id, dto.line_items ?? [], false);
      return this.written(m, companyId, projectId, id, 'create', actor);
    });
  }

  async update(companyId: number, projectId: number, id: number, dto: UpdateCommitmentDto, expected: number | undefined, actor: Actor): Promise<Record<string, unknown>> {
    return this.clock.transaction(companyId, async (m) => {
      const current = await this.lock(m, projectId, id, expected);
      if (dto.line_items !== undefined && current.status === 'approved') {
        throw new AppError('item_locked', `Commitment #${current.number} is approved: its lines are committed costs and cannot change; write a commitment change order instead.`, { status: current.status });
      }
      await this.assertParts(m, companyId, projectId, dto);
      await m.query(
        `UPDATE commitments SET title = $2, vendor_id = $3, private = $4, version = version + 1, updated_at = sim_now() WHERE id = $1`,
        [id, dto.title ?? current.title, dto.vendor_id === undefined ? current.vendor_id : dto.vendor_id, dto.private ?? current.private],
      );
      if (dto.private_user_ids !== undefined) await this.writePrivateList(m, id, dto.private_user_ids, true);
      if (dto.line_items !== undefined) await writeLines(m, 'commitment', id, dto.line_items, true);
      return this.written(m, companyId, projectId, id, 'update', actor);
    });
  }

  /** Draft → approved: its lines become committed costs once the change reaches the budget. */
  async approve(companyId: number, projectId: number, id: number, expected: number | undefined, actor: Actor): Promise<Record<string, unknown>> {
    return this.clock.transaction(companyId, async (m, now) => {
      const current = await this.lock(m, projectId, id, expected);
      if (current.status !== 'draft') throw AppError.invalidTransition('approve a commitment', current.status, []);
      await m.query(`UPDATE commitments SET status = 'approved', approved_at = $2, approved_by_id = $3, version = version + 1, updated_at = sim_now() WHERE id = $1`, [id, now, actor.userId]);
      const view = await this.written(m, companyId, projectId, id, 'update', actor);
      await this.recalc.carry(m, companyId, projectId, 'Commitments', id);
      return view;
    });
  }

  /** A draft without change orders or invoices may go; an approved commitment is locked. */
  async remove(companyId: number, projectId: number, id: number, expected: number | undefined, actor: Actor): Promise<void> {
    await this.clock.transaction(companyId, async (m) => {
      const current = await this.lock(m, projectId, id, expected);
      if (current.status === 'approved') throw new AppError('item_locked', `Commitment #${current.number} is approved and cannot be deleted.`, { status: current.status });
      const [uses]: { n: number }[] = await m.query(
        'SELECT ((SELECT count(*) FROM change_orders WHERE commitment_id = $1) + (SELECT count(*) FROM commitment_invoices WHERE commitment_id = $1))::int AS n',
        [id],
      );
      if (uses.n > 0) throw new AppError('invalid_request', `Commitment #${current.number} has ${uses.n} change order(s) or invoice(s); remove them first.`, { commitment_id: id, dependents: uses.n });
      const [snapshot] = await this.views(m, [current]);
      await m.query('DELETE FROM commitments WHERE id = $1', [id]);
      await this.changes.record(m, { companyId, projectId, resource: 'Commitments', resourceId: id, eventType: 'delete', version: current.version + 1, snapshot, actor });
    });
  }

  /** The commitment under its row lock, at the version the client expects. */
  lock(m: EntityManager, projectId: number, id: number, expected: number | undefined): Promise<CommitmentRow> {
    return lockRowForEdit<CommitmentRow>(m, `SELECT ${COMMITMENT_COLUMNS} FROM commitments c WHERE c.id = $1 AND c.project_id = $2 FOR UPDATE`, [id, projectId], 'Commitment', expected);
  }

  private async assertParts(m: EntityManager, companyId: number, projectId: number, dto: { vendor_id?: number | null; private_user_ids?: number[]; line_items?: { budget_line_item_id: number; amount: string }[] }): Promise<void> {
    if (dto.vendor_id !== undefined && dto.vendor_id !== null) {
      const [vendor] = await m.query('SELECT 1 FROM vendors WHERE id = $1 AND company_id = $2', [dto.vendor_id, companyId]);
      if (!vendor) throw AppError.field('vendor_id', "is not a vendor of the company's directory");
    }
    await assertActiveMembers(m, projectId, [['private_user_ids', dto.private_user_ids ?? []]]);
    await assertBudgetLines(m, projectId, dto.line_items ?? []);
  }

  private async writePrivateList(m: EntityManager, id: number, userIds: readonly number[], replace: boolean): Promise<void> {
    if (replace) await m.query('DELETE FROM commitment_private_users WHERE commitment_id = $1', [id]);
    if (userIds.length) await m.query('INSERT INTO commitment_private_users (commitment_id, user_id) SELECT $1, unnest($2::int[]) ON CONFLICT DO NOTHING', [id, [...new Set(userIds)]]);
  }

  private async written(m: EntityManager, companyId: number, projectId: number, id: number, eventType: 'create' | 'update', actor: Actor): Promise<Record<string, unknown>> {
    const [row]: CommitmentRow[] = await m.query(`SELECT ${COMMITMENT_COLUMNS} FROM commitments c WHERE c.id = $1`, [id]);
    const [view] = await this.views(m, [row]);
    await this.changes.record(m, { companyId, projectId, resource: 'Commitments', resourceId: id, eventType, version: row.version, snapshot: view, actor });
    return view;
  }

  private async views(m: Pick<EntityManager, 'query'>, rows: CommitmentRow[]): Promise<Record<string, unknown>[]> {
    const ids = rows.map((r) => r.id);
    const lines = await linesOf(m, 'commitment', ids);
    const lists: { commitment_id: number; user_id: number }[] = ids.length
      ? await m.query('SELECT commitment_id, user_id FROM commitment_private_users WHERE commitment_id = ANY($1::int[]) ORDER BY user_id', [ids])
      : [];
    return rows.map((r) => ({
      id: r.id,
      project_id: r.project_id,
      number: r.number,
      type: r.type,
      title: r.title,
      vendor_id: r.vendor_id,
      status: r.status,
      private: r.private,
      private_user_ids: lists.filter((l) => l.commitment_id === r.id).map((l) => l.user_id),
      line_items: lines.get(r.id)!.lines,
      total: lines.get(r.id)!.total,
      approved_at: r.approved_at?.toISOString() ?? null,
      approved_by_id: r.approved_by_id,
      created_by_id: r.created_by_id,
      version: r.version,
      created_at: r.created_at.toISOString(),
      updated_at: r.updated_at.toISOString(),
    }));
  }
}
