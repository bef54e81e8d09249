import { ChangeLog } from '../changes/change-log.service';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { AppError } from '../common/errors';
import type { Actor } from '../common/http/request-helpers';
import { ListQuery, ListSpec, Page } from '../common/pagination';
import { insertWithId } from '../database/insert-with-id';
import { lockForEdit } from '../database/versioning';
import { Company } from '../directory/entities/company.entity';
import { escapeLike } from '../directory/users.service';
import { PROJECT_TOOLS } from '../permissions/permission.types';
import { CreateProjectDto, UpdateProjectDto } from './dto/project.dto';
import { Project } from './entities/project.entity';
import { ProjectTool } from './entities/project-tool.entity';
import { mapProject } from './projects.mappers';
import { SandboxClock } from '../sandboxes/sandbox-clock';

export const PROJECT_LIST: ListSpec<'active' | 'query' | 'ids', 'name' | 'id' | 'created_at'> = {
  filters: { active: { kind: 'bool' }, query: { kind: 'string' }, ids: { kind: 'ints' } },
  sorts: ['name', 'id', 'created_at'],
  defaultSort: 'name',
};
type ProjectListQuery = ListQuery<'active' | 'query' | 'ids', 'name' | 'id' | 'created_at'>;

const SORT_COLUMN = { name: 'p.name', id: 'p.id', created_at: 'p.createdAt' } as const;

@Injectable()
export class ProjectsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly changeLog: ChangeLog,
    private readonly clock: SandboxClock,
  ) {}

  /** Every project of the company, or (`memberOnly`) only those where the user is an active member. */
  async list(companyId: number, q: ProjectListQuery, memberOnly: number | null): Promise<Page<Record<string, unknown>>> {
    const qb = this.db.getRepository(Project).createQueryBuilder('p').where('p.companyId = :companyId', { companyId });
    if (memberOnly !== null) {
      qb.andWhere(
        'EXISTS (SELECT 1 FROM project_memberships m WHERE m.project_id = p.id AND m.user_id = :uid AND m.active)',
        { uid: memberOnly },
      );
    }
    if (q.filters.active !== undefined) qb.andWhere('p.active = :active', { active: q.filters.active });
    if (q.filters.ids !== undefined) qb.andWhere('p.id IN (:...ids)', { ids: q.filters.ids });
    if (q.filters.query !== undefined) qb.andWhere('p.name ILIKE :q', { q: `%${escapeLike(String(q.filters.query))}%` });
    qb.orderBy(SORT_COLUMN[q.sort.field], q.sort.direction).addOrderBy('p.id', 'ASC');
    const [rows, total] = await qb.skip((q.page - 1) * q.perPage).take(q.perPage).getManyAndCount();
    const name = await this.companyName(companyId);
    return Page.of(rows.map((p) => mapProject(p, name)), total, q);
  }

  async get(companyId: number, projectId: number): Promise<Record<string, unknown>> {
    const project = await this.db.getRepository(Project).findOneBy({ id: projectId, companyId });
    if (!project) throw AppError.notFound('Project');
    return mapProject(project, await this.companyName(companyId));
  }

  async create(companyId: number, dto: CreateProjectDto, actor: Actor): Promise<Record<string, unknown>> {
    const project = await this.clock.transaction(companyId, (m) => this.insert(m, companyId, dto, actor));
    return this.get(companyId, project.id);
  }

  /** Creates a project with every tool active (also used by sandbox seeding). */
  async insert(m: EntityManager, companyId: number, dto: CreateProjectDto & { id?: number }, actor: Actor | null): Promise<Project> {
    const values: Partial<Project> = {
      companyId,
      name: dto.name,
      projectNumber: dto.project_number ?? null,
      address: dto.address ?? null,
      settings: dto.rfi_due_days ? { rfi_due_days: dto.rfi_due_days } : {},
    };
    const project = dto.id ? await insertWithId(m, Project, dto.id, values) : await m.save(m.create(Project, values));
    await m.insert(
      ProjectTool,
      PROJECT_TOOLS.map((tool) => ({ projectId: project.id, tool, active: true })),
    );
    if (actor) {
      await this.audit.record({ companyId, projectId: project.id, userId: actor.userId, kind: 'project_created', detail: { name: project.name }, requestId: actor.requestId }, m);
      await this.changeLog.recordRow(m, Project, project, { companyId, projectId: project.id, resource: 'Projects', eventType: 'create', actor });
    }
    return project;
  }

  async update(companyId: number, projectId: number, dto: UpdateProjectDto, expected: number | undefined, actor: Actor): Promise<Record<string, unknown>> {
    await this.clock.transaction(companyId, async (m) => {
      const p = await lockForEdit(m, Project, { id: projectId, companyId }, 'Project', expected);
      if (dto.name !== undefined) p.name = dto.name;
      if (dto.project_number !== undefined) p.projectNumber = dto.project_number;
      if (dto.address !== undefined) p.address = dto.address;
      if (dto.active !== undefined) p.active = dto.active;
      if (dto.rfi_due_days !== undefined) {
        // null restores the default
        const { rfi_due_days: _old, ...rest } = p.settings;
        p.settings = dto.rfi_due_days === null ? rest : { ...rest, rfi_due_days: dto.rfi_due_days };
      }
      p.version += 1;
      await m.save(p);
      await this.audit.record({ companyId, projectId, userId: actor.userId, kind: 'project_updated', detail: {}, requestId: actor.requestId }, m);
      await this.changeLog.recordRow(m, Project, projectId, { companyId, projectId, resource: 'Projects', eventType: 'update', actor });
    });
    return this.get(companyId, projectId);
  }

  private async companyName(companyId: number): Promise<string> {
    const company = await this.db.getRepository(Company).findOne({ where: { id: companyId }, select: { id: true, name: true } });
    return company?.name ?? '';
  }
}
