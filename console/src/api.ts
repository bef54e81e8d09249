/** The API as the console speaks it: JSON both ways, errors in the API's one shape. */

export interface ErrorBody {
  status: number;
  code: string;
  message: string;
  details?: Record<string, unknown>;
  request_id?: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
    readonly requestId: string | null = null,
  ) {
    super(message);
  }

  /** A refusal the permission engine explains (Why?): it names the action that was refused. */
  get action(): string | null {
    return this.status === 403 && typeof this.details.action === 'string' ? this.details.action : null;
  }
}

export interface CallOptions {
  token?: string | null;
  company?: number | null;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Answer<T> {
  body: T;
  headers: Headers;
}

export async function request<T>(method: string, url: string, options: CallOptions = {}): Promise<Answer<T>> {
  const headers: Record<string, string> = { Accept: 'application/json', 'Content-Type': 'application/json', ...options.headers };
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  if (options.company) headers['Procore-Company-Id'] = String(options.company);
  let res: Response;
  try {
    res = await fetch(url, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body), credentials: 'omit', cache: 'no-store' });
  } catch {
    throw new ApiError(0, 'network_error', 'The server could not be reached. Is sitesim still running?');
  }
  const text = await res.text();
  let body: unknown = undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  if (!res.ok) {
    const e = (body as { error?: ErrorBody } | undefined)?.error;
    throw new ApiError(res.status, e?.code ?? 'http_error', e?.message ?? `The server answered ${res.status}.`, e?.details ?? {}, e?.request_id ?? null);
  }
  return { body: body as T, headers: res.headers };
}

export async function call<T>(method: string, url: string, options: CallOptions = {}): Promise<T> {
  return (await request<T>(method, url, options)).body;
}

export const qs = (params: Record<string, string | number | null | undefined>): string => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
};
