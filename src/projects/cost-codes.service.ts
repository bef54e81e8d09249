import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ChangeLog } from '../changes/change-log.service';
import { AppError } from '../common/errors';
import type { Actor } from '../common/http/request-helpers';
import { Page, plainPage } from '../common/pagination';
import { lockRowForEdit, updateReturning } from '../database/versioning';
import { SandboxClock } from '../sandboxes/sandbox-clock';
import type { CreateCostCodeDto, UpdateCostCodeDto } from '../budget/dto/budget.dto';

interface CostCodeRow {
  id: number;
  project_id: number;
  code: string;
  description: string;
  version: number;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'id, project_id, code, description, version, created_at, updated_at';

function mapCostCode(r: CostCodeRow): Record<string, unknown> {
  return { id: r.id, project_id: r.project_id, code: r.code, description: r.description, version: r.version, created_at: r.created_at.toISOString(), updated_at: r.updated_at.toISOString() };
}

/** A code is unique in its project, whatever its case. */
function duplicate(code: string): AppError {
  return new AppError('duplicate', `The project already has the cost code ${code}.`, { field: 'code', code });
}

/** A project's cost codes (`admin.manage_cost_codes`): what budget line items are kept under. */
@Injectable()
export class CostCodesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: SandboxClock,
    private readonly changes: ChangeLog,
  ) {}

  async list(projectId: number, q: { page: number; perPage: number }): Promise<Page<Record<string, unknown>>> {
    const { rows, total } = await plainPage<CostCodeRow>(this.db, { columns: COLUMNS, from: 'cost_codes WHERE project_id = $1', params: [projectId], orderBy: 'code, id' }, q);
    return Page.of(rows.map(mapCostCode), total, q);
  }

  async get(projectId: number, id: number): Promise<Record<string, unknown>> {
    const [row]: CostCodeRow[] = await this.db.query(`SELECT ${COLUMNS} FROM cost_codes WHERE id = $1 AND project_id = $2`, [id, projectId]);
    if (!row) throw AppError.notFound('Cost code');
    return mapCostCode(row);
  }

  async create(companyId: number, projectId: number, dto: CreateCostCodeDto, actor: Actor): Promise<Record<string, unknown>> {
    return this.clock.transaction(companyId, async (m) => {
      await this.assertFree(m, projectId, dto.code, null);
      const [row]: CostCodeRow[] = await m.query(
        `INSERT INTO cost_codes (company_id, project_id, code, description) VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}`,
        [companyId, projectId, dto.code, dto.description],
      );
      return this.written(m, companyId, row, 'create', actor);
    });
  }

  async update(companyId: number, projectId: number, id: number, dto: UpdateCostCodeDto, expected: number | undefined, actor: Actor): Promise<Record<string, unknown>> {
    return this.clock.transaction(companyId, async (m) => {
      const current = await this.lock(m, projectId, id, expected);
      if (dto.code !== undefined) await this.assertFree(m, projectId, dto.code, id);
      const [row] = await updateReturning<CostCodeRow>(m, `UPDATE cost_codes SET code = $2, description = $3, version = version + 1, updated_at = sim_now() WHERE id = $1 RETURNING ${COLUMNS}`,
        [id, dto.code ?? current.code, dto.description ?? current.description],
      );
      return this.written(m, companyId, row, 'update', actor);
    });
  }

  async remove(companyId: number, projectId: number, id: number, expected: number | undefined, actor: Actor): Promise<void> {
    await this.clock.transaction(companyId, async (m) => {
      const current = await this.lock(m, projectId, id, expected);
      const [{ n }]: { n: number }[] = await m.query('SELECT count(*)::int AS n FROM budget_line_items WHERE cost_code_id = $1', [id]);
      if (n > 0) throw new AppError('invalid_request', `${n} budget line item(s) are kept under cost code ${current.code}; move or delete them first.`, { cost_code_id: id, line_items: n });
      await m.query('DELETE FROM cost_codes WHERE id = $1', [id]);
      await this.changes.record(m, { companyId, projectId, resource: 'Cost Codes', resourceId: id, eventType: 'delete', version: current.version + 1, snapshot: mapCostCode(current), actor });
    });
  }

  private async assertFree(m: EntityManager, projectId: number, code: string, except: number | null): Promise<void> {
    const [taken] = await m.query('SELECT 1 FROM cost_codes WHERE project_id = $1 AND lower(code) = lower($2) AND ($3::int IS NULL OR id <> $3)', [projectId, code, except]);
    if (taken) throw duplicate(code);
  }

  private lock(m: EntityManager, projectId: number, id: number, expected: number | undefined): Promise<CostCodeRow> {
    return lockRowForEdit<CostCodeRow>(m, `SELECT ${COLUMNS} FROM cost_codes WHERE id = $1 AND project_id = $2 FOR UPDATE`, [id, projectId], 'Cost code', expected);
  }

  private async written(m: EntityManager, companyId: number, row: CostCodeRow, eventType: 'create' | 'update', actor: Actor): Promise<Record<string, unknown>> {
    const view = mapCostCode(row);
    await this.changes.record(m, { companyId, projectId: row.project_id, resource: 'Cost Codes', resourceId: row.id, eventType, version: row.version, snapshot: view, actor });
    return view;
  }
}
