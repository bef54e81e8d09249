import { randomInt } from 'node:crypto';

/**
 * The Redis key of a company's permission epoch: every cache of what may
 * change in a company (tokens, effective permissions, its sandbox clock) is
 * valid only under the epoch it was loaded under (see PermissionChanges).
 */
export function permissionEpochKey(prefix: string, companyId: number): string {
  return `${prefix}:permepoch:${companyId}`;
}

/** A fresh random base for an epoch Redis does not have (old cached epochs can never match again). */
export function randomEpochBase(): number {
  return randomInt(1, 2 ** 47);
}
