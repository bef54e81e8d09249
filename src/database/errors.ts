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

/** True when PostgreSQL gave up a transaction over concurrent work (deadlock 40P01, serialization 40001): nothing of it was kept, and trying again may succeed. */
export function isTransientConflict(err: unknown): boolean {
  const code = err instanceof QueryFailedError ? (err.driverError as { code?: string }).code : (err as { code?: string } | null)?.code;
  return code === '40P01' || code === '40001';
}

/** Runs a whole transaction again when PostgreSQL gave it up over concurrent work (a few times, briefly apart). */
export async function retryTransient<T>(work: () => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      if (!isTransientConflict(err) || attempt >= attempts) throw err;
      await new Promise((r) => setTimeout(r, 25 * attempt + Math.floor(Math.random() * 25)));
    }
  }
}
