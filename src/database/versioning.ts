import { AppError } from '../common/errors';

/**
 * Reads the version a client says it is editing: `If-Match: "<n>"` (weak or
 * strong) or `version` in the body. Undefined when the client sent neither.
 */
export function expectedVersion(ifMatch: string | undefined, bodyVersion: unknown): number | undefined {
  if (ifMatch !== undefined && ifMatch.trim() !== '' && ifMatch.trim() !== '*') {
    const match = /^(?:W\/)?"?(\d{1,10})"?$/.exec(ifMatch.trim());
    if (!match) throw AppError.validation([{ field: 'If-Match', message: 'must be the item version as "<n>"' }]);
    return Number(match[1]);
  }
  if (bodyVersion === undefined || bodyVersion === null) return undefined;
  if (typeof bodyVersion !== 'number' || !Number.isInteger(bodyVersion) || bodyVersion < 1) {
    throw AppError.field('version', 'must be a positive integer');
  }
  return bodyVersion;
}

export function editConflict(what: string, current: number, expected: number): AppError {
  return new AppError(
    'edit_conflict',
    `${what} was changed by someone else (now version ${current}, you sent ${expected}). Reload it and apply your change again.`,
    { current_version: current, expected_version: expected },
  );
}

import type { EntityManager, EntityTarget, FindOptionsWhere, ObjectLiteral } from 'typeorm';

/**
 * Loads an editable row under a row lock and checks the version the client
 * expects; the caller then changes it and saves with `version + 1`. The lock
 * makes the check-then-write atomic against concurrent editors.
 */
export async function lockForEdit<T extends ObjectLiteral & { version: number }>(
  manager: EntityManager,
  entity: EntityTarget<T>,
  where: FindOptionsWhere<T>,
  what: string,
  expected: number | undefined,
): Promise<T> {
  const row = await manager.findOne(entity, { where, lock: { mode: 'pessimistic_write' } });
  if (!row) throw AppError.notFound(what);
  if (expected !== undefined && expected !== row.version) throw editConflict(what, row.version, expected);
  return row;
}

/**
 * `lockForEdit` for a row read with SQL (a join the entity does not map): the
 * query must select the row `FOR UPDATE` and answer its `version`.
 */
export async function lockRowForEdit<T extends { version: number }>(
  manager: EntityManager,
  sql: string,
  params: unknown[],
  what: string,
  expected: number | undefined,
): Promise<T> {
  const [row]: T[] = await manager.query(sql, params);
  if (!row) throw AppError.notFound(what);
  if (expected !== undefined && expected !== row.version) throw editConflict(what, row.version, expected);
  return row;
}

/** The rows of an `UPDATE … RETURNING` (TypeORM answers it as `[rows, rowCount]`). */
export async function updateReturning<T>(manager: Pick<EntityManager, 'query'>, sql: string, params: unknown[]): Promise<T[]> {
  const [rows]: [T[], number] = await manager.query(sql, params);
  return rows;
}
