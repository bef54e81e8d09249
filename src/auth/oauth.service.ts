import { Injectable } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { AppError } from '../common/errors';
import { User } from '../directory/entities/user.entity';
import { OAuthApp } from './entities/oauth-app.entity';
import { OAuthCode } from './entities/oauth-code.entity';
import { OAuthToken } from './entities/oauth-token.entity';
import { PermissionChanges } from '../permissions/permission-changes';
import { SandboxClock } from '../sandboxes/sandbox-clock';
import { LoginService } from './login.service';
import { digest, randomToken, verifySecret } from './secrets';

export interface TokenAnswer {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token: string;
  created_at: number;
}

export const CODE_TTL_MS = 10 * 60 * 1000;

/** RFC 7636 §4.1–4.2: verifiers and challenges are 43–128 unreserved characters. */
const PKCE_VALUE = /^[A-Za-z0-9._~-]{43,128}$/;

export function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function oauth(code: 'invalid_request' | 'invalid_credentials', oauthError: string, message: string): AppError {
  return new AppError(code, message, {}, {}, oauthError);
}

/** OAuth 2.0 grants, codes, refresh rotation and revocation (API.md "Authentication"). */
@Injectable()
export class OAuthService {
  constructor(
    private readonly db: DataSource,
    private readonly config: AppConfig,
    private readonly logins: LoginService,
    private readonly changes: PermissionChanges,
    private readonly clock: SandboxClock,
  ) {}

  async findApp(clientId: string | undefined): Promise<OAuthApp> {
    const app = clientId ? await this.db.getRepository(OAuthApp).findOneBy({ clientId }) : null;
    if (!app) throw oauth('invalid_credentials', 'invalid_client', 'Unknown client_id.');
    return app;
  }

  /** Authenticates a client; answers the app. */
  async authenticateClient(clientId: string | undefined, clientSecret: string | undefined): Promise<OAuthApp> {
    if (!clientId || !clientSecret) throw oauth('invalid_credentials', 'invalid_client', 'client_id and client_secret are required.');
    const app = await this.db
      .getRepository(OAuthApp)
      .createQueryBuilder('a')
      .addSelect('a.clientSecretHash')
      .where('a.clientId = :clientId', { clientId })
      .getOne();
    if (!app || !(await verifySecret(app.clientSecretHash, clientSecret))) {
      throw oauth('invalid_credentials', 'invalid_client', 'The client_id or client_secret is not correct.');
    }
    return app;
  }

  /**
   * The registered redirect URI a request may use; an unregistered one is
   * refused, never followed. A registered path (the training app's
   * `/console/callback`) stands for that path on this server's own address:
   * `origins` are the addresses the request reached the server by.
   */
  redirectFor(app: OAuthApp, requested: string | undefined, origins: readonly string[] = []): string {
    if (!requested) {
      if (app.redirectUris.length === 1 && !app.redirectUris[0].startsWith('/')) return app.redirectUris[0];
      throw oauth('invalid_request', 'invalid_request', 'redirect_uri is required.');
    }
    if (app.redirectUris.includes(requested) && !requested.startsWith('/')) return requested;
    const url = URL.canParse(requested) ? new URL(requested) : null;
    if (url && origins.includes(url.origin) && !url.search && !url.hash && url.href === `${url.origin}${url.pathname}` && app.redirectUris.includes(url.pathname)) return requested;
    throw oauth('invalid_request', 'invalid_request', 'redirect_uri is not registered for this application.');
  }

  /** RFC 7636: only S256, with a challenge of 43 to 128 URL-safe characters. */
  checkChallenge(challenge: string | undefined, method: string | undefined): string | null {
    if (challenge === undefined) {
      if (method !== undefined) throw oauth('invalid_request', 'invalid_request', 'code_challenge_method needs a code_challenge.');
      return null;
    }
    if (method !== 'S256') throw oauth('invalid_request', 'invalid_request', 'code_challenge_method must be S256 (plain is not accepted).');
    if (!PKCE_VALUE.test(challenge)) throw oauth('invalid_request', 'invalid_request', 'code_challenge must be 43 to 128 characters of A-Z, a-z, 0-9 and -._~ (base64url of a SHA-256).');
    return challenge;
  }

