import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ChangeLog } from '../changes/change-log.service';
import { AppError } from '../common/errors';
import type { Actor } from '../common/http/request-helpers';
import { Page, plainPage } from '../common/pagination';
import { lockRowForEdit, updateReturning } from '../database/versioning';
import { SandboxClock } from '../sandboxes/sandbox-clock';
import type { CreatePrimeContractDto, UpdatePrimeContractDto } from './dto/contracts.dto';

interface PrimeContractRow {
  id: number;
  project_id: number;
  number: string;
  title: string;
  value: string;
  created_by_id: number | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'id, project_id, number, title, value::text, created_by_id, version, created_at, updated_at';

function mapPrimeContract(r: PrimeContractRow): Record<string, unknown> {
  return { ...r, created_at: r.created_at.toISOString(), updated_at: r.updated_at.toISOString() };
}

/** A project's prime contracts (with the owner): what prime change orders change. */
@Injectable()
export class PrimeContractsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: SandboxClock,
    private readonly changes: ChangeLog,
  ) {}

  async list(projectId: number, q: { page: number; perPage: number }): Promise<Page<Record<string, unknown>>> {
    const { rows, total } = await plainPage<PrimeContractRow>(this.db, { columns: COLUMNS, from: 'prime_contracts WHERE project_id = $1', params: [projectId], orderBy: 'id' }, q);
    return Page.of(rows.map(mapPrimeContract), total, q);
  }

  async get(projectId: number, id: number): Promise<Record<string, unknown>> {
    const [row]: PrimeContractRow[] = await this.db.query(`SELECT ${COLUMNS} FROM prime_contracts WHERE id = $1 AND project_id = $2`, [id, projectId]);
    if (!row) throw AppError.notFound('Prime contract');
    return mapPrimeContract(row);
  }

  async create(companyId: number, projectId: number, dto: CreatePrimeContractDto, actor: Actor): Promise<Record<string, unknown>> {
    return this.clock.transaction(companyId, async (m) => {
      await this.assertFree(m, projectId, dto.number, null);
      const [row]: PrimeContractRow[] = await m.query(
        `INSERT INTO prime_contracts (company_id, project_id, number, title, value, created_by_id) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
        [companyId, projectId, dto.number, dto.title, dto.value, actor.userId],
      );
      return this.written(m, companyId, row, 'create', actor);
    });
  }

  async update(companyId: number, projectId: number, id: number, dto: UpdatePrimeContractDto, expected: number | undefined, actor: Actor): Promise<Record<string, unknown>> {
    return this.clock.transaction(companyId, async (m) => {
      const current = await this.lock(m, projectId, id, expected);
      if (dto.number !== undefined) await this.assertFree(m, projectId, dto.number, id);
      const [row] = await updateReturning<PrimeContractRow>(m, `UPDATE prime_contracts SET number = $2, title = $3, value = $4, version = version + 1, updated_at = sim_now() WHERE id = $1 RETURNING ${COLUMNS}`,
        [id, dto.number ?? current.number, dto.title ?? current.title, dto.value ?? current.value],
      );
      return this.written(m, companyId, row, 'update', actor);
    });
  }

  /** Refused while change orders are written against it (they would go with it). */
  async remove(companyId: number, projectId: number, id: number, expected: number | undefined, actor: Actor): Promise<void> {
    await this.clock.transaction(companyId, async (m) => {
      const current = await this.lock(m, projectId, id, expected);
      const [{ n }]: { n: number }[] = await m.query('SELECT count(*)::int AS n FROM change_orders WHERE prime_contract_id = $1', [id]);
      if (n > 0) throw new AppError('invalid_request', `${n} change order(s) are written against prime contract ${current.number}; void or delete them first.`, { prime_contract_id: id, change_orders: n });
      await m.query('DELETE FROM prime_contracts WHERE id = $1', [id]);
      await this.changes.record(m, { companyId, projectId, resource: 'Prime Contracts', resourceId: id, eventType: 'delete', version: current.version + 1, snapshot: mapPrimeContract(current), actor });
    });
  }

  private async assertFree(m: EntityManager, projectId: number, number: string, except: number | null): Promise<void> {
    const [taken] = await m.query('SELECT 1 FROM prime_contracts WHERE project_id = $1 AND lower(number) = lower($2) AND ($3::int IS NULL OR id <> $3)', [projectId, number, except]);
    if (taken) throw new AppError('duplicate', `The project already has a prime contract numbered ${number}.`, { field: 'number', number });
  }

  private lock(m: EntityManager, projectId: number, id: number, expected: number | undefined): Promise<PrimeContractRow> {
    return lockRowForEdit<PrimeContractRow>(m, `SELECT ${COLUMNS} FROM prime_contracts WHERE id = $1 AND project_id = $2 FOR UPDATE`, [id, projectId], 'Prime contract', expected);
  }

  private async written(m: EntityManager, companyId: number, row: PrimeContractRow, eventType: 'create' | 'update', actor: Actor): Promise<Record<string, unknown>> {
    const view = mapPrimeContract(row);
    await this.changes.record(m, { companyId, projectId: row.project_id, resource: 'Prime Contracts', resourceId: row.id, eventType, version: row.version, snapshot: view, actor });
    return view;
  }
}
