import { sleep } from '../../common/sleep';

export interface HttpAnswer {
  status: number;
  body: unknown;
  /** The error code of an error answer (`error.code`), else null. */
  code: string | null;
  /** Requests refused with 429 or 503 and sent again after their Retry-After. */
  waited: number;
}

/** A refused request is sent again after its Retry-After at most this often, waiting at most this long each time. */
const RETRIES = 4;
const MAX_WAIT_MS = 30_000;

/**
 * HTTP to the API as a synthetic user: real requests over a socket, with the
 * user's token and the company header, through every check a client meets. A
 * 429 or 503 is honoured as a well-behaved client does (its Retry-After, then
 * again), and counted.
 */
export class ActivityHttp {
  constructor(
    readonly base: string,
    private readonly companyId: number,
  ) {}

  async request(method: string, path: string, token: string | null, body?: unknown, headers: Record<string, string> = {}): Promise<HttpAnswer> {
    const raw = body instanceof Buffer;
    let waited = 0;
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(`${this.base}${path}`, {
        method,
        headers: {
          accept: 'application/json',
          'procore-company-id': String(this.companyId),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body !== undefined && !raw ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        body: body === undefined ? undefined : raw ? body : JSON.stringify(body),
        signal: AbortSignal.timeout(60_000),
      });
      const text = await res.text();
      let parsed: unknown = null;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        parsed = text;
      }
      const code = res.status >= 400 ? ((parsed as { error?: { code?: string } } | null)?.error?.code ?? (parsed as { error?: string } | null)?.error ?? null) : null;
      if ((res.status === 429 || res.status === 503) && attempt < RETRIES) {
        waited += 1;
        const after = Number(res.headers.get('retry-after') ?? '1');
        await sleep(Math.min(MAX_WAIT_MS, Math.max(0.05, Number.isFinite(after) ? after : 1) * 1000));
        continue;
      }
      return { status: res.status, body: parsed, code: typeof code === 'string' ? code : null, waited };
    }
  }
}
