import { ErrorCode, statusOf } from './error-codes';

export interface ErrorFields {
  status: number;
  code: ErrorCode;
  message: string;
  details: Record<string, unknown>;
  request_id: string;
}

/** The shape of every error answer (API.md). */
export interface ErrorBody {
  error: ErrorFields;
}

/**
 * OAuth endpoints answer RFC 6749 errors, whose `error` must be a string; they
 * carry the usual fields beside it, flat, so that both kinds of client can read them.
 */
export interface OAuthErrorBody extends ErrorFields {
  error: string;
  error_description: string;
}

export function errorBody(code: ErrorCode, message: string, details: Record<string, unknown>, requestId: string, status = statusOf(code)): ErrorBody {
  return { error: { status, code, message, details, request_id: requestId } };
}

export function oauthErrorBody(
  oauthError: string,
  code: ErrorCode,
  message: string,
  details: Record<string, unknown>,
  requestId: string,
  status = statusOf(code),
): OAuthErrorBody {
  return {
    error: oauthError,
    error_description: message,
    status,
    code,
    message,
    details,
    request_id: requestId,
  };
}
