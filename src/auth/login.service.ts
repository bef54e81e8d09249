import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppError } from '../common/errors';
import { User } from '../directory/entities/user.entity';
import { hashSecret, randomToken, verifySecret } from './secrets';

export const MAX_FAILURES = 5;
export const FAILURE_WINDOW_MS = 15 * 60 * 1000;
export const LOCK_MS = 15 * 60 * 1000;

/** Unknown emails cost the same time as wrong passwords. */
let dummyHash: Promise<string> | null = null;

/** Password checks with lockout: five failures in fifteen minutes lock the account. */
@Injectable()
export class LoginService {
  constructor(private readonly db: DataSource) {}

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
    if (user.lockedUntil && user.lockedUntil.getTime() > Date.now()) throw locked(user.lockedUntil);
    const ok = await verifySecret(user.passwordHash, password);
    if (!ok) {
      const lockedUntil = await this.recordFailure(user.id);
      if (lockedUntil) throw locked(lockedUntil);
      throw invalidCredentials();
    }
    if (!user.active) {
      throw new AppError('account_inactive', 'This user account has been deactivated by a company administrator.', {}, {}, 'invalid_grant');
    }
    await this.db.transaction(async (m) => {
      // Re-check under the row lock: concurrent failures may have locked the account since it was read.
      const [row] = await m.query('SELECT locked_until FROM users WHERE id = $1 FOR UPDATE', [user.id]);
      if (row?.locked_until && new Date(row.locked_until).getTime() > Date.now()) throw locked(new Date(row.locked_until));
      await m.query('DELETE FROM login_failures WHERE user_id = $1', [user.id]);
      await m.query('UPDATE users SET last_login_at = now(), locked_until = NULL WHERE id = $1', [user.id]);
    });
    return user;
  }

  /** Counts the failure under the user's row lock, so concurrent storms lock exactly once. */
  private async recordFailure(userId: number): Promise<Date | null> {
    return this.db.transaction(async (m) => {
      const [row] = await m.query('SELECT locked_until FROM users WHERE id = $1 FOR UPDATE', [userId]);
      if (row?.locked_until && new Date(row.locked_until).getTime() > Date.now()) return new Date(row.locked_until);
      await m.query('INSERT INTO login_failures (user_id) VALUES ($1)', [userId]);
      const [{ count }] = await m.query(
        `SELECT count(*)::int AS count FROM login_failures WHERE user_id = $1 AND failed_at > now() - $2 * interval '1 millisecond'`,
        [userId, FAILURE_WINDOW_MS],
      );
      if (count < MAX_FAILURES) return null;
      const until = new Date(Date.now() + LOCK_MS);
      await m.query('UPDATE users SET locked_until = $2, version = version + 1, updated_at = now() WHERE id = $1', [userId, until]);
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
