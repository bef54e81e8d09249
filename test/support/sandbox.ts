import { ApiClient } from './api-client';

export type PersonaKey = 'company_admin' | 'gc_project_manager' | 'superintendent' | 'subcontractor' | 'architect' | 'owner_rep';
export const PERSONA_KEYS: PersonaKey[] = ['company_admin', 'gc_project_manager', 'superintendent', 'subcontractor', 'architect', 'owner_rep'];

export interface SandboxInfo {
  id: number;
  company_id: number;
  sandbox_token: string;
  personas: { key: PersonaKey; user_id: number; email: string; password: string; template: string }[];
  projects: { key: string; id: number; name: string }[];
  apps: { key: string; client_id: string; client_secret: string; redirect_uris: string[]; user_id?: number }[];
}

/** A training sandbox created through the API, with helpers to sign in as its personas. */
export class TrainingSandbox {
  private readonly tokens = new Map<string, string>();

  private constructor(
    readonly api: ApiClient,
    readonly info: SandboxInfo,
  ) {}

  static async create(api: ApiClient, name = 'test'): Promise<TrainingSandbox> {
    const res = await api.post('/_sim/sandboxes', { name, template: 'training', seed: 42 });
    if (res.status !== 201) throw new Error(`sandbox create failed: ${res.status} ${res.text}`);
    return new TrainingSandbox(api, res.body as SandboxInfo);
  }

  get companyId(): number {
    return this.info.company_id;
  }

  project(key: 'first' | 'second' = 'first'): number {
    return this.info.projects.find((p) => p.key === key)!.id;
  }

  persona(key: PersonaKey): SandboxInfo['personas'][number] {
    return this.info.personas.find((p) => p.key === key)!;
  }

  userId(key: PersonaKey): number {
    return this.persona(key).user_id;
  }

  async token(key: PersonaKey): Promise<string> {
    const cached = this.tokens.get(key);
    if (cached) return cached;
    const p = this.persona(key);
    const res = await this.api.post('/oauth/token', { grant_type: 'password', username: p.email, password: p.password });
    if (res.status !== 200) throw new Error(`login ${key} failed: ${res.status} ${res.text}`);
    this.tokens.set(key, res.body.access_token);
    return res.body.access_token;
  }

  /** A client acting as the persona in the sandbox's company. */
  async as(key: PersonaKey): Promise<ApiClient> {
    return this.api.as(await this.token(key), this.companyId);
  }

  forget(key: PersonaKey): void {
    this.tokens.delete(key);
  }

  /**
   * Adds `n` new users of the company to a project on the project template
   * named `template`, each signed in: for tests that need many people.
   */
  async addMembers(n: number, template: string, project = this.project()): Promise<{ userId: number; client: ApiClient }[]> {
    const admin = await this.as('company_admin');
    const templates = await admin.get(`/rest/v1.0/companies/${this.companyId}/permission_templates?per_page=1000`);
    const found = (templates.body as { id: number; name: string }[]).find((t) => t.name === template);
    if (!found) throw new Error(`no template ${template}`);
    const tag = `${this.info.id}-${Date.now().toString(36)}`;
    return Promise.all(
      Array.from({ length: n }, async (_, i) => {
        const email = `member${i}.${tag}@example.com`;
        const user = await admin.post(`/rest/v1.0/companies/${this.companyId}/users`, { name: `Member ${i}`, email, password: 'member-password-1' });
        if (user.status !== 201) throw new Error(`user create failed: ${user.status} ${user.text}`);
        const member = await admin.post(`/rest/v1.0/projects/${project}/users`, { user_id: user.body.id, permission_template_id: found.id });
        if (member.status !== 201) throw new Error(`membership failed: ${member.status} ${member.text}`);
        const login = await this.api.post('/oauth/token', { grant_type: 'password', username: email, password: 'member-password-1' });
        if (login.status !== 200) throw new Error(`login failed: ${login.status} ${login.text}`);
        return { userId: user.body.id as number, client: this.api.as(login.body.access_token, this.companyId) };
      }),
    );
  }

  /** Raises rate limits so that table-driven tests are not throttled (the limits have their own test). */
  async relaxLimits(): Promise<void> {
    const res = await this.api.patch(`/_sim/sandboxes/${this.info.id}/settings`, { rate_limit: { hourly: 1_000_000, spike_10s: 100_000 } });
    if (res.status !== 200) throw new Error(`settings failed: ${res.status} ${res.text}`);
  }
}
