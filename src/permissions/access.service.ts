import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppError } from '../common/errors';
import type { AccessSubject, ProjectAccess, TemplateRef } from './access-subject';
import {
  COMPANY_TOOLS,
  CompanyPrivilege,
  CompanyTool,
  GranularKey,
  Level,
  LEVELS,
  PROJECT_TOOLS,
  ProjectTool,
  TemplateLevels,
} from './permission.types';

interface CompanyRow {
  id: number;
  company_id: number;
  vendor_id: number | null;
  accounting_approver: boolean;
  template_id: number | null;
  template_name: string | null;
  template_assignable: boolean | null;
  levels: TemplateLevels | null;
  granular: GranularKey[] | null;
}

interface ProjectRow {
  company_id: number;
  membership_id: number | null;
  membership_active: boolean | null;
  removed_at: Date | null;
  template_id: number | null;
  template_name: string | null;
  template_assignable: boolean | null;
  levels: TemplateLevels | null;
  granular: GranularKey[] | null;
  tools: Record<string, boolean> | null;
}

const COMPANY_SQL = `
  SELECT u.id, u.company_id, u.vendor_id, u.accounting_approver,
         t.id AS template_id, t.name AS template_name, t.assignable AS template_assignable, t.levels, t.granular
    FROM users u LEFT JOIN permission_templates t ON t.id = u.company_template_id
   WHERE u.id = $1`;

const PROJECT_SQL = `
  SELECT p.company_id, m.id AS membership_id, m.active AS membership_active, m.removed_at,
         t.id AS template_id, t.name AS template_name, t.assignable AS template_assignable, t.levels, t.granular,
         (SELECT json_object_agg(pt.tool, pt.active) FROM project_tools pt WHERE pt.project_id = p.id) AS tools
    FROM projects p
    LEFT JOIN project_memberships m ON m.project_id = p.id AND m.user_id = $2
    LEFT JOIN permission_templates t ON t.id = m.template_id
   WHERE p.id = $1`;

const CACHE_LIMIT = 50_000;

function level(levels: TemplateLevels | null, tool: string): Level {
  const value = levels?.[tool as keyof TemplateLevels];
  return value && (LEVELS as readonly string[]).includes(value) ? value : 'none';
}

function templateRef(id: number | null, name: string | null, assignable: boolean | null): TemplateRef | null {
  return id === null ? null : { id, name: name ?? '', assignable: assignable ?? false };
}

/**
 * Loads what a user holds in a company and project. Subjects are cached per
 * process under the company's permission epoch (PermissionChanges): every
 * change that alters access bumps the epoch once it commits, so the next
 * request loads fresh rows.
 */
@Injectable()
export class AccessService {
  private readonly cache = new Map<string, { version: number; subject: AccessSubject }>();

  constructor(private readonly db: DataSource) {}

  /**
   * The subject for a request. `epoch` is the company's permission epoch read
   * before this call; null (unknown) bypasses the cache.
   */
  async subject(userId: number, companyId: number, projectId: number | null, epoch: number | null): Promise<AccessSubject> {
    const key = `${userId}:${companyId}:${projectId ?? 0}`;
    const hit = this.cache.get(key);
    if (hit && epoch !== null && hit.version === epoch) return hit.subject;
    const subject = await this.load(userId, companyId, projectId);
    if (epoch === null) return subject;
    if (this.cache.size >= CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(key, { version: epoch, subject });
    return subject;
  }

  /** Reads fresh rows, bypassing the cache (explain of another user, diagnose). */
  async load(userId: number, companyId: number, projectId: number | null): Promise<AccessSubject> {
    const [companyRows, projectRows] = await Promise.all([
      this.db.query(COMPANY_SQL, [userId]) as Promise<CompanyRow[]>,
      projectId === null ? Promise.resolve(null) : (this.db.query(PROJECT_SQL, [projectId, userId]) as Promise<ProjectRow[]>),
    ]);
    const user = companyRows[0];
    if (!user || user.company_id !== companyId) throw AppError.notFound('User');
    const companyLevels = Object.fromEntries(COMPANY_TOOLS.map((t) => [t, level(user.levels, t)])) as Record<CompanyTool, Level>;
    const privileges = new Set<CompanyPrivilege>(user.accounting_approver ? ['accounting_approver'] : []);
    let project: ProjectAccess | null = null;
    if (projectRows !== null) {
      const row = projectRows[0];
      if (!row || row.company_id !== companyId) throw AppError.notFound('Project');
      project = {
        projectId: projectId!,
        membership:
          row.membership_id === null
            ? null
            : { id: row.membership_id, active: row.membership_active === true, removedAt: row.removed_at },
        template: row.membership_active ? templateRef(row.template_id, row.template_name, row.template_assignable) : null,
        levels: Object.fromEntries(
          PROJECT_TOOLS.map((t) => [t, row.membership_active ? level(row.levels, t) : 'none']),
        ) as Record<ProjectTool, Level>,
        granular: new Set(row.membership_active ? (row.granular ?? []) : []),
        toolActive: Object.fromEntries(PROJECT_TOOLS.map((t) => [t, row.tools?.[t] ?? true])) as Record<ProjectTool, boolean>,
      };
    }
    return {
      userId,
      companyId,
      vendorId: user.vendor_id,
      companyDirectoryAdmin: companyLevels.company_directory === 'admin',
      companyTemplate: templateRef(user.template_id, user.template_name, user.template_assignable),
      companyLevels,
      companyGranular: new Set(user.granular ?? []),
      privileges,
      project,
    };
  }
}
