import { ErrorCode, statusOf } from './error-codes';

export interface FieldError {
  field: string;
  message: string;
}

/** The one error type every module throws; the filter turns it into the API.md shape. */
export class AppError extends Error {
  readonly status: number;

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
