import { QueryFailedError } from 'typeorm';

/** True when a write failed on a unique index (PostgreSQL 23505), optionally a named one. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  if (!(err instanceof QueryFailedError)) return false;
  const driver = err.driverError as { code?: string; constraint?: string };
  return driver.code === '23505' && (constraint === undefined || driver.constraint === constraint);
}
