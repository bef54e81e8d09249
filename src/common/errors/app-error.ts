import { ErrorCode, statusOf } from './error-codes';

export interface FieldError {
  field: string;
  message: string;
}

/** The one error type every module throws; the filter turns it into the API.md shape. */
export class AppError extends Error {
  /** The code's status, except for injected faults, which answer the status their rule names. */
  status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
    /** Extra response headers (e.g. Retry-After). */
    readonly headers: Record<string, string> = {},
    /** RFC 6749 `error` value, set only on OAuth endpoint errors. */
    readonly oauthError?: string,
  ) {
    super(message);
    this.status = statusOf(code);
  }

  /** An injected fault (fault rule): any status, and `details.injected: true` so it is never mistaken for a bug. */
  static injected(status: number, message: string, details: Record<string, unknown>): AppError {
    const err = new AppError(status === 503 ? 'service_unavailable' : status === 429 ? 'rate_limited' : 'injected_fault', message, { ...details, injected: true });
    err.status = status;
    return err;
  }

  static notFound(what: string): AppError {
    return new AppError('not_found', `${what} was not found.`);
  }

  static validation(fields: FieldError[], message = 'The request has invalid fields.'): AppError {
    return new AppError('validation_failed', message, { fields });
  }

  static field(field: string, message: string): AppError {
    return AppError.validation([{ field, message }], `${field} ${message}`);
  }

  static invalidTransition(action: string, from: string, allowed: string[]): AppError {
    return new AppError('invalid_transition', `Cannot ${action} while the item is ${from}.`, { from, allowed });
  }
}
