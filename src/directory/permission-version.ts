import type { EntityManager } from 'typeorm';

/**
 * Marks a change to who may do what in a company. Call it inside the
 * transaction that makes the change: cached permissions of the company are
 * stale for every request that starts after the commit.
 */
export async function bumpPermissionVersion(manager: EntityManager, companyId: number): Promise<void> {
  await manager.query('UPDATE companies SET permission_version = permission_version + 1 WHERE id = $1', [companyId]);
}
