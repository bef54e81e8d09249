import type { AccessSubject } from '../permissions/access-subject';

/** What decides whether a viewer sees a private commitment (PERMISSIONS.md: commitments.view). */
export interface CommitmentViewer {
  userId: number;
  admin: boolean;
  privateSubcontracts: boolean;
  privatePurchaseOrders: boolean;
}

export function commitmentViewer(subject: AccessSubject): CommitmentViewer {
  const level = subject.companyDirectoryAdmin ? 'admin' : (subject.project?.levels.commitments ?? 'none');
  const granular = subject.project?.granular;
  return {
    userId: subject.userId,
    admin: level === 'admin',
    privateSubcontracts: granular?.has('commitments.view_private_subcontracts') ?? false,
    privatePurchaseOrders: granular?.has('commitments.view_private_purchase_orders') ?? false,
  };
}

/**
 * The privacy rule as a WHERE clause on commitments `alias`: a private
 * commitment only for Admins, the people on its private list, and holders of
 * the view-private key of its type. Lists, reads, change orders on it and
 * diagnose all use this one clause; parameters are numbered from `first`.
 */
export function commitmentVisibility(alias: string, viewer: CommitmentViewer, first: number): { sql: string; params: unknown[] } {
  if (viewer.admin) return { sql: 'TRUE', params: [] };
  const types = [viewer.privateSubcontracts ? 'subcontract' : null, viewer.privatePurchaseOrders ? 'purchase_order' : null].filter((t) => t !== null);
  return {
    sql: `(NOT ${alias}.private OR ${alias}.type = ANY($${first + 1}::text[])
           OR EXISTS (SELECT 1 FROM commitment_private_users pu WHERE pu.commitment_id = ${alias}.id AND pu.user_id = $${first}))`,
    params: [viewer.userId, types],
  };
}
