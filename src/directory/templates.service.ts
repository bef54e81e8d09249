import { ChangeLog } from '../changes/change-log.service';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Brackets, DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { AppError } from '../common/errors';
import type { Actor } from '../common/http/request-helpers';
import { ListQuery, ListSpec, Page } from '../common/pagination';
import { isReferenceViolation, isUniqueViolation } from '../database/errors';
import { lockForEdit } from '../database/versioning';
import { mapTemplate } from './directory.mappers';
import { UpdateTemplateDto } from './dto/template.dto';
import { PermissionTemplate, TemplateScope } from './entities/permission-template.entity';
import { PermissionChanges } from '../permissions/permission-changes';
import { validateTemplateContent } from './template-content';
import { SandboxClock } from '../sandboxes/sandbox-clock';

export const TEMPLATE_LIST: ListSpec<'scope' | 'assignable' | 'project_id', 'name' | 'id'> = {
  filters: { scope: { kind: 'enum', values: ['company', 'project'] }, assignable: { kind: 'bool' }, project_id: { kind: 'int' } },
  sorts: ['name', 'id'],
  defaultSort: 'name',
};

export interface NewTemplate {
  name: string;
  scope: TemplateScope;
  projectId: number | null;
  assignable?: boolean | null;
  levels: Record<string, string>;
  granular?: string[] | null;
}

const USAGE_SQL = `
  SELECT (SELECT count(*) FROM users WHERE company_template_id = $1)::int
       + (SELECT count(*) FROM project_memberships WHERE template_id = $1 AND active)::int AS assigned`;

/** Permission templates: company and project scope, project-specific, assignable. */
@Injectable()
export class TemplatesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly changeLog: ChangeLog,
    private readonly changes: PermissionChanges,
    private readonly clock: SandboxClock,
  ) {}

  /** Company templates; for a project, its project-scope templates (shared and its own). */
  async list(companyId: number, q: ListQuery<'scope' | 'assignable' | 'project_id', 'name' | 'id'>, projectId?: number): Promise<Page<Record<string, unknown>>> {
    const qb = this.db.getRepository(PermissionTemplate).createQueryBuilder('t').where('t.companyId = :companyId', { companyId });
    if (projectId !== undefined) {
      qb.andWhere("t.scope = 'project'").andWhere(
        new Brackets((w) => w.where('t.projectId IS NULL').orWhere('t.projectId = :projectId', { projectId })),
      );
    }
    if (q.filters.scope !== undefined) qb.andWhere('t.scope = :scope', { scope: q.filters.scope });
    if (q.filters.assignable !== undefined) qb.andWhere('t.assignable = :assignable', { assignable: q.filters.assignable });
    if (q.filters.project_id !== undefined) qb.andWhere('t.projectId = :pid', { pid: q.filters.project_id });
    qb.orderBy(`t.${q.sort.field}`, q.sort.direction).addOrderBy('t.id', 'ASC');
    const [rows, total] = await qb.skip((q.page - 1) * q.perPage).take(q.perPage).getManyAndCount();
    return Page.of(rows.map((t) => mapTemplate(t)), total, q);
  }

  async get(companyId: number, id: number): Promise<Record<string, unknown>> {
    const template = await this.db.getRepository(PermissionTemplate).findOneBy({ id, companyId });
    if (!template) throw AppError.notFound('Permission template');
    const [{ assigned }] = await this.db.query(USAGE_SQL, [id]);
    return mapTemplate(template, assigned);
  }

  async create(companyId: number, input: NewTemplate, actor: Actor): Promise<Record<string, unknown>> {
    const content = validateTemplateContent(input.scope, input.levels, input.granular ?? []);
    const created = await this.clock.transaction(companyId, async (m) => {
      try {
        const t = await m.save(
          m.create(PermissionTemplate, {
            companyId,
            projectId: input.projectId,
            name: input.name,
            scope: input.scope,
            assignable: input.assignable ?? true,
            levels: content.levels ?? {},
            granular: content.granular ?? [],
          }),
        );
        await this.audit.record({ companyId, projectId: input.projectId, userId: actor.userId, kind: 'template_created', detail: { template_id: t.id }, requestId: actor.requestId }, m);
        await this.changeLog.recordRow(m, PermissionTemplate, t, { companyId, projectId: input.projectId, resource: 'Permission Templates', eventType: 'create', actor });
        return t;
      } catch (err) {
        if (isUniqueViolation(err)) throw nameTaken();
        throw err;
      }
    });
    return this.get(companyId, created.id);
  }

  /** An edit changes the access of everyone holding the template on their next request. */
  async update(companyId: number, id: number, dto: UpdateTemplateDto, expected: number | undefined, actor: Actor): Promise<Record<string, unknown>> {
    await this.changes.transaction(companyId, async (m) => {
      const t = await lockForEdit(m, PermissionTemplate, { id, companyId }, 'Permission template', expected);
      const content = validateTemplateContent(t.scope, dto.levels, dto.granular);
      if (dto.name !== undefined) t.name = dto.name;
      if (dto.assignable !== undefined) t.assignable = dto.assignable;
      if (content.levels !== undefined) t.levels = content.levels;
      if (content.granular !== undefined) t.granular = content.granular;
      t.version += 1;
      try {
        await m.save(t);
      } catch (err) {
        if (isUniqueViolation(err)) throw nameTaken();
        throw err;
      }
      await this.audit.record({ companyId, projectId: t.projectId, userId: actor.userId, kind: 'template_updated', detail: { template_id: id, levels: t.levels, granular: t.granular }, requestId: actor.requestId }, m);
      await this.changeLog.recordRow(m, PermissionTemplate, id, { companyId, projectId: t.projectId, resource: 'Permission Templates', eventType: 'update', actor });
    });
    return this.get(companyId, id);
  }

  async remove(companyId: number, id: number, expected: number | undefined, actor: Actor): Promise<void> {
    await this.changes.transaction(companyId, async (m) => {
      const t = await lockForEdit(m, PermissionTemplate, { id, companyId }, 'Permission template', expected);
      const [{ assigned }] = await m.query(USAGE_SQL, [id]);
      if (assigned > 0) throw stillAssigned(t.name, assigned);
      try {
        await m.delete(PermissionTemplate, { id });
      } catch (err) {
        // Assigned by a concurrent request after the count above.
        if (isReferenceViolation(err)) throw stillAssigned(t.name, 1);
        throw err;
      }
      await this.audit.record({ companyId, userId: actor.userId, kind: 'template_deleted', detail: { template_id: id, name: t.name }, requestId: actor.requestId }, m);
      await this.changeLog.recordRow(m, PermissionTemplate, t, { companyId, projectId: t.projectId, resource: 'Permission Templates', eventType: 'delete', actor });
    });
  }
}

function stillAssigned(name: string, assigned: number): AppError {
  return new AppError(
    'validation_failed',
    `The template '${name}' is still assigned to ${assigned} user(s) or project member(s); assign them another template first.`,
    { fields: [{ field: 'id', message: `is assigned ${assigned} time(s)` }], assigned_count: assigned },
  );
}

function nameTaken(): AppError {
  return new AppError('duplicate', 'A permission template with this name already exists in this scope.', {
    fields: [{ field: 'name', message: 'is already taken' }],
  });
}
