import type { AccessSubject } from '../permissions/access-subject';
import { privacyClause, Viewer, viewerOf } from '../permissions/item-visibility';

const RFI_PEOPLE = { creator: 'created_by_id', manager: 'rfi_manager_id', lists: [['rfi_assignees', 'rfi_id'], ['rfi_distribution', 'rfi_id']] } as const;

export const rfiViewer = (subject: AccessSubject): Viewer => viewerOf(subject, 'rfis', 'rfis.view_private_rfis_same_company');

/**
 * rfis.view as a WHERE clause on `alias` (rfis): private RFIs only for Admin,
 * their creator, manager, assignees and distribution, or with
 * `view_private_rfis_same_company` when one of those works for the viewer's
 * company; drafts only for Admin, creator and manager.
 */
export function rfiVisibility(alias: string, viewer: Viewer, first: number): { sql: string; params: unknown[] } {
  return privacyClause(alias, RFI_PEOPLE, viewer, first);
}
