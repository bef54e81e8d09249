import type { DataSource, EntityManager } from 'typeorm';
import type { Vendor } from './entities/vendor.entity';
import type { PermissionTemplate } from './entities/permission-template.entity';
import type { User } from './entities/user.entity';
import type { ProjectMembership } from './entities/project-membership.entity';

export interface Ref {
  id: number;
  name: string;
}

export interface UserRef extends Ref {
  login: string;
}

export function userRef(user: Pick<User, 'id' | 'name' | 'email'>): UserRef {
  return { id: user.id, name: user.name, login: user.email };
}

/** The references of the given users (nulls and repeats ignored) in one query, by id. */
export async function loadUserRefs(db: DataSource | EntityManager, ids: Iterable<number | null>): Promise<Map<number, UserRef>> {
  const wanted = [...new Set([...ids].filter((x): x is number => x !== null))];
  const users: { id: number; name: string; email: string }[] = wanted.length ? await db.query('SELECT id, name, email FROM users WHERE id = ANY($1)', [wanted]) : [];
  return new Map(users.map((u) => [u.id, userRef(u)]));
}

export function mapVendor(v: Vendor): Record<string, unknown> {
  return {
    id: v.id,
    name: v.name,
    trade_name: v.trade,
    email_address: v.email,
    is_active: v.active,
    is_own_company: v.isOwnCompany,
    version: v.version,
    created_at: v.createdAt.toISOString(),
    updated_at: v.updatedAt.toISOString(),
  };
}

/** A user as answered; `now` is the sandbox's time (a lockout is over when it says so). */
export function mapUser(u: User, vendor: Ref | null, template: Ref | null, now: Date): Record<string, unknown> {
  const locked = u.lockedUntil !== null && u.lockedUntil.getTime() > now.getTime();
  return {
    id: u.id,
    login: u.email,
    name: u.name,
    email_address: u.email,
    job_title: u.jobTitle,
    is_active: u.active,
    is_service_account: u.isServiceAccount,
    vendor,
    permission_template: template,
    accounting_approver: u.accountingApprover,
    locked,
    locked_until: locked ? u.lockedUntil!.toISOString() : null,
    last_login_at: u.lastLoginAt?.toISOString() ?? null,
    version: u.version,
    created_at: u.createdAt.toISOString(),
    updated_at: u.updatedAt.toISOString(),
  };
}

export function mapTemplate(t: PermissionTemplate, assignedCount?: number): Record<string, unknown> {
  return {
    id: t.id,
    name: t.name,
    scope: t.scope,
    project_id: t.projectId,
    project_specific: t.projectId !== null,
    assignable: t.assignable,
    levels: t.levels,
    granular: t.granular,
    ...(assignedCount === undefined ? {} : { assigned_count: assignedCount }),
    version: t.version,
    created_at: t.createdAt.toISOString(),
    updated_at: t.updatedAt.toISOString(),
  };
}

export function mapMembership(m: ProjectMembership, user: User, template: Ref, vendor: Ref | null): Record<string, unknown> {
  return {
    id: user.id,
    membership_id: m.id,
    login: user.email,
    name: user.name,
    email_address: user.email,
    job_title: user.jobTitle,
    is_active: user.active,
    vendor,
    permission_template: template,
    version: m.version,
    added_at: m.createdAt.toISOString(),
    updated_at: m.updatedAt.toISOString(),
  };
}
