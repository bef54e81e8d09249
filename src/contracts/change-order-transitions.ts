import { PENDING_LIKE_STATUSES } from '../budget/budget-numbers';

export const CHANGE_ORDER_STATUSES = [
  'draft',
  'pending',
  'pricing',
  'not_pricing',
  'revised',
  'proceeding',
  'not_proceeding',
  'pending_billable',
  'no_charge',
  'approved',
  'rejected',
  'void',
] as const;
export type ChangeOrderStatus = (typeof CHANGE_ORDER_STATUSES)[number];

/** Statuses only an action reaches (submit, approve, reject, void); `PATCH status` moves between the others. */
export const ACTION_STATUSES: Readonly<Record<'submit' | 'approve' | 'reject' | 'void', ChangeOrderStatus>> = { submit: 'pending', approve: 'approved', reject: 'rejected', void: 'void' };

/** A change order under review may move to another review status or be decided. */
const REVIEW = (self: ChangeOrderStatus): ChangeOrderStatus[] => [...PENDING_LIKE_STATUSES.filter((s) => s !== self), 'no_charge', 'approved', 'rejected', 'void'];

/**
 * Where a change order may go from each status. A draft is submitted (or
 * voided); under review it moves between the review statuses until it is
 * decided; a rejected CO may be revised and reviewed again; approved and void
 * are final (an approved CO is locked: 423 `item_locked`).
 */
export const CHANGE_ORDER_TRANSITIONS: Readonly<Record<ChangeOrderStatus, readonly ChangeOrderStatus[]>> = {
  draft: ['pending', 'void'],
  pending: REVIEW('pending'),
  pricing: REVIEW('pricing'),
  not_pricing: REVIEW('not_pricing'),
  revised: REVIEW('revised'),
  proceeding: REVIEW('proceeding'),
  not_proceeding: REVIEW('not_proceeding'),
  pending_billable: REVIEW('pending_billable'),
  no_charge: ['pending', 'void'],
  rejected: ['revised', 'void'],
  approved: [],
  void: [],
};

/** The statuses in which a designated reviewer (who is not an Admin) may answer. */
export const REVIEWER_ANSWERS_IN: readonly ChangeOrderStatus[] = ['pending', 'revised'];

export function mayMove(from: ChangeOrderStatus, to: ChangeOrderStatus): boolean {
  return CHANGE_ORDER_TRANSITIONS[from].includes(to);
}
