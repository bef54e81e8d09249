import { HttpException, Logger } from '@nestjs/common';
import { isTransientConflict } from '../../database/errors';
import { AppError } from './app-error';
import { errorBody, ErrorBody, OAuthErrorBody, oauthErrorBody } from './error-body';
import { ErrorCode, statusOf } from './error-codes';

export interface ErrorResponse {
  status: number;
  code: ErrorCode;
  body: ErrorBody | OAuthErrorBody;
  headers: Record<string, string>;
}

const logger = new Logger('Errors');

const FASTIFY_CODES: Record<string, { code: ErrorCode; message: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'invalid_request', message: 'The request body is not valid JSON.' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'invalid_request', message: 'The request body is empty.' },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'request_too_large', message: 'The request body is larger than the server accepts.' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: 'invalid_request',
    message: 'The request Content-Type is not supported; send application/json.',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'invalid_request', message: 'The Content-Length header does not match the body.' },
  FST_ERR_BAD_URL: { code: 'not_found', message: 'The requested URL is malformed.' },
  FST_ERR_ASYNC_CONSTRAINT: { code: 'invalid_request', message: 'The request could not be routed.' },
};

/** Friendlier words for the framework's own refusals (body parsing, routing), by status. */
const HTTP_MESSAGES: Record<number, string> = {
  404: 'No such route or resource.',
  405: 'No such route or resource.',
  413: 'The request body is larger than the server accepts (SIM_BODY_LIMIT_BYTES).',
  415: 'The request Content-Type is not supported; send application/json.',
};

function fromStatus(status: number): ErrorCode {
  switch (status) {
    case 400:
      return 'invalid_request';
    case 401:
      return 'unauthenticated';
    case 403:
      return 'permission_denied';
    case 404:
    case 405:
      return 'not_found';
    case 413:
      return 'request_too_large';
    case 415:
      return 'invalid_request';
    case 429:
      return 'rate_limited';
    default:
      return 'internal_error';
  }
}

function build(
  code: ErrorCode,
  message: string,
  details: Record<string, unknown>,
  requestId: string,
  headers: Record<string, string> = {},
  oauthError?: string,
  status = statusOf(code),
): ErrorResponse {
  const body =
    oauthError !== undefined
      ? oauthErrorBody(oauthError, code, message, details, requestId, status)
      : errorBody(code, message, details, requestId, status);
  return { status, code, body, headers };
}

/**
 * Redis client errors while the server is unreachable (ioredis raises plain
 * errors for these, so they are told apart by name and wording).
 */
function isBackingServiceDown(err: unknown): boolean {
  const e = err as { name?: string; message?: string; code?: string };
  return (
    e?.name === 'MaxRetriesPerRequestError' ||
    e?.code === 'ECONNREFUSED' ||
    /enableOfflineQueue|Connection is closed|Stream isn't writeable/.test(e?.message ?? '')
  );
}

/** pg-pool gave up waiting for a free connection: every one is busy (a burst larger than the pool). */
function isPoolExhausted(err: unknown): boolean {
  return /timeout exceeded when trying to connect/.test((err as { message?: string })?.message ?? '');
}

/** Turns anything thrown while serving a request into the API.md error answer. */
export function toErrorResponse(err: unknown, requestId: string): ErrorResponse {
  if (err instanceof AppError) {
    return build(err.code, err.message, err.details, requestId, err.headers, err.oauthError, err.status);
  }
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const code = fromStatus(status);
    if (code === 'internal_error') logger.error(`[${requestId}] ${err.message}`, err.stack);
    const message = HTTP_MESSAGES[status] ?? (code === 'internal_error' ? 'Internal error.' : err.message);
    return build(code, message, {}, requestId);
  }
  if (isBackingServiceDown(err)) {
    return build('service_unavailable', 'A backing service (Redis) is unavailable right now; retry shortly.', {}, requestId, { 'Retry-After': '2' });
  }
  if (isPoolExhausted(err)) {
    logger.warn(`[${requestId}] database pool exhausted: answered 503`);
    return build('system_overloaded', 'Every database connection is busy right now; retry shortly.', { reason: 'database_pool_exhausted' }, requestId, { 'Retry-After': '1' });
  }
  if (isTransientConflict(err)) {
    logger.warn(`[${requestId}] transaction given up over concurrent work: answered 503`);
    return build('service_unavailable', 'The database gave this request up over concurrent work; nothing of it was kept. Retry it.', { reason: 'database_conflict' }, requestId, { 'Retry-After': '1' });
  }
  const e = err as { code?: string; statusCode?: number; message?: string; stack?: string };
  const known = e?.code ? FASTIFY_CODES[e.code] : undefined;
  if (known) return build(known.code, known.message, {}, requestId);
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    const code = fromStatus(e.statusCode);
    if (code !== 'internal_error') return build(code, e.message ?? 'Invalid request.', {}, requestId);
  }
  logger.error(`[${requestId}] unhandled: ${e?.message ?? String(err)}`, e?.stack);
  return build('internal_error', 'Internal error. The request id identifies it in the server log.', {}, requestId);
}
