import { QueryFailedError } from 'typeorm';

/** True when a write failed on a unique index (PostgreSQL 23505), optionally a named one. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  if (!(err instanceof QueryFailedError)) return false;
  const driver = err.driverError as { code?: string; constraint?: string };
  return driver.code === '23505' && (constraint === undefined || driver.constraint === constraint);
}

/** True when a write failed on a foreign key (23503) or a check constraint (23514). */
export function isReferenceViolation(err: unknown): boolean {
  if (!(err instanceof QueryFailedError)) return false;
  const code = (err.driverError as { code?: string }).code;
  return code === '23503' || code === '23514';
}
