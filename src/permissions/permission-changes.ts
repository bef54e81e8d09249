import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { REDIS } from '../redis/redis.module';
import { SandboxClock } from '../sandboxes/sandbox-clock';
import { permissionEpochKey, randomEpochBase } from './permission-epoch';

/** Bumps an epoch, or starts it at a random base when Redis lost it (old cached epochs can never match again). */
const BUMP = `if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('INCR', KEYS[1]) end
redis.call('SET', KEYS[1], ARGV[1]) return tonumber(ARGV[1])`;

/**
 * Changes to who may do what in a company. Caches of tokens and effective
 * permissions are keyed by the company's epoch in Redis (read on every request
 * in the same round trip as the rate-limit counters); a change bumps the epoch
 * after it commits, so the next request reloads from PostgreSQL.
 */
@Injectable()
export class PermissionChanges {
  private readonly logger = new Logger('PermissionChanges');

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
    private readonly clock: SandboxClock,
  ) {}

  epochKey(companyId: number): string {
    return permissionEpochKey(this.config.redisPrefix, companyId);
  }

  /** A fresh random base for an epoch Redis does not have. */
  newBase(): number {
    return randomEpochBase();
  }

  /**
   * Runs a change in a transaction at the sandbox's time, marks it in
   * PostgreSQL, and bumps the epoch once it has committed.
   */
  async transaction<T>(companyId: number, work: (m: EntityManager) => Promise<T>): Promise<T> {
    const result = await this.clock.transaction(companyId, async (m) => {
      const value = await work(m);
      await m.query('UPDATE companies SET permission_version = permission_version + 1 WHERE id = $1', [companyId]);
      return value;
    });
    await this.publish(companyId);
    return result;
  }

  /** Marks a committed change (token revoked, sandbox reset, settings changed). */
  async publish(companyId: number): Promise<void> {
    try {
      await this.redis.eval(BUMP, 1, this.epochKey(companyId), String(this.newBase()));
    } catch (err) {
      // Without Redis, requests cannot read the epoch either, and then use no cache at all.
      this.logger.warn(`epoch of company ${companyId} not bumped: ${(err as Error).message}`);
    }
  }
}
