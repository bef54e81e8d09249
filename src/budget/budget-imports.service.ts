import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ChangeLog } from '../changes/change-log.service';
import { AppError } from '../common/errors';
import type { Actor } from '../common/http/request-helpers';
import { Page, plainPage } from '../common/pagination';
import { SandboxClock } from '../sandboxes/sandbox-clock';
import { readBudgetCsv } from './budget-csv';
import { BudgetRecalc } from './budget-recalc';
import { BudgetService } from './budget.service';

interface ImportRecord {
  id: number;
  project_id: number;
  status: 'completed';
  file_name: string | null;
  rows: number;
  bytes: number;
  took_ms: number;
  created_by_id: number | null;
  created_at: Date;
}

const COLUMNS = 'id, project_id, status, file_name, rows, bytes, took_ms, created_by_id, created_at';

function mapImport(r: ImportRecord, lineItemIds?: number[]): Record<string, unknown> {
  return { ...r, created_at: r.created_at.toISOString(), ...(lineItemIds && { line_item_ids: lineItemIds }) };
}

/** The file of an import: its bytes, and its name when it came as a multipart part. */
export interface ImportFile {
  fileName: string | null;
  bytes: Buffer;
}

/**
 * Budget imports from CSV: in one transaction under the budget row's lock
 * (refused while locked), every row is checked before anything is written;
 * then every line item is created in one statement (each a `Budget Line Items`
 * create change, for webhooks and devices), one recalculation is asked for,
 * and the import is recorded. A bad file writes nothing.
 */
@Injectable()
export class BudgetImportsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: SandboxClock,
    private readonly budget: BudgetService,
    private readonly recalc: BudgetRecalc,
    private readonly changes: ChangeLog,
  ) {}

  async import(companyId: number, projectId: number, file: ImportFile, actor: Actor): Promise<Record<string, unknown>> {
    // How long the import took, for its record (a duration, never a stored time).
    const started = performance.now();
    return this.clock.transaction(companyId, async (m) => {
      await this.budget.assertUnlocked(m, companyId, projectId);
      // Key-share locks: no cost code the file names can be deleted before the line items refer to it.
      const codes: { id: number; code: string }[] = await m.query('SELECT id, lower(code) AS code FROM cost_codes WHERE project_id = $1 FOR KEY SHARE', [projectId]);
      const rows = readBudgetCsv(file.bytes, new Map(codes.map((c) => [c.code, c.id])));
      const created: { id: number }[] = await m.query(
        `INSERT INTO budget_line_items (company_id, project_id, cost_code_id, cost_type, description, original_budget_amount)
         SELECT $1, $2, r.cost_code_id, r.cost_type, r.description, r.amount
           FROM unnest($3::int[], $4::text[], $5::text[], $6::numeric[]) WITH ORDINALITY AS r(cost_code_id, cost_type, description, amount, n)
          ORDER BY r.n RETURNING id`,
        [companyId, projectId, rows.map((r) => r.cost_code_id), rows.map((r) => r.cost_type), rows.map((r) => r.description), rows.map((r) => r.original_budget_amount)],
      );
      // Ids are drawn in the order of the file.
      const ids = created.map((c) => c.id).sort((a, b) => a - b);
      const views = await this.budget.lineItemViews(m, ids);
      await this.changes.recordMany(
        m,
        views.map((snapshot) => ({ companyId, projectId, resource: 'Budget Line Items', resourceId: snapshot.id as number, eventType: 'create', version: 1, snapshot, actor })),
      );
      await this.recalc.request(m, companyId, projectId);
      const [record]: ImportRecord[] = await m.query(
        `INSERT INTO budget_imports (company_id, project_id, file_name, rows, bytes, took_ms, created_by_id) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
        [companyId, projectId, file.fileName, rows.length, file.bytes.length, Math.round(performance.now() - started), actor.userId],
      );
      return mapImport(record, ids);
    });
  }

  async list(projectId: number, q: { page: number; perPage: number; sort: { direction: 'ASC' | 'DESC' } }): Promise<Page<Record<string, unknown>>> {
    const { rows, total } = await plainPage<ImportRecord>(this.db, { columns: COLUMNS, from: 'budget_imports WHERE project_id = $1', params: [projectId], orderBy: `id ${q.sort.direction}` }, q);
    return Page.of(rows.map((r) => mapImport(r)), total, q);
  }

  async get(projectId: number, id: number): Promise<Record<string, unknown>> {
    const [row]: ImportRecord[] = await this.db.query(`SELECT ${COLUMNS} FROM budget_imports WHERE id = $1 AND project_id = $2`, [id, projectId]);
    if (!row) throw AppError.notFound('Budget import');
    return mapImport(row);
  }
}
