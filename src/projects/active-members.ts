import type { EntityManager } from 'typeorm';
import { AppError, FieldError } from '../common/errors';

/**
 * People named on an item (manager, assignees, approvers, distribution …) must
 * be active members of its project: one query for every field, and a 422 that
 * names each field with the ids that are not.
 */
export async function assertActiveMembers(m: EntityManager, projectId: number, fields: [field: string, ids: readonly number[]][]): Promise<void> {
  const all = [...new Set(fields.flatMap(([, ids]) => ids))];
  if (!all.length) return;
  const members: { user_id: number }[] = await m.query(
    'SELECT user_id FROM project_memberships WHERE project_id = $1 AND active AND user_id = ANY($2)',
    [projectId, all],
  );
  const ok = new Set(members.map((r) => r.user_id));
  const errors: FieldError[] = [];
  for (const [field, ids] of fields) {
    const missing = [...new Set(ids)].filter((id) => !ok.has(id));
    if (missing.length) errors.push({ field, message: `${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not an active member of this project` });
  }
  if (errors.length) throw AppError.validation(errors);
}
