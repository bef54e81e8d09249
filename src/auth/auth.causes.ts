import { Injectable, OnModuleInit } from '@nestjs/common';
import { CauseDetector, CauseRegistry, DiagnoseContext, Finding } from '../diagnose/causes';
import { userRef } from '../diagnose/evidence';

type Found = Omit<Finding, 'cause'>;

/** Five failed sign-ins locked the account. */
@Injectable()
export class AccountLockedCause implements CauseDetector {
  readonly cause = 'account_locked' as const;
  readonly symptoms = ['denied', 'not_loading'] as const;

  async detect(ctx: DiagnoseContext): Promise<Found[]> {
    if (ctx.userId === null) return [];
    const [u] = await ctx.db.query('SELECT locked_until FROM users WHERE id = $1 AND locked_until > $2', [ctx.userId, ctx.now]);
    if (!u) return [];
    return [
      {
        tool: null,
        item: null,
        user: await userRef(ctx.db, ctx.userId),
        evidence: { locked_until: u.locked_until.toISOString() },
        fix: [
          `Wait until ${u.locked_until.toISOString()}, or a company administrator unlocks the account: POST /rest/v1.0/companies/${ctx.companyId}/users/${ctx.userId}/actions/unlock`,
        ],
        weight: 100,
      },
    ];
  }
}

/** The user's access token expired and no newer one was issued. */
@Injectable()
export class SessionExpiredCause implements CauseDetector {
  readonly cause = 'session_expired' as const;
  readonly symptoms = ['denied', 'not_loading', 'not_updating'] as const;

  async detect(ctx: DiagnoseContext): Promise<Found[]> {
    if (ctx.userId === null) return [];
    const [t] = await ctx.db.query(
      `SELECT expires_at, refresh_expires_at FROM oauth_tokens WHERE user_id = $1 AND revoked_at IS NULL ORDER BY created_at DESC LIMIT 1`,
      [ctx.userId],
    );
    if (!t || t.expires_at.getTime() > ctx.now.getTime()) return [];
    return [
      {
        tool: null,
        item: null,
        user: await userRef(ctx.db, ctx.userId),
        evidence: { expired_at: t.expires_at.toISOString(), refresh_token_valid: t.refresh_expires_at !== null && t.refresh_expires_at.getTime() > ctx.now.getTime() },
        fix: ['Refresh the token (POST /oauth/token grant_type=refresh_token) or sign in again.'],
        weight: 80,
      },
    ];
  }
}

@Injectable()
export class AuthCauses implements OnModuleInit {
  constructor(
    private readonly registry: CauseRegistry,
    private readonly locked: AccountLockedCause,
    private readonly expired: SessionExpiredCause,
  ) {}

  onModuleInit(): void {
    this.registry.register(this.locked, this.expired);
  }
}
