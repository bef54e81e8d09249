import type { Answer } from './api-client';

export function header(res: Answer, name: string): string | undefined {
  const v = res.headers[name.toLowerCase()];
  return v === undefined ? undefined : String(v);
}

/** The API.md error shape, carrying the answer's request id. */
export function expectError(res: Answer, status: number, code: string): void {
  expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status, code });
  expect(res.body.error).toEqual({
    status,
    code,
    message: expect.any(String),
    details: expect.any(Object),
    request_id: header(res, 'x-request-id'),
  });
  expect(res.body.error.message.length).toBeGreaterThan(0);
}

/** The fields named by a 422 `validation_failed`. */
export function fieldsOf(res: Answer): string[] {
  return (res.body.error.details.fields as { field: string; message: string }[]).map((f) => f.field);
}
