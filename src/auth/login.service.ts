import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppError } from '../common/errors';
import { User } from '../directory/entities/user.entity';
import { SandboxClock } from '../sandboxes/sandbox-clock';
import { hashSecret, randomToken, verifySecret } from './secrets';

export const MAX_FAILURES = 5;
export const FAILURE_WINDOW_MS = 15 * 60 * 1000;
export const LOCK_MS = 15 * 60 * 1000;

/** Unknown emails cost the same time as wrong passwords. */
let dummyHash: Promise<string> | null = null;

/** Password checks with lockout: five failures in fifteen minutes lock the account (in the sandbox's time). */
@Injectable()
export class LoginService {
  constructor(
    private readonly db: DataSource,
    private readonly clock: SandboxClock,
  ) {}

  /** Checks a password; with `companyId`, a user of another company is refused like a wrong password. */
  async verify(email: string, password: string, companyId?: number): Promise<User> {
    const user = await this.db
      .getRepository(User)
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('lower(u.email) = lower(:email)', { email })
      .andWhere('u.is_service_account = false')
      .getOne();
    if (!user || (companyId !== undefined && user.companyId !== companyId)) {
      dummyHash ??= hashSecret(randomToken());
      await verifySecret(await dummyHash, password);
      throw invalidCredentials();
    }
    if (user.lockedUntil && user.lockedUntil.getTime() > (await this.clock.now(user.companyId)).getTime()) throw locked(user.lockedUntil);
    const ok = await verifySecret(user.passwordHash, password);
    if (!ok) {
      const lockedUntil = await this.recordFailure(user.companyId, user.id);
      if (lockedUntil) throw locked(lockedUntil);
      throw invalidCredentials();
    }
    if (!user.active) {
      throw new AppError('account_inactive', 'This user account has been deactivated by a company administrator.', {}, {}, 'invalid_grant');
    }
    await this.clock.transaction(user.companyId, async (m, now) => {
      // Re-check under the row lock: concurrent failures may have locked the account since it was read.
      const [row] = await m.query('SELECT locked_until FROM users WHERE id = $1 FOR UPDATE', [user.id]);
      if (row?.locked_until && new Date(row.locked_until).getTime() > now.getTime()) throw locked(new Date(row.locked_until));
      await m.query('DELETE FROM login_failures WHERE user_id = $1', [user.id]);
      await m.query('UPDATE users SET last_login_at = $2, locked_until = NULL WHERE id = $1', [user.id, now]);
    });
    return user;
  }

  /** Counts the failure under the user's row lock, so concurrent storms lock exactly once. */
  private async recordFailure(companyId: number, userId: number): Promise<Date | null> {
    return this.clock.transaction(companyId, async (m, now) => {
      const [row] = await m.query('SELECT locked_until FROM users WHERE id = $1 FOR UPDATE', [userId]);
      if (row?.locked_until && new Date(row.locked_until).getTime() > now.getTime()) return new Date(row.locked_until);
      await m.query('INSERT INTO login_failures (user_id, failed_at) VALUES ($1, $2)', [userId, now]);
      const [{ count }] = await m.query(
        `SELECT count(*)::int AS count FROM login_failures WHERE user_id = $1 AND failed_at > $3::timestamptz - $2 * interval '1 millisecond'`,
        [userId, FAILURE_WINDOW_MS, now],
      );
      if (count < MAX_FAILURES) return null;
      const until = new Date(now.getTime() + LOCK_MS);
      await m.query('UPDATE users SET locked_until = $2, version = version + 1, updated_at = $3 WHERE id = $1', [userId, until, now]);
      await m.query('DELETE FROM login_failures WHERE user_id = $1', [userId]);
      return until;
    });
  }
}

function invalidCredentials(): AppError {
  return new AppError('invalid_credentials', 'The email or password is not correct.', {}, {}, 'invalid_grant');
}

function locked(until: Date): AppError {
  return new AppError(
    'account_locked',
    `This account is locked after ${MAX_FAILURES} failed sign-in attempts. It unlocks at ${until.toISOString()}, or a company administrator can unlock it now.`,
    { locked_until: until.toISOString() },
    {},
    'invalid_grant',
  );
}
