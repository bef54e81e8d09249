import { ChangeLog } from '../changes/change-log.service';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Brackets, DataSource, EntityManager, In } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { hashSecret } from '../auth/secrets';
import { AppError } from '../common/errors';
import type { Actor } from '../common/http/request-helpers';
import { ListQuery, ListSpec, Page } from '../common/pagination';
import { isUniqueViolation } from '../database/errors';
import { lockForEdit } from '../database/versioning';
import { mapUser, Ref } from './directory.mappers';
import { CreateUserDto, UpdateUserDto } from './dto/user.dto';
import { PermissionTemplate } from './entities/permission-template.entity';
import { User } from './entities/user.entity';
import { Vendor } from './entities/vendor.entity';
import { PermissionChanges } from '../permissions/permission-changes';
import { SandboxClock } from '../sandboxes/sandbox-clock';

export const USER_LIST: ListSpec<'active' | 'vendor_id' | 'query' | 'ids', 'name' | 'id' | 'email'> = {
  filters: {
    active: { kind: 'bool' },
    vendor_id: { kind: 'int' },
    query: { kind: 'string' },
    ids: { kind: 'ints' },
  },
  sorts: ['name', 'id', 'email'],
  defaultSort: 'name',
};

/** The company directory's people: create, edit, deactivate, reactivate, unlock, privileges. */
@Injectable()
export class UsersService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly changeLog: ChangeLog,
    private readonly changes: PermissionChanges,
    private readonly clock: SandboxClock,
  ) {}

  async list(companyId: number, q: ListQuery<keyof typeof USER_LIST.filters, (typeof USER_LIST.sorts)[number]>): Promise<Page<Record<string, unknown>>> {
    const qb = this.db.getRepository(User).createQueryBuilder('u').where('u.companyId = :companyId', { companyId });
    const f = q.filters;
    if (f.active !== undefined) qb.andWhere('u.active = :active', { active: f.active });
    if (f.vendor_id !== undefined) qb.andWhere('u.vendorId = :vendorId', { vendorId: f.vendor_id });
    if (f.ids !== undefined) qb.andWhere('u.id IN (:...ids)', { ids: f.ids });
    if (f.query !== undefined) {
      qb.andWhere(
        new Brackets((w) =>
          w.where('u.name ILIKE :q', { q: `%${escapeLike(String(f.query))}%` }).orWhere('u.email ILIKE :q'),
        ),
      );
    }
    qb.orderBy(`u.${q.sort.field}`, q.sort.direction).addOrderBy('u.id', 'ASC');
    const [rows, total] = await qb.skip((q.page - 1) * q.perPage).take(q.perPage).getManyAndCount();
    return Page.of(await this.mapMany(rows), total, q);
  }

  async get(companyId: number, userId: number): Promise<Record<string, unknown>> {
    const user = await this.db.getRepository(User).findOneBy({ id: userId, companyId });
    if (!user) throw AppError.notFound('User');
    return (await this.mapMany([user]))[0];
  }

  async create(companyId: number, dto: CreateUserDto, actor: Actor): Promise<Record<string, unknown>> {
    const passwordHash = dto.password ? await hashSecret(dto.password) : null;
    const user = await this.clock.transaction(companyId, async (m) => {
      await this.checkRefs(m, companyId, dto.vendor_id ?? undefined, dto.permission_template_id ?? undefined);
      try {
        const created = await m.save(
          m.create(User, {
            companyId,
            name: dto.name,
            email: dto.email.toLowerCase(),
            jobTitle: dto.job_title ?? null,
            vendorId: dto.vendor_id ?? null,
            companyTemplateId: dto.permission_template_id ?? null,
            passwordHash,
          }),
        );
        await this.audit.record({ companyId, userId: actor.userId, kind: 'user_created', detail: { user_id: created.id }, requestId: actor.requestId }, m);
        await this.changeLog.recordRow(m, User, created.id, { companyId, projectId: null, resource: 'Users', eventType: 'create', actor });
        return created;
      } catch (err) {
        if (isUniqueViolation(err)) throw emailTaken();
        throw err;
      }
    });
    return this.get(companyId, user.id);
  }

  async update(companyId: number, userId: number, dto: UpdateUserDto, expected: number | undefined, actor: Actor): Promise<Record<string, unknown>> {
    const passwordHash = dto.password ? await hashSecret(dto.password) : undefined;
    await this.changes.transaction(companyId, async (m) => {
      const user = await lockForEdit(m, User, { id: userId, companyId }, 'User', expected);
      await this.checkRefs(m, companyId, dto.vendor_id ?? undefined, dto.permission_template_id ?? undefined);
      const changes: Partial<User> = {
        ...(dto.name !== undefined && { name: dto.name }),
        ...(dto.email !== undefined && { email: dto.email.toLowerCase() }),
        ...(dto.job_title !== undefined && { jobTitle: dto.job_title }),
        ...(dto.vendor_id !== undefined && { vendorId: dto.vendor_id }),
        ...(dto.permission_template_id !== undefined && { companyTemplateId: dto.permission_template_id }),
        ...(passwordHash !== undefined && { passwordHash }),
      };
      try {
        await m.update(User, { id: userId }, { ...changes, version: user.version + 1 });
      } catch (err) {
        if (isUniqueViolation(err)) throw emailTaken();
        throw err;
      }
      await this.audit.record({ companyId, userId: actor.userId, kind: 'user_updated', detail: { user_id: userId, fields: Object.keys(changes).filter((k) => k !== 'passwordHash') }, requestId: actor.requestId }, m);
      await this.changeLog.recordRow(m, User, userId, { companyId, projectId: null, resource: 'Users', eventType: 'update', actor });
    });
    return this.get(companyId, userId);
  }

  /** Deactivation and reactivation take effect on the user's next request. */
  async setActive(companyId: number, userId: number, active: boolean, expected: number | undefined, actor: Actor): Promise<Record<string, unknown>> {
    if (!active && userId === actor.userId) throw AppError.field('user_id', 'cannot be your own account: you cannot deactivate yourself');
    await this.changes.transaction(companyId, async (m) => {
      const user = await lockForEdit(m, User, { id: userId, companyId }, 'User', expected);
      if (user.active === active) {
        throw AppError.invalidTransition(active ? 'reactivate the user' : 'deactivate the user', active ? 'active' : 'inactive', [active ? 'deactivate' : 'reactivate']);
      }
      await m.update(User, { id: userId }, { active, version: user.version + 1 });
      await this.audit.record({ companyId, userId: actor.userId, kind: active ? 'user_reactivated' : 'user_deactivated', detail: { user_id: userId }, requestId: actor.requestId }, m);
      await this.changeLog.recordRow(m, User, userId, { companyId, projectId: null, resource: 'Users', eventType: 'update', actor });
    });
    return this.get(companyId, userId);
  }

  async unlock(companyId: number, userId: number, expected: number | undefined, actor: Actor): Promise<Record<string, unknown>> {
    await this.clock.transaction(companyId, async (m) => {
      const user = await lockForEdit(m, User, { id: userId, companyId }, 'User', expected);
      await m.query('DELETE FROM login_failures WHERE user_id = $1', [userId]);
      await m.update(User, { id: userId }, { lockedUntil: null, version: user.version + 1 });
      await this.audit.record({ companyId, userId: actor.userId, kind: 'user_unlocked', detail: { user_id: userId, was_locked_until: user.lockedUntil?.toISOString() ?? null }, requestId: actor.requestId }, m);
      await this.changeLog.recordRow(m, User, userId, { companyId, projectId: null, resource: 'Users', eventType: 'update', actor });
    });
    return this.get(companyId, userId);
  }

  async setPrivileges(companyId: number, userId: number, accountingApprover: boolean, expected: number | undefined, actor: Actor): Promise<Record<string, unknown>> {
    await this.changes.transaction(companyId, async (m) => {
      const user = await lockForEdit(m, User, { id: userId, companyId }, 'User', expected);
      await m.update(User, { id: userId }, { accountingApprover, version: user.version + 1 });
      await this.audit.record({ companyId, userId: actor.userId, kind: 'privileges_changed', detail: { user_id: userId, accounting_approver: accountingApprover }, requestId: actor.requestId }, m);
      await this.changeLog.recordRow(m, User, userId, { companyId, projectId: null, resource: 'Users', eventType: 'update', actor });
    });
    return this.get(companyId, userId);
  }

  private async checkRefs(m: EntityManager, companyId: number, vendorId: number | undefined, templateId: number | undefined): Promise<void> {
    if (vendorId !== undefined && !(await m.existsBy(Vendor, { id: vendorId, companyId }))) {
      throw AppError.field('vendor_id', 'is not a company in this company directory');
    }
    if (templateId !== undefined && !(await m.existsBy(PermissionTemplate, { id: templateId, companyId, scope: 'company' }))) {
      throw AppError.field('permission_template_id', 'is not a company permission template of this company');
    }
  }

  private async mapMany(users: User[]): Promise<Record<string, unknown>[]> {
    const vendorIds = [...new Set(users.map((u) => u.vendorId).filter((v): v is number => v !== null))];
    const templateIds = [...new Set(users.map((u) => u.companyTemplateId).filter((v): v is number => v !== null))];
    const [vendors, templates] = await Promise.all([
      vendorIds.length ? this.db.getRepository(Vendor).findBy({ id: In(vendorIds) }) : [],
      templateIds.length ? this.db.getRepository(PermissionTemplate).findBy({ id: In(templateIds) }) : [],
    ]);
    const ref = (rows: { id: number; name: string }[]) => new Map<number, Ref>(rows.map((r) => [r.id, { id: r.id, name: r.name }]));
    const vmap = ref(vendors);
    const tmap = ref(templates);
    if (!users.length) return [];
    const now = await this.clock.now(users[0].companyId);
    return users.map((u) => mapUser(u, u.vendorId ? (vmap.get(u.vendorId) ?? null) : null, u.companyTemplateId ? (tmap.get(u.companyTemplateId) ?? null) : null, now));
  }
}

export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function emailTaken(): AppError {
  return new AppError('duplicate', 'A user with this email already exists.', { fields: [{ field: 'email', message: 'is already taken' }] });
}
