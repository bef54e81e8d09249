import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ChangeLog, ResourceName } from '../changes/change-log.service';
import { AppError } from '../common/errors';
import type { Actor } from '../common/http/request-helpers';
import { lockRowForEdit, updateReturning } from '../database/versioning';
import { SandboxClock } from '../sandboxes/sandbox-clock';

/** The two named groupings of a project's drawings: areas (where a drawing is) and sets (what it was issued in). */
export type Catalog = 'drawing_areas' | 'drawing_sets';

interface CatalogRow {
  id: number;
  project_id: number;
  name: string;
  created_by_id: number | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'c.id, c.project_id, c.name, c.created_by_id, c.version, c.created_at, c.updated_at';

const SPEC: Record<Catalog, { label: string; resource: ResourceName; inUse: string }> = {
  drawing_areas: {
    label: 'Drawing area',
    resource: 'Drawing Areas',
    inUse: `SELECT (SELECT count(*) FROM drawings WHERE drawing_area_id = $1)::int + (SELECT count(*) FROM drawing_uploads WHERE drawing_area_id = $1)::int AS n`,
  },
  drawing_sets: { label: 'Drawing set', resource: 'Drawing Sets', inUse: 'SELECT count(*)::int AS n FROM drawing_revisions WHERE drawing_set_id = $1' },
};

function mapRow(r: CatalogRow): Record<string, unknown> {
  return { ...r, created_at: r.created_at.toISOString(), updated_at: r.updated_at.toISOString() };
}

/** Drawing areas and drawing sets: listed, created, renamed, deleted while nothing is in them. */
@Injectable()
export class DrawingCatalogService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: SandboxClock,
    private readonly changes: ChangeLog,
  ) {}

  async list(catalog: Catalog, projectId: number): Promise<Record<string, unknown>[]> {
    const rows: CatalogRow[] = await this.db.query(`SELECT ${COLUMNS} FROM ${catalog} c WHERE c.project_id = $1 ORDER BY lower(c.name), c.id`, [projectId]);
    return rows.map(mapRow);
  }

  async get(catalog: Catalog, projectId: number, id: number): Promise<Record<string, unknown>> {
    const [row]: CatalogRow[] = await this.db.query(`SELECT ${COLUMNS} FROM ${catalog} c WHERE c.id = $1 AND c.project_id = $2`, [id, projectId]);
    if (!row) throw AppError.notFound(SPEC[catalog].label);
    return mapRow(row);
  }

  async create(catalog: Catalog, companyId: number, projectId: number, name: string, actor: Actor): Promise<Record<string, unknown>> {
    return this.clock.transaction(companyId, (m) => this.insert(m, catalog, companyId, projectId, name, actor));
  }

  /** In the caller's transaction (a publication that opens a new set). */
  async insert(m: EntityManager, catalog: Catalog, companyId: number, projectId: number, name: string, actor: Actor): Promise<Record<string, unknown>> {
    await this.assertFree(m, catalog, projectId, name, null);
    const [row]: CatalogRow[] = await m.query(`INSERT INTO ${catalog} AS c (company_id, project_id, name, created_by_id) VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}`, [
      companyId,
      projectId,
      name,
      actor.userId,
    ]);
    return this.written(m, catalog, companyId, row, 'create', actor);
  }

  async rename(catalog: Catalog, companyId: number, projectId: number, id: number, name: string | undefined, expected: number | undefined, actor: Actor): Promise<Record<string, unknown>> {
    return this.clock.transaction(companyId, async (m) => {
      const current = await this.lock(m, catalog, projectId, id, expected);
      if (name === undefined) return mapRow(current);
      await this.assertFree(m, catalog, projectId, name, id);
      const [row] = await updateReturning<CatalogRow>(m, `UPDATE ${catalog} c SET name = $2, version = version + 1, updated_at = sim_now() WHERE c.id = $1 RETURNING ${COLUMNS}`, [id, name]);
      return this.written(m, catalog, companyId, row, 'update', actor);
    });
  }

  /** Only an empty one: 422 `invalid_transition` naming what is still in it. */
  async remove(catalog: Catalog, companyId: number, projectId: number, id: number, expected: number | undefined, actor: Actor): Promise<void> {
    await this.clock.transaction(companyId, async (m) => {
      const current = await this.lock(m, catalog, projectId, id, expected);
      const [{ n }]: { n: number }[] = await m.query(SPEC[catalog].inUse, [id]);
      if (n > 0) {
        throw new AppError('invalid_transition', `${SPEC[catalog].label} "${current.name}" still holds ${n} drawing${n === 1 ? '' : 's'}, revision${n === 1 ? '' : 's'} or upload${n === 1 ? '' : 's'}; delete them first.`, {
          from: 'in_use',
          allowed: ['empty'],
          in_use: n,
        });
      }
      await m.query(`DELETE FROM ${catalog} WHERE id = $1`, [id]);
      await this.changes.record(m, { companyId, projectId, resource: SPEC[catalog].resource, resourceId: id, eventType: 'delete', version: current.version + 1, snapshot: mapRow(current), actor });
    });
  }

  /** 422 unless `id` is one of the project's. */
  async assertIn(m: EntityManager, catalog: Catalog, projectId: number, id: number, field: string): Promise<CatalogRow> {
    const [row]: CatalogRow[] = await m.query(`SELECT ${COLUMNS} FROM ${catalog} c WHERE c.id = $1 AND c.project_id = $2`, [id, projectId]);
    if (!row) throw AppError.field(field, `${id} is not a ${SPEC[catalog].label.toLowerCase()} of this project`);
    return row;
  }

  private async assertFree(m: EntityManager, catalog: Catalog, projectId: number, name: string, except: number | null): Promise<void> {
    const [taken] = await m.query(`SELECT 1 FROM ${catalog} WHERE project_id = $1 AND lower(name) = lower($2) AND ($3::int IS NULL OR id <> $3)`, [projectId, name, except]);
    if (taken) throw new AppError('duplicate', `The project already has a ${SPEC[catalog].label.toLowerCase()} named "${name}".`, { field: 'name', name });
  }

  private lock(m: EntityManager, catalog: Catalog, projectId: number, id: number, expected: number | undefined): Promise<CatalogRow> {
    return lockRowForEdit<CatalogRow>(m, `SELECT ${COLUMNS} FROM ${catalog} c WHERE c.id = $1 AND c.project_id = $2 FOR UPDATE`, [id, projectId], SPEC[catalog].label, expected);
  }

  private async written(m: EntityManager, catalog: Catalog, companyId: number, row: CatalogRow, eventType: 'create' | 'update', actor: Actor): Promise<Record<string, unknown>> {
    const view = mapRow(row);
    await this.changes.record(m, { companyId, projectId: row.project_id, resource: SPEC[catalog].resource, resourceId: row.id, eventType, version: row.version, snapshot: view, actor });
    return view;
  }
}
