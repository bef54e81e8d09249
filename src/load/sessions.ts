import { HttpEngine } from './http-engine';
import { Metrics } from './metrics';
import { PersonaKey, Target } from './target';

/**
 * Access tokens of the personas, from the password grant of `/oauth/token`
 * (a measured step, `login`): one per persona for the run (`shared`), or one
 * per persona and virtual user (`per_vu`), each with its own rate limits.
 */
export class Sessions {
  private readonly tokens = new Map<string, Promise<string>>();

  constructor(
    private readonly engine: HttpEngine,
    private readonly metrics: Metrics,
    private readonly target: Target,
    private readonly mode: 'shared' | 'per_vu',
  ) {}

  token(persona: PersonaKey, vu: number): Promise<string> {
    const key = this.mode === 'shared' ? persona : `${persona}#${vu}`;
    let token = this.tokens.get(key);
    if (!token) {
      token = this.login(persona);
      this.tokens.set(key, token);
      token.catch(() => this.tokens.delete(key));
    }
    return token;
  }

  /** Forgets a token the API no longer takes (expired, revoked), so that the next call signs in again. */
  forget(persona: PersonaKey, vu: number, token: string): void {
    const key = this.mode === 'shared' ? persona : `${persona}#${vu}`;
    const held = this.tokens.get(key);
    void held?.then((t) => t === token && this.tokens.get(key) === held && this.tokens.delete(key)).catch(() => undefined);
  }

  private async login(persona: PersonaKey): Promise<string> {
    const p = this.target.personas.get(persona)!;
    const res = await this.engine.send<{ access_token: string }>(this.metrics.step('login', 'session'), {
      method: 'POST',
      path: '/oauth/token',
      json: { grant_type: 'password', username: p.email, password: p.password },
    });
    return res.body.access_token;
  }
}
