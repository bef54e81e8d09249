import type { FastifyInstance } from 'fastify';
import { multipartBody } from '../uploads/multipart-body';
import type { SandboxView } from './scenarios.service';

export interface Answer {
  status: number;
  body: any;
}

export type Persona = 'company_admin' | 'gc_project_manager' | 'superintendent' | 'subcontractor' | 'architect' | 'owner_rep';

/**
 * A scenario acts as its personas through the real HTTP stack (routing, guards,
 * validation), in-process: what it sees is what a client would see.
 */
export class ScenarioContext {
  private readonly tokens = new Map<string, string>();

  constructor(
    private readonly http: FastifyInstance,
    readonly sandbox: SandboxView,
  ) {}

  get companyId(): number {
    return this.sandbox.company_id;
  }

  project(key: 'first' | 'second' = 'first'): number {
    return this.sandbox.projects.find((p) => p.key === key)!.id;
  }

  userId(persona: Persona): number {
    return this.sandbox.personas.find((p) => p.key === persona)!.user_id;
  }

  persona(persona: Persona): SandboxView['personas'][number] {
    return this.sandbox.personas.find((p) => p.key === persona)!;
  }

  request(method: string, url: string, options: { token?: string; body?: unknown; company?: boolean } = {}): Promise<Answer> {
    return this.requestWith(method, url, options);
  }

  async requestWith(
    method: string,
    url: string,
    options: { token?: string; body?: unknown; raw?: Buffer; company?: boolean; headers?: Record<string, string> } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.company !== false) headers['procore-company-id'] = String(this.companyId);
    const payload = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    const res = await this.http.inject({ method: method as 'GET', url, headers, payload });
    let body: unknown = res.body;
    try {
      body = res.body ? JSON.parse(res.body) : undefined;
    } catch {
      /* text */
    }
    return { status: res.statusCode, body };
  }

  /** Signs a persona in (password grant); cached per run. */
  async login(persona: Persona, password?: string): Promise<Answer> {
    const p = this.persona(persona);
    return this.request('POST', '/oauth/token', { body: { grant_type: 'password', username: p.email, password: password ?? p.password }, company: false });
  }

  async token(persona: Persona): Promise<string> {
    const cached = this.tokens.get(persona);
    if (cached) return cached;
    const res = await this.login(persona);
    if (res.status !== 200) throw new Error(`scenario could not sign ${persona} in: ${res.status} ${JSON.stringify(res.body)}`);
    this.tokens.set(persona, res.body.access_token);
    return res.body.access_token;
  }

  async as(persona: Persona, method: string, url: string, body?: unknown): Promise<Answer> {
    return this.request(method, url, { token: await this.token(persona), body });
  }

  /** Uploads a file as a persona (multipart, part `file`), as a client does. */
  async upload(persona: Persona, fileName: string, data: Buffer): Promise<Answer> {
    const { body, contentType } = multipartBody([{ name: 'file', filename: fileName, data }]);
    return this.requestWith('POST', `/rest/v1.0/projects/${this.project('first')}/uploads`, { token: await this.token(persona), raw: body, headers: { 'content-type': contentType } });
  }

  /** Simulator calls with the scenario sandbox's own token. */
  sim(method: string, url: string, body?: unknown): Promise<Answer> {
    return this.request(method, url, { token: this.sandbox.sandbox_token, body, company: false });
  }
}
