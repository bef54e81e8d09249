import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Contract } from './contract';

export interface Answer<T = any> {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: T;
  text: string;
  /** The body's bytes as sent (a file). */
  bytes: Buffer;
}

export interface RequestOptions {
  token?: string;
  company?: number | string | null;
  headers?: Record<string, string>;
  body?: unknown;
  /** A raw body sent as is (with its own content type). */
  raw?: string | Buffer;
}

const contracts = new WeakMap<NestFastifyApplication, Promise<Contract>>();

/** The app's own OpenAPI document, read once per app, as the contract its answers are held to. */
function contractOf(app: NestFastifyApplication): Promise<Contract> {
  let contract = contracts.get(app);
  if (!contract) {
    contract = app
      .getHttpAdapter()
      .getInstance()
      .inject({ method: 'GET', url: '/docs/openapi.json' })
      .then((res) => new Contract(JSON.parse(res.body)));
    contracts.set(app, contract);
  }
  return contract;
}

/**
 * Thin HTTP helper over Fastify's inject: real routing, parsing, hooks and
 * serialization. Every answer is checked against the OpenAPI document
 * (test/support/contract.ts): an undocumented status or a body that does not
 * match its schema fails the test that made the request.
 */
export class ApiClient {
  constructor(
    private readonly app: NestFastifyApplication,
    private readonly defaults: RequestOptions = {},
  ) {}

  /** A client that sends this token and company header on every call. */
  as(token: string, company?: number): ApiClient {
    return new ApiClient(this.app, { ...this.defaults, token, company });
  }

  async request<T = any>(method: string, url: string, options: RequestOptions = {}): Promise<Answer<T>> {
    const o = { ...this.defaults, ...options, headers: { ...this.defaults.headers, ...options.headers } };
    const headers: Record<string, string> = { 'content-type': 'application/json', ...o.headers };
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    if (o.company !== undefined && o.company !== null) headers['procore-company-id'] = String(o.company);
    const payload = o.raw !== undefined ? o.raw : o.body === undefined ? undefined : JSON.stringify(o.body);
    const res = await this.app.getHttpAdapter().getInstance().inject({ method: method as 'GET', url, headers, payload });
    (await contractOf(this.app)).check(method.toUpperCase(), url, res.statusCode, res.headers, res.body);
    let body: any = res.body;
    try {
      body = res.body ? JSON.parse(res.body) : undefined;
    } catch {
      /* not JSON */
    }
    return { status: res.statusCode, headers: res.headers, body, text: res.body, bytes: res.rawPayload };
  }

  get<T = any>(url: string, options?: RequestOptions): Promise<Answer<T>> {
    return this.request('GET', url, options);
  }
  post<T = any>(url: string, body?: unknown, options?: RequestOptions): Promise<Answer<T>> {
    return this.request('POST', url, { ...options, body });
  }
  patch<T = any>(url: string, body?: unknown, options?: RequestOptions): Promise<Answer<T>> {
    return this.request('PATCH', url, { ...options, body });
  }
  delete<T = any>(url: string, options?: RequestOptions): Promise<Answer<T>> {
    return this.request('DELETE', url, options);
  }
}
