import type { AccessSubject } from './access-subject';
import type { GranularKey, ProjectTool } from './permission.types';

/** Who is looking, as a privacy rule needs it. */
export interface Viewer {
  userId: number;
  vendorId: number | null;
  /** Admin on the tool (or company Directory admin): sees every item. */
  admin: boolean;
  /** Holds the tool's view-private-items-of-my-company key. */
  sameCompany: boolean;
}

export function viewerOf(subject: AccessSubject, tool: ProjectTool, sameCompanyKey: GranularKey): Viewer {
  const level = subject.companyDirectoryAdmin ? 'admin' : (subject.project?.levels[tool] ?? 'none');
  return {
    userId: subject.userId,
    vendorId: subject.vendorId,
    admin: level === 'admin',
    sameCompany: subject.project?.granular.has(sameCompanyKey) ?? false,
  };
}

/** The people of an item: user columns on its row, and (table, foreign key) pairs listing more users. */
export interface ItemPeople {
  creator: string;
  manager: string;
  lists: readonly (readonly [table: string, key: string])[];
}

/**
 * The privacy rule of PERMISSIONS.md as a WHERE clause on `alias`: a private
 * item only for Admin, the people involved in it, or (with the tool's
 * same-company key) when one of them works for the viewer's company; a draft
 * only for Admin, its creator and its manager. Parameters are numbered from
 * `first`. Lists, counts, direct links and diagnose all use this one clause.
 */
export function privacyClause(alias: string, people: ItemPeople, viewer: Viewer, first: number): { sql: string; params: unknown[] } {
  if (viewer.admin) return { sql: 'TRUE', params: [] };
  const u = `$${first}`;
  const v = `$${first + 1}`;
  const creator = `${alias}.${people.creator}`;
  const manager = `${alias}.${people.manager}`;
  const listed = (user: string) => people.lists.map(([table, key]) => `EXISTS (SELECT 1 FROM ${table} l WHERE l.${key} = ${alias}.id AND l.user_id = ${user})`);
  const involved = [`${creator} = ${u}`, `${manager} = ${u}`, ...listed(u)].join(' OR ');
  const sameCompany = viewer.sameCompany && viewer.vendorId !== null
    ? ` OR EXISTS (SELECT 1 FROM users x WHERE x.vendor_id = ${v} AND (x.id = ${creator} OR x.id = ${manager} OR ${listed('x.id').join(' OR ')}))`
    : '';
  const sql = `((${alias}.status <> 'draft' OR ${creator} = ${u} OR ${manager} = ${u})
    AND (NOT ${alias}.private OR ${involved}${sameCompany}))`;
  return { sql, params: sameCompany ? [viewer.userId, viewer.vendorId] : [viewer.userId] };
}
