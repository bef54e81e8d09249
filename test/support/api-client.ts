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

/** Where a client's requests go: an app in this process (Fastify's inject), or another process over HTTP (its base URL). */
export type Target = NestFastifyApplication | URL;

const contracts = new WeakMap<NestFastifyApplication, Promise<Contract>>();
const remoteContracts = new Map<string, Promise<Contract>>();

/** The app's own OpenAPI document, read once per app (or process), as the contract its answers are held to. */
function contractOf(target: Target): Promise<Contract> {
  if (target instanceof URL) {
    let contract = remoteContracts.get(target.origin);
    if (!contract) {
      contract = fetch(new URL('/docs/openapi.json', target)).then(async (res) => new Contract(JSON.parse(await res.text())));
      remoteContracts.set(target.origin, contract);
    }
    return contract;
  }
  let contract = contracts.get(target);
  if (!contract) {
    contract = target
      .getHttpAdapter()
      .getInstance()
      .inject({ method: 'GET', url: '/docs/openapi.json' })
      .then((res) => new Contract(JSON.parse(res.body)));
    contracts.set(target, contract);
  }
  return contract;
}

interface Raw {
  statusCode: number;
  headers: Answer['headers'];
  body: string;
  rawPayload: Buffer;
}

/** One request to another process, over a real socket. */
async function overHttp(base: URL, method: string, url: string, headers: Record<string, string>, payload: string | Buffer | undefined): Promise<Raw> {
  const res = await fetch(new URL(url, base), { method, headers, body: payload, redirect: 'manual' });
  const rawPayload = Buffer.from(await res.arrayBuffer());
  const answered: Answer['headers'] = {};
  res.headers.forEach((value, name) => (answered[name] = value));
  return { statusCode: res.status, headers: answered, body: rawPayload.toString('utf8'), rawPayload };
}

/**
 * Thin HTTP helper over Fastify's inject: real routing, parsing, hooks and
 * serialization; or, for another process (`ApiClient.over(url)`), real HTTP.
 * Every answer is checked against the OpenAPI document
 * (test/support/contract.ts): an undocumented status or a body that does not
 * match its schema fails the test that made the request.
 */
export class ApiClient {
  constructor(
    private readonly app: Target,
    private readonly defaults: RequestOptions = {},
  ) {}

  /** A client of the API process listening at `baseUrl` (its answers checked against the document it serves). */
  static over(baseUrl: string): ApiClient {
    return new ApiClient(new URL(baseUrl));
  }

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
    const res: Raw =
      this.app instanceof URL
        ? await overHttp(this.app, method, url, headers, payload)
        : await this.app.getHttpAdapter().getInstance().inject({ method: method as 'GET', url, headers, payload });
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