  async issueCode(app: OAuthApp, user: User, redirectUri: string, codeChallenge: string | null = null): Promise<string> {
    const code = randomToken(24);
    await this.db.getRepository(OAuthCode).insert({
      codeHash: digest(code),
      appId: app.id,
      userId: user.id,
      redirectUri,
      codeChallenge,
      expiresAt: new Date((await this.clock.now(app.companyId)).getTime() + CODE_TTL_MS),
    });
    return code;
  }

  /** Signs a user in through an app's form: the user must be in the app's company. */
  async verifyForApp(app: OAuthApp, email: string, password: string): Promise<User> {
    return this.logins.verify(email, password, app.companyId);
  }

  tokensFor(user: User, app: OAuthApp): Promise<TokenAnswer> {
    return this.issue(this.db.manager, user.id, user.companyId, app.id);
  }

  async passwordGrant(username: string | undefined, password: string | undefined, clientId?: string, clientSecret?: string): Promise<TokenAnswer> {
    if (!username || !password) throw oauth('invalid_request', 'invalid_request', 'username and password are required.');
    // A client that sends its secret is held to it; one that sends only its client_id is a public client.
    const app = clientSecret !== undefined ? await this.authenticateClient(clientId, clientSecret) : clientId ? await this.findApp(clientId) : null;
    const user = await this.logins.verify(username, password);
    if (app && app.companyId !== user.companyId) throw oauth('invalid_credentials', 'invalid_client', 'This client belongs to another company.');
    return this.issue(this.db.manager, user.id, user.companyId, app?.id ?? null);
  }

  /**
   * Exchanges a code. With PKCE the verifier must match the code's challenge;
   * a public client (no client_secret: `viaVerifier`) may exchange only a code
   * issued with a challenge. A refused exchange leaves the code as it was.
   */
  async codeGrant(code: string | undefined, app: OAuthApp, redirectUri: string | undefined, verifier?: string, viaVerifier = false): Promise<TokenAnswer> {
    if (!code) throw oauth('invalid_request', 'invalid_request', 'code is required.');
    return this.clock.transaction(app.companyId, async (m, now) => {
      // TypeORM answers an UPDATE … RETURNING as [rows, rowCount].
      const [rows]: [{ user_id: number; redirect_uri: string; app_id: number; code_challenge: string | null }[], number] = await m.query(
        `UPDATE oauth_codes SET used_at = $2
          WHERE code_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING user_id, redirect_uri, app_id, code_challenge`,
        [digest(code), now],
      );
      const row = rows[0];
      if (!row || row.app_id !== app.id) {
        throw oauth('invalid_request', 'invalid_grant', 'The authorization code is invalid, expired or was already used.');
      }
      if (redirectUri !== undefined && redirectUri !== row.redirect_uri) {
        throw oauth('invalid_request', 'invalid_grant', 'redirect_uri does not match the one the code was issued for.');
      }
      if (row.code_challenge === null && viaVerifier) {
        throw oauth('invalid_credentials', 'invalid_client', 'This code was issued without a code_challenge: exchange it with the client_secret.');
      }
      if (row.code_challenge !== null && (!verifier || !PKCE_VALUE.test(verifier) || !safeEqual(s256(verifier), row.code_challenge))) {
        throw oauth('invalid_request', 'invalid_grant', verifier ? 'code_verifier does not match the code_challenge the code was issued with.' : 'code_verifier is required: the code was issued with a code_challenge.');
      }
      const user = await this.activeUser(m, row.user_id);
      return this.issue(m, user.id, user.companyId, app.id);
    });
  }

  async clientCredentialsGrant(app: OAuthApp): Promise<TokenAnswer> {
    if (!app.serviceAccountUserId) {
      throw oauth('invalid_request', 'unauthorized_client', 'This application is not a service account; use another grant.');
    }
    const user = await this.activeUser(this.db.manager, app.serviceAccountUserId);
    return this.issue(this.db.manager, user.id, user.companyId, app.id);
  }

