/**
 * Every stable error code the API answers, with its HTTP status. The map is
 * exhaustive by construction: a code without a status does not compile.
 */
export const ERROR_STATUS = {
  invalid_request: 400,
  company_header_missing: 400,
  unauthenticated: 401,
  invalid_credentials: 401,
  session_expired: 401,
  account_inactive: 401,
  permission_denied: 403,
  not_in_company: 403,
  not_project_member: 403,
  tool_inactive: 403,
  not_found: 404,
  not_acceptable: 406,
  upload_interrupted: 408,
  settle_timeout: 408,
  device_timeout: 408,
  edit_conflict: 409,
  idempotency_in_progress: 409,
  duplicate: 409,
  upload_expired: 410,
  request_too_large: 413,
  file_too_large: 413,
  unsupported_file_type: 415,
  validation_failed: 422,
  invalid_transition: 422,
  idempotency_key_reused: 422,
  empty_file: 422,
  unsafe_file_name: 422,
  checksum_mismatch: 422,
  segments_missing: 422,
  account_locked: 423,
  budget_locked: 423,
  item_locked: 423,
  rate_limited: 429,
  too_many_uploads: 429,
  internal_error: 500,
  injected_fault: 500,
  service_unavailable: 503,
  system_overloaded: 503,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ERROR_STATUS;

export function statusOf(code: ErrorCode): number {
  return ERROR_STATUS[code];
}

export function isErrorCode(value: string): value is ErrorCode {
  return Object.prototype.hasOwnProperty.call(ERROR_STATUS, value);
}
