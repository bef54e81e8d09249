import { Inject, Injectable, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type Redis from 'ioredis';
import { AppConfig } from '../../config/app-config';
import { REDIS } from '../../redis/redis.module';
import { AppError } from '../errors';
import type { AuthContext } from '../http/request-context';

const HOUR = 3600;
const SPIKE = 10;

/**
 * Per-token limits counted in Redis (so every API process shares them): an
 * hourly window and a 10-second spike window, both settable per sandbox.
 * Keys carry the deployment's prefix (SIM_REDIS_PREFIX): token ids are only
 * unique within one database, and deployments may share a Redis.
 */
@Injectable()
export class RateLimiter {
  private readonly logger = new Logger('RateLimiter');

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {}

  /**
   * Counts one request for the token and answers 429 over a limit. `alsoGet`
   * keys are read in the same round trip (the guard reads the company's
   * permission epoch this way); their values are answered, null when Redis is out.
   */
  async consume(reply: FastifyReply, auth: AuthContext, alsoGet: string[] = []): Promise<(string | null)[]> {
    const { hourly, spike_10s: spike } = auth.settings.rate_limit;
    const now = Math.floor(Date.now() / 1000);
    const hourWindow = Math.floor(now / HOUR);
    const spikeWindow = Math.floor(now / SPIKE);
    const hourKey = `${this.config.redisPrefix}:rl:h:${auth.tokenId}:${hourWindow}`;
    const spikeKey = `${this.config.redisPrefix}:rl:s:${auth.tokenId}:${spikeWindow}`;
    let counts: [number, number];
    let values: (string | null)[];
    try {
      const multi = this.redis.multi().incr(hourKey).expire(hourKey, HOUR + 60).incr(spikeKey).expire(spikeKey, SPIKE + 5);
      for (const key of alsoGet) multi.get(key);
      const result = await multi.exec();
      counts = [Number(result?.[0]?.[1] ?? 0), Number(result?.[2]?.[1] ?? 0)];
      values = alsoGet.map((_, i) => (result?.[4 + i]?.[1] as string | null | undefined) ?? null);
    } catch (err) {
      // Limits are a courtesy to clients; an unreachable Redis must not stop reads.
      this.logger.warn(`rate limit not counted: ${(err as Error).message}`);
      return alsoGet.map(() => null);
    }
    const [hourCount, spikeCount] = counts;
    const hourReset = (hourWindow + 1) * HOUR;
    void reply
      .header('X-Rate-Limit-Limit', String(hourly))
      .header('X-Rate-Limit-Remaining', String(Math.max(0, hourly - hourCount)))
      .header('X-Rate-Limit-Reset', String(hourReset));
    if (hourCount > hourly) {
      throw limited(`the hourly limit of ${hourly} requests`, hourReset - now, hourly, 'hourly');
    }
    if (spikeCount > spike) {
      throw limited(`the spike limit of ${spike} requests per 10 seconds`, (spikeWindow + 1) * SPIKE - now, spike, 'spike_10s');
    }
    return values;
  }
}

function limited(what: string, retryAfter: number, limit: number, window: string): AppError {
  const seconds = Math.max(1, retryAfter);
  return new AppError(
    'rate_limited',
    `This access token went over ${what}. Retry after ${seconds} s.`,
    { limit, window, retry_after: seconds },
    { 'Retry-After': String(seconds) },
  );
}