  async refreshGrant(refreshToken: string | undefined, clientId?: string, clientSecret?: string): Promise<TokenAnswer> {
    if (!refreshToken) throw oauth('invalid_request', 'invalid_request', 'refresh_token is required.');
    // As in the password grant: a client that sends its secret is held to it, one that sends only its client_id is public.
    const app = clientSecret !== undefined ? await this.authenticateClient(clientId, clientSecret) : clientId ? await this.findApp(clientId) : null;
    // The refresh token expires in its sandbox's time.
    const [owner]: { company_id: number }[] = await this.db.query('SELECT company_id FROM oauth_tokens WHERE refresh_hash = $1', [digest(refreshToken)]);
    if (!owner) throw oauth('invalid_request', 'invalid_grant', 'The refresh token is invalid, expired or was already used.');
    const answer = await this.clock.transaction(owner.company_id, async (m, now) => {
      // TypeORM answers an UPDATE … RETURNING as [rows, rowCount].
      const [rows]: [{ user_id: number; company_id: number; app_id: number | null }[], number] = await m.query(
        `UPDATE oauth_tokens SET revoked_at = $2
          WHERE refresh_hash = $1 AND revoked_at IS NULL AND refresh_expires_at > $2
          RETURNING user_id, company_id, app_id`,
        [digest(refreshToken), now],
      );
      const row = rows[0];
      if (!row) throw oauth('invalid_request', 'invalid_grant', 'The refresh token is invalid, expired or was already used.');
      if (row.app_id !== null && row.app_id !== app?.id) {
        throw oauth('invalid_credentials', 'invalid_client', 'This refresh token was issued to another client; send its client_id and client_secret.');
      }
      if (app && app.companyId !== row.company_id) throw oauth('invalid_credentials', 'invalid_client', 'This client belongs to another company.');
      const user = await this.activeUser(m, row.user_id);
      // RFC 6749 §6 and RFC 7009: the new pair belongs to the client that refreshed, so that client may revoke it.
      return { companyId: row.company_id, tokens: await this.issue(m, user.id, row.company_id, app?.id ?? row.app_id) };
    });
    // The rotated-out access token stops working on the next request.
    await this.changes.publish(answer.companyId);
    return answer.tokens;
  }

  /** RFC 7009: revoking an unknown token is not an error; a client may revoke only its own tokens. */
  async revoke(token: string | undefined, app: OAuthApp | null): Promise<void> {
    if (!token) throw oauth('invalid_request', 'invalid_request', 'token is required.');
    const hash = digest(token);
    const [row]: { app_id: number | null; company_id: number }[] = await this.db.query(
      'SELECT app_id, company_id FROM oauth_tokens WHERE access_hash = $1 OR refresh_hash = $1',
      [hash],
    );
    if (row && app && row.app_id !== app.id) {
      throw oauth('invalid_request', 'unauthorized_client', 'This token was issued to another client; that client must revoke it.');
    }
    if (!row) return;
    await this.db.query(
      'UPDATE oauth_tokens SET revoked_at = $2 WHERE (access_hash = $1 OR refresh_hash = $1) AND revoked_at IS NULL',
      [hash, await this.clock.now(row.company_id)],
    );
    await this.changes.publish(row.company_id);
  }

  private async activeUser(m: EntityManager, userId: number): Promise<User> {
    const user = await m.findOneBy(User, { id: userId });
    if (!user) throw oauth('invalid_request', 'invalid_grant', 'The user no longer exists.');
    if (!user.active) throw new AppError('account_inactive', 'This user account has been deactivated by a company administrator.', {}, {}, 'invalid_grant');
    return user;
  }

  private async issue(m: EntityManager, userId: number, companyId: number, appId: number | null): Promise<TokenAnswer> {
    const access = randomToken();
    const refresh = randomToken();
    const now = (await this.clock.at(m, companyId)).getTime();
    await m.insert(OAuthToken, {
      companyId,
      userId,
      appId,
      accessHash: digest(access),
      refreshHash: digest(refresh),
      expiresAt: new Date(now + this.config.accessTokenTtlSeconds * 1000),
      refreshExpiresAt: new Date(now + this.config.refreshTokenTtlSeconds * 1000),
      // the same instant as the answer's created_at, so that /oauth/token/info agrees with it
      createdAt: new Date(now),
    });
    return {
      access_token: access,
      token_type: 'Bearer',
      expires_in: this.config.accessTokenTtlSeconds,
      refresh_token: refresh,
      created_at: Math.floor(now / 1000),
    };
  }
}
