import { AppError } from './app-error';
import type { FieldError } from './app-error';
import type { ErrorResponse } from './to-error-response';
import { oauthErrorBody } from './error-body';

/** The OAuth JSON endpoints: every error they answer carries RFC 6749's `error` and `error_description`. */
export const OAUTH_JSON_ROUTES = ['/oauth/token', '/oauth/revoke'];

function oauthErrorOf(answer: ErrorResponse, fields: FieldError[]): string {
  if (answer.code === 'validation_failed' && fields.some((f) => f.field === 'grant_type')) return 'unsupported_grant_type';
  if (answer.status >= 500) return answer.status === 503 ? 'temporarily_unavailable' : 'server_error';
  return 'invalid_request';
}

/**
 * Reshapes an error answer for an OAuth endpoint: flat, with the OAuth fields
 * beside the usual ones. An unknown `grant_type` is RFC 6749's 400
 * `unsupported_grant_type`; other validation failures keep their status.
 */
export function asOAuthAnswer(answer: ErrorResponse, exception: unknown): ErrorResponse {
  if ('error' in answer.body && typeof answer.body.error === 'string') return answer;
  const e = (answer.body as { error: { message: string; details: Record<string, unknown>; request_id: string } }).error;
  const fields = (e.details.fields ?? []) as FieldError[];
  const oauthError = exception instanceof AppError && exception.oauthError ? exception.oauthError : oauthErrorOf(answer, fields);
  const code = oauthError === 'unsupported_grant_type' ? 'invalid_request' : answer.code;
  const status = code === answer.code ? answer.status : undefined;
  const body = oauthErrorBody(oauthError, code, e.message, e.details, e.request_id, status);
  return { ...answer, code, status: body.status, body };
}
