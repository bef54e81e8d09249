import type { AccessSubject } from '../permissions/access-subject';
import { privacyClause, Viewer, viewerOf } from '../permissions/item-visibility';

const SUBMITTAL_PEOPLE = {
  creator: 'created_by_id',
  manager: 'submittal_manager_id',
  lists: [['submittal_approvers', 'submittal_id'], ['submittal_distribution', 'submittal_id']],
} as const;

export const submittalViewer = (subject: AccessSubject): Viewer => viewerOf(subject, 'submittals', 'submittals.view_private_submittals_same_company');

/**
 * submittals.view as a WHERE clause on `alias` (submittals), "private like
 * RFIs": a private submittal only for Admin, its creator, submittal manager,
 * workflow approvers and distribution, or with
 * `view_private_submittals_same_company` when one of those works for the
 * viewer's company; a draft only for Admin, its creator and its manager.
 */
export function submittalVisibility(alias: string, viewer: Viewer, first: number): { sql: string; params: unknown[] } {
  return privacyClause(alias, SUBMITTAL_PEOPLE, viewer, first);
}
