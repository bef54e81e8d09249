import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppError } from '../common/errors';
import type { AuthContext } from '../common/http/request-context';
import { SandboxClock } from '../sandboxes/sandbox-clock';
import { SandboxSettings, withDefaults } from '../sandboxes/sandbox-settings';
import { digest } from './secrets';

interface TokenRow {
  id: number;
  app_id: number | null;
  client_id: string | null;
  created_at: Date;
  user_id: number;
  company_id: number;
  expires_at: Date;
  revoked_at: Date | null;
  active: boolean;
  name: string;
  email: string;
  vendor_id: number | null;
  settings: Partial<SandboxSettings> | null;
  seed: number | null;
}

const TOKEN_SQL = `
  SELECT t.id, t.app_id, a.client_id, t.created_at, t.user_id, u.company_id, t.expires_at, t.revoked_at,
         u.active, u.name, u.email, u.vendor_id, s.settings, s.seed
    FROM oauth_tokens t
    JOIN users u ON u.id = t.user_id
    JOIN companies c ON c.id = u.company_id
    LEFT JOIN sandboxes s ON s.company_id = c.id
    LEFT JOIN oauth_apps a ON a.id = t.app_id
   WHERE t.access_hash = $1`;

const CACHE_LIMIT = 100_000;
const MAX_AGE_MS = 60_000;

interface Cached {
  auth: AuthContext;
  /** The company epoch read before `auth` was loaded; null: not yet verified against an epoch. */
  epoch: number | null;
  /** When it was loaded (monotonic ms): a cached caller is loaded again after a minute in any case. */
  loadedAt: number;
}

/**
 * Layer 1: turns a bearer token into the caller. Answers are cached per
 * process under the company's permission epoch (see PermissionChanges): the
 * guard reads the epoch before every request, and a revocation, deactivation or
 * any other change bumps it, so the next request loads the token again.
 */
@Injectable()
export class TokenAuthService {
  private readonly cache = new Map<string, Cached>();

  constructor(
    private readonly db: DataSource,
    private readonly clock: SandboxClock,
  ) {}

  /** The digest a bearer token is stored and cached under. */
  hashOf(authorization: string | undefined): string {
    return digest(parseBearer(authorization));
  }

  /** A cached caller for this token, or null (then `load` it). Its company names the epoch to read. */
  cached(hash: string): AuthContext | null {
    const hit = this.cache.get(hash);
    if (!hit) return null;
    if (performance.now() - hit.loadedAt > MAX_AGE_MS) {
      this.cache.delete(hash);
      return null;
    }
    return hit.auth;
  }

  /** The cached caller when it was loaded under this epoch and has not expired in its sandbox's time since. */
  async valid(hash: string, epoch: number | null): Promise<AuthContext | null> {
    const hit = this.cache.get(hash);
    if (!hit || epoch === null || hit.epoch !== epoch) return null;
    if (hit.auth.expiresAt.getTime() <= (await this.clock.now(hit.auth.companyId, epoch)).getTime()) {
      this.cache.delete(hash);
      return null;
    }
    return { ...hit.auth, epoch };
  }

  /**
   * Loads the caller from PostgreSQL. `epoch` must have been read before the
   * load for the answer to be reused; pass null when it was not.
   */
  async load(hash: string, epoch: number | null): Promise<AuthContext> {
    try {
      const auth = await this.query(hash, epoch);
      if (this.cache.size >= CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value as string);
      this.cache.set(hash, { auth, epoch, loadedAt: performance.now() });
      return { ...auth, epoch };
    } catch (err) {
      this.cache.delete(hash);
      throw err;
    }
  }

  /** The caller of a token; expiry is judged by its sandbox's clock. */
  private async query(hash: string, epoch: number | null): Promise<AuthContext> {
    const rows: TokenRow[] = await this.db.query(TOKEN_SQL, [hash]);
    const row = rows[0];
    if (!row || row.revoked_at) {
      throw new AppError('unauthenticated', 'The access token is unknown or was revoked. Sign in again to get a new one.');
    }
    if (row.expires_at.getTime() <= (await this.clock.now(row.company_id, epoch)).getTime()) {
      throw new AppError('session_expired', 'The access token has expired. Use your refresh token or sign in again.', {
        expired_at: row.expires_at.toISOString(),
      });
    }
    if (!row.active) {
      throw new AppError('account_inactive', 'This user account has been deactivated by a company administrator.');
    }
    return {
      tokenId: row.id,
      appId: row.app_id,
      appClientId: row.client_id,
      tokenCreatedAt: Math.floor(row.created_at.getTime() / 1000),
      userId: row.user_id,
      companyId: row.company_id,
      expiresAt: row.expires_at,
      epoch: null,
      settings: withDefaults(row.settings, row.seed ?? 0),
      user: { id: row.user_id, name: row.name, login: row.email, vendorId: row.vendor_id },
    };
  }
}

export function parseBearer(authorization: string | undefined): string {
  if (!authorization) {
    throw new AppError('unauthenticated', 'Sign in first: send the header Authorization: Bearer <access_token>.');
  }
  const match = /^Bearer\s+([A-Za-z0-9._~+/=-]{10,512})\s*$/i.exec(authorization);
  if (!match) throw new AppError('unauthenticated', 'The Authorization header must be "Bearer <access_token>".');
  return match[1];
}
