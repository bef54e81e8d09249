import type { AccessSubject } from '../permissions/access-subject';

/** Who is looking, as the privacy rule needs it. */
export interface RfiViewer {
  userId: number;
  vendorId: number | null;
  /** Admin on RFIs (or company Directory admin): sees every RFI. */
  admin: boolean;
  /** Holds rfis.view_private_rfis_same_company. */
  sameCompany: boolean;
}

export function viewerOf(subject: AccessSubject): RfiViewer {
  const level = subject.companyDirectoryAdmin ? 'admin' : (subject.project?.levels.rfis ?? 'none');
  return {
    userId: subject.userId,
    vendorId: subject.vendorId,
    admin: level === 'admin',
    sameCompany: subject.project?.granular.has('rfis.view_private_rfis_same_company') ?? false,
  };
}

/**
 * The privacy rule of PERMISSIONS.md as a WHERE clause on `alias` (rfis):
 * private RFIs only for Admin, their creator, manager, assignees and
 * distribution, or with `view_private_rfis_same_company` when one of those
 * works for the viewer's company; drafts only for Admin, creator and manager.
 * Parameters are numbered from `first`.
 */
export function rfiVisibility(alias: string, viewer: RfiViewer, first: number): { sql: string; params: unknown[] } {
  if (viewer.admin) return { sql: 'TRUE', params: [] };
  const u = `$${first}`;
  const v = `$${first + 1}`;
  const involved = `(${alias}.created_by_id = ${u} OR ${alias}.rfi_manager_id = ${u}
      OR EXISTS (SELECT 1 FROM rfi_assignees a WHERE a.rfi_id = ${alias}.id AND a.user_id = ${u})
      OR EXISTS (SELECT 1 FROM rfi_distribution d WHERE d.rfi_id = ${alias}.id AND d.user_id = ${u}))`;
  const sameCompany = viewer.sameCompany && viewer.vendorId !== null
    ? ` OR EXISTS (SELECT 1 FROM users x WHERE x.vendor_id = ${v} AND (x.id = ${alias}.created_by_id OR x.id = ${alias}.rfi_manager_id
          OR x.id IN (SELECT a.user_id FROM rfi_assignees a WHERE a.rfi_id = ${alias}.id)
          OR x.id IN (SELECT d.user_id FROM rfi_distribution d WHERE d.rfi_id = ${alias}.id)))`
    : '';
  const sql = `((${alias}.status <> 'draft' OR ${alias}.created_by_id = ${u} OR ${alias}.rfi_manager_id = ${u})
    AND (NOT ${alias}.private OR ${involved}${sameCompany}))`;
  return { sql, params: sameCompany ? [viewer.userId, viewer.vendorId] : [viewer.userId] };
}
