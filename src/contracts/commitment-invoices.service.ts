import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { BudgetRecalc } from '../budget/budget-recalc';
import { ChangeLog } from '../changes/change-log.service';
import { AppError } from '../common/errors';
import type { Actor } from '../common/http/request-helpers';
import { Page, plainPage } from '../common/pagination';
import { lockRowForEdit, updateReturning } from '../database/versioning';
import { SandboxClock } from '../sandboxes/sandbox-clock';
import { CommitmentsService } from './commitments.service';
import { assertBudgetLines, linesOf, writeLines } from './contract-lines';
import type { CreateInvoiceDto } from './dto/contracts.dto';

export type InvoiceStatus = 'draft' | 'under_review' | 'approved';

interface InvoiceRow {
  id: number;
  project_id: number;
  commitment_id: number;
  number: number;
  status: InvoiceStatus;
  created_by_id: number | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'id, project_id, commitment_id, number, status, created_by_id, version, created_at, updated_at';

/** Each step of an invoice: the status it leaves and the one it reaches. */
const STEPS = { submit: { from: 'draft', to: 'under_review' }, approve: { from: 'under_review', to: 'approved' } } as const;

/**
 * Subcontractor invoices against an approved commitment: drafted, submitted
 * for review, approved. Only approved invoices count in the budget's
 * job-to-date costs (one under review is the guides' "invoices not processed").
 */
@Injectable()
export class CommitmentInvoicesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: SandboxClock,
    private readonly changes: ChangeLog,
    private readonly recalc: BudgetRecalc,
    private readonly commitments: CommitmentsService,
  ) {}

  async list(projectId: number, commitmentId: number, q: { page: number; perPage: number }): Promise<Page<Record<string, unknown>>> {
    const { rows, total } = await plainPage<InvoiceRow>(
      this.db,
      { columns: COLUMNS, from: 'commitment_invoices WHERE commitment_id = $1 AND project_id = $2', params: [commitmentId, projectId], orderBy: 'number' },
      q,
    );
    return Page.of(await this.views(this.db.manager, rows), total, q);
  }

  async get(projectId: number, commitmentId: number, id: number): Promise<Record<string, unknown>> {
    const [row]: InvoiceRow[] = await this.db.query(`SELECT ${COLUMNS} FROM commitment_invoices WHERE id = $1 AND commitment_id = $2 AND project_id = $3`, [id, commitmentId, projectId]);
    if (!row) throw AppError.notFound('Invoice');
    return (await this.views(this.db.manager, [row]))[0];
  }

  /** A draft invoice billing some of the commitment's lines; the commitment must be approved. */
  async create(companyId: number, projectId: number, commitmentId: number, dto: CreateInvoiceDto, actor: Actor): Promise<Record<string, unknown>> {
    return this.clock.transaction(companyId, async (m) => {
      const commitment = await this.commitments.lock(m, projectId, commitmentId, undefined);
      if (commitment.status !== 'approved') {
        throw new AppError('invalid_transition', `Commitment #${commitment.number} is a draft: invoices are billed against approved commitments.`, { from: commitment.status, allowed: [] });
      }
      const own: { budget_line_item_id: number }[] = await m.query('SELECT DISTINCT budget_line_item_id FROM commitment_lines WHERE commitment_id = $1', [commitmentId]);
      await assertBudgetLines(m, projectId, dto.line_items, { allowed: { ids: new Set(own.map((l) => l.budget_line_item_id)), reason: `is not on a line of commitment #${commitment.number}` } });
      const [row]: InvoiceRow[] = await m.query(
        `INSERT INTO commitment_invoices (company_id, project_id, commitment_id, number, created_by_id)
         VALUES ($1, $2, $3, (SELECT coalesce(max(number), 0) + 1 FROM commitment_invoices WHERE commitment_id = $3), $4) RETURNING ${COLUMNS}`,
        [companyId, projectId, commitmentId, actor.userId],
      );
      await writeLines(m, 'invoice', row.id, dto.line_items, false);
      return this.written(m, companyId, row, 'create', actor);
    });
  }

  /** submit (draft → under review) or approve (under review → approved, which the budget then counts). */
  async step(companyId: number, projectId: number, commitmentId: number, id: number, step: keyof typeof STEPS, expected: number | undefined, actor: Actor): Promise<Record<string, unknown>> {
    return this.clock.transaction(companyId, async (m) => {
      const current = await lockRowForEdit<InvoiceRow>(
        m,
        `SELECT ${COLUMNS} FROM commitment_invoices WHERE id = $1 AND commitment_id = $2 AND project_id = $3 FOR UPDATE`,
        [id, commitmentId, projectId],
        'Invoice',
        expected,
      );
      const { from, to } = STEPS[step];
      if (current.status !== from) throw AppError.invalidTransition(`${step} an invoice`, current.status, []);
      const [row] = await updateReturning<InvoiceRow>(m, `UPDATE commitment_invoices SET status = $2, version = version + 1, updated_at = sim_now() WHERE id = $1 RETURNING ${COLUMNS}`, [id, to]);
      const view = await this.written(m, companyId, row, 'update', actor);
      if (to === 'approved') await this.recalc.carry(m, companyId, projectId, 'Commitment Invoices', id);
      return view;
    });
  }

  private async written(m: EntityManager, companyId: number, row: InvoiceRow, eventType: 'create' | 'update', actor: Actor): Promise<Record<string, unknown>> {
    const [view] = await this.views(m, [row]);
    await this.changes.record(m, { companyId, projectId: row.project_id, resource: 'Commitment Invoices', resourceId: row.id, eventType, version: row.version, snapshot: view, actor });
    return view;
  }

  private async views(m: Pick<EntityManager, 'query'>, rows: InvoiceRow[]): Promise<Record<string, unknown>[]> {
    const lines = await linesOf(m, 'invoice', rows.map((r) => r.id));
    return rows.map((r) => ({
      ...r,
      line_items: lines.get(r.id)!.lines,
      total: lines.get(r.id)!.total,
      created_at: r.created_at.toISOString(),
      updated_at: r.updated_at.toISOString(),
    }));
  }
}
