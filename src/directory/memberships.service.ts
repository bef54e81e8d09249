import { ChangeLog, snapshotOf } from '../changes/change-log.service';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { AppError } from '../common/errors';
import type { Actor } from '../common/http/request-helpers';
import { ListQuery, ListSpec, Page } from '../common/pagination';
import { isUniqueViolation } from '../database/errors';
import { lockForEdit } from '../database/versioning';
import { mapMembership, Ref } from './directory.mappers';
import { PermissionTemplate } from './entities/permission-template.entity';
import { ProjectMembership } from './entities/project-membership.entity';
import { User } from './entities/user.entity';
import { Vendor } from './entities/vendor.entity';
import { PermissionChanges } from '../permissions/permission-changes';
import { escapeLike } from './users.service';
import { nowIn } from '../database/write-time';

export const MEMBER_LIST: ListSpec<'vendor_id' | 'permission_template_id' | 'query', 'name' | 'id'> = {
  filters: { vendor_id: { kind: 'int' }, permission_template_id: { kind: 'int' }, query: { kind: 'string' } },
  sorts: ['name', 'id'],
  defaultSort: 'name',
};

/** The project directory: who is on a project and with which project template. */
@Injectable()
export class MembershipsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly changeLog: ChangeLog,
    private readonly changes: PermissionChanges,
  ) {}

  async list(companyId: number, projectId: number, q: ListQuery<'vendor_id' | 'permission_template_id' | 'query', 'name' | 'id'>): Promise<Page<Record<string, unknown>>> {
    const qb = this.db
      .getRepository(ProjectMembership)
      .createQueryBuilder('m')
      .innerJoin(User, 'u', 'u.id = m.userId')
      .where('m.companyId = :companyId AND m.projectId = :projectId AND m.active', { companyId, projectId });
    if (q.filters.vendor_id !== undefined) qb.andWhere('u.vendorId = :vendorId', { vendorId: q.filters.vendor_id });
    if (q.filters.permission_template_id !== undefined) qb.andWhere('m.templateId = :tid', { tid: q.filters.permission_template_id });
    if (q.filters.query !== undefined) qb.andWhere('(u.name ILIKE :q OR u.email ILIKE :q)', { q: `%${escapeLike(String(q.filters.query))}%` });
    qb.orderBy(q.sort.field === 'name' ? 'u.name' : 'u.id', q.sort.direction).addOrderBy('u.id', 'ASC');
    // offset/limit, not skip/take: the join is one-to-one, and skip/take cannot order by a joined column.
    const [rows, total] = await qb.offset((q.page - 1) * q.perPage).limit(q.perPage).getManyAndCount();
    return Page.of(await this.mapMany(rows), total, q);
  }

  async get(companyId: number, projectId: number, userId: number): Promise<Record<string, unknown>> {
    const m = await this.db.getRepository(ProjectMembership).findOneBy({ companyId, projectId, userId, active: true });
    if (!m) throw AppError.notFound('Project member');
    return (await this.mapMany([m]))[0];
  }

  async add(companyId: number, projectId: number, userId: number, templateId: number, actor: Actor): Promise<Record<string, unknown>> {
    await this.changes.transaction(companyId, async (m) => {
      const user = await m.findOneBy(User, { id: userId, companyId });
      if (!user) throw AppError.field('user_id', 'is not a user of this company directory');
      if (!user.active) throw AppError.field('user_id', 'is a deactivated user; reactivate the user first');
      await this.checkTemplate(m, companyId, projectId, templateId);
      const existing = await m.findOne(ProjectMembership, { where: { projectId, userId }, lock: { mode: 'pessimistic_write' } });
      if (existing?.active) throw alreadyMember();
      if (existing) {
        await m.update(ProjectMembership, { id: existing.id }, { active: true, removedAt: null, removedById: null, templateId, version: existing.version + 1 });
      } else {
        // No row to lock yet: a concurrent add of the same user loses on the unique (project, user) index.
        await m.insert(ProjectMembership, { companyId, projectId, userId, templateId }).catch((err: unknown) => {
          throw isUniqueViolation(err) ? alreadyMember() : err;
        });
      }
      await this.audit.record({ companyId, projectId, userId: actor.userId, kind: 'member_added', detail: { user_id: userId, template_id: templateId }, requestId: actor.requestId }, m);
      await this.logMember(m, companyId, projectId, userId, existing ? 'update' : 'create', actor);
    });
    return this.get(companyId, projectId, userId);
  }

  async changeTemplate(companyId: number, projectId: number, userId: number, templateId: number, expected: number | undefined, actor: Actor): Promise<Record<string, unknown>> {
    await this.changes.transaction(companyId, async (m) => {
      const membership = await lockForEdit(m, ProjectMembership, { companyId, projectId, userId, active: true }, 'Project member', expected);
      await this.checkTemplate(m, companyId, projectId, templateId);
      await m.update(ProjectMembership, { id: membership.id }, { templateId, version: membership.version + 1 });
      await this.audit.record({ companyId, projectId, userId: actor.userId, kind: 'member_template_changed', detail: { user_id: userId, from_template_id: membership.templateId, to_template_id: templateId }, requestId: actor.requestId }, m);
      await this.logMember(m, companyId, projectId, userId, 'update', actor);
    });
    return this.get(companyId, projectId, userId);
  }

  /** Removal keeps the row (history for diagnose) and applies to the user's next request. */
  async remove(companyId: number, projectId: number, userId: number, expected: number | undefined, actor: Actor): Promise<void> {
    await this.changes.transaction(companyId, async (m) => {
      const membership = await lockForEdit(m, ProjectMembership, { companyId, projectId, userId, active: true }, 'Project member', expected);
      await m.update(ProjectMembership, { id: membership.id }, { active: false, removedAt: nowIn(m), removedById: actor.userId, version: membership.version + 1 });
      await this.audit.record({ companyId, projectId, userId: actor.userId, kind: 'member_removed', detail: { user_id: userId, template_id: membership.templateId }, requestId: actor.requestId }, m);
      await this.logMember(m, companyId, projectId, userId, 'delete', actor);
    });
  }

  /** Project Users are identified by the user's id, as on the reference platform. */
  private async logMember(m: EntityManager, companyId: number, projectId: number, userId: number, eventType: 'create' | 'update' | 'delete', actor: Actor): Promise<void> {
    const row = await m.findOneByOrFail(ProjectMembership, { projectId, userId });
    await this.changeLog.record(m, { companyId, projectId, resource: 'Project Users', resourceId: userId, eventType, version: row.version, snapshot: snapshotOf(row), actor });
  }

  private async checkTemplate(m: EntityManager, companyId: number, projectId: number, templateId: number): Promise<void> {
    const t = await m.findOneBy(PermissionTemplate, { id: templateId, companyId, scope: 'project' });
    if (!t || (t.projectId !== null && t.projectId !== projectId)) {
      throw AppError.field('permission_template_id', 'is not a project permission template available on this project');
    }
  }

  private async mapMany(rows: ProjectMembership[]): Promise<Record<string, unknown>[]> {
    if (rows.length === 0) return [];
    const users = await this.db.getRepository(User).findBy({ id: In(rows.map((r) => r.userId)) });
    const templateIds = [...new Set(rows.map((r) => r.templateId).filter((t): t is number => t !== null))];
    const vendorIds = [...new Set(users.map((u) => u.vendorId).filter((v): v is number => v !== null))];
    const [templates, vendors] = await Promise.all([
      templateIds.length ? this.db.getRepository(PermissionTemplate).findBy({ id: In(templateIds) }) : [],
      vendorIds.length ? this.db.getRepository(Vendor).findBy({ id: In(vendorIds) }) : [],
    ]);
    const byId = <T extends { id: number }>(list: T[]) => new Map(list.map((x) => [x.id, x]));
    const u = byId(users);
    const t = byId(templates);
    const v = byId(vendors);
    const ref = (x?: { id: number; name: string }): Ref | null => (x ? { id: x.id, name: x.name } : null);
    return rows.map((r) => {
      const user = u.get(r.userId)!;
      return mapMembership(r, user, ref(r.templateId ? t.get(r.templateId) : undefined)!, ref(user.vendorId ? v.get(user.vendorId) : undefined));
    });
  }
}

function alreadyMember(): AppError {
  return new AppError('duplicate', 'This user is already a member of the project.', { fields: [{ field: 'user_id', message: 'is already a member' }] });
}
