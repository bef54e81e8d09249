import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ChangeLog } from '../changes/change-log.service';
import { AppError } from '../common/errors';
import type { Actor } from '../common/http/request-helpers';
import { likePattern, ListQuery, ListSpec, Page, parseListQuery } from '../common/pagination';
import { lockForEdit } from '../database/versioning';
import { loadUserRefs, UserRef } from '../directory/directory.mappers';
import type { AccessSubject } from '../permissions/access-subject';
import { CreatePackageDto, UpdatePackageDto } from './dto/package.dto';
import { SubmittalPackage } from './submittal.entities';
import { mapPackage } from './submittals.mapper';
import { SUBMITTAL_LIST, SubmittalsService } from './submittals.service';
import { SandboxClock } from '../sandboxes/sandbox-clock';

export const PACKAGE_LIST: ListSpec<'query', 'number' | 'id' | 'title'> = {
  filters: { query: { kind: 'string' } },
  sorts: ['number', 'id', 'title'],
  defaultSort: 'number',
};

/** Submittal packages: numbered per project, listing the submittals the viewer may see. */
@Injectable()
export class SubmittalPackagesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly submittals: SubmittalsService,
    private readonly changes: ChangeLog,
    private readonly clock: SandboxClock,
  ) {}

  async list(projectId: number, q: ListQuery<'query', 'number' | 'id' | 'title'>): Promise<Page<Record<string, unknown>>> {
    const qb = this.db.getRepository(SubmittalPackage).createQueryBuilder('p').where('p.projectId = :projectId', { projectId });
    if (q.filters.query !== undefined) qb.andWhere('p.title ILIKE :query', { query: likePattern(q.filters.query) });
    const [rows, total] = await qb
      .orderBy(`p.${q.sort.field}`, q.sort.direction)
      .addOrderBy('p.id', 'ASC')
      .skip((q.page - 1) * q.perPage)
      .take(q.perPage)
      .getManyAndCount();
    const users = await this.users(rows);
    return Page.of(rows.map((p) => mapPackage(p, users, undefined)), total, q);
  }

  /** One package with the submittals in it that the viewer may see. */
  async get(subject: AccessSubject, projectId: number, id: number): Promise<Record<string, unknown>> {
    const p = await this.db.getRepository(SubmittalPackage).findOneBy({ id, projectId });
    if (!p) throw AppError.notFound('Submittal package');
    const inside = await this.submittals.list(subject, projectId, parseListQuery({ filters: { package_id: String(id) }, per_page: '1000', sort: 'number' }, SUBMITTAL_LIST), false);
    return mapPackage(p, await this.users([p]), inside.items);
  }

  async create(subject: AccessSubject, projectId: number, dto: CreatePackageDto, actor: Actor): Promise<Record<string, unknown>> {
    const id = await this.clock.transaction(subject.companyId, async (m) => {
      const [{ last_package: number }] = await m.query(
        `INSERT INTO submittal_counters (project_id, last_package) VALUES ($1, 1)
         ON CONFLICT (project_id) DO UPDATE SET last_package = submittal_counters.last_package + 1 RETURNING last_package`,
        [projectId],
      );
      const p = await m.save(m.create(SubmittalPackage, { companyId: subject.companyId, projectId, number, title: dto.title, description: dto.description ?? '', createdById: actor.userId }));
      await this.changes.recordRow(m, SubmittalPackage, p.id, { companyId: subject.companyId, projectId, resource: 'Submittal Packages', eventType: 'create', actor });
      return p.id;
    });
    return this.get(subject, projectId, id);
  }

  async update(subject: AccessSubject, projectId: number, id: number, dto: UpdatePackageDto, expected: number | undefined, actor: Actor): Promise<Record<string, unknown>> {
    await this.clock.transaction(subject.companyId, async (m) => {
      const p = await lockForEdit(m, SubmittalPackage, { id, projectId }, 'Submittal package', expected);
      await m.update(SubmittalPackage, { id }, {
        ...(dto.title !== undefined && { title: dto.title }),
        ...(dto.description !== undefined && { description: dto.description }),
        version: p.version + 1,
      });
      await this.changes.recordRow(m, SubmittalPackage, id, { companyId: subject.companyId, projectId, resource: 'Submittal Packages', eventType: 'update', actor });
    });
    return this.get(subject, projectId, id);
  }

  /** Deleting a package keeps its submittals; they leave the package. */
  async remove(subject: AccessSubject, projectId: number, id: number, expected: number | undefined, actor: Actor): Promise<void> {
    await this.clock.transaction(subject.companyId, async (m) => {
      const p = await lockForEdit(m, SubmittalPackage, { id, projectId }, 'Submittal package', expected);
      await this.changes.recordRow(m, SubmittalPackage, p, { companyId: subject.companyId, projectId, resource: 'Submittal Packages', eventType: 'delete', actor });
      await m.delete(SubmittalPackage, { id });
    });
  }

  private users(rows: SubmittalPackage[]): Promise<Map<number, UserRef>> {
    return loadUserRefs(this.db, rows.map((r) => r.createdById));
  }
}
