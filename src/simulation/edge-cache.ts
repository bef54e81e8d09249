import { CallHandler, ExecutionContext, Inject, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type Redis from 'ioredis';
import { from, map, mergeMap, Observable, of } from 'rxjs';
import { keep, KeptAnswer, replay } from '../common/http/kept-answer';
import { AppConfig } from '../config/app-config';
import { REDIS } from '../redis/redis.module';
import { clockNow, SandboxClock } from '../sandboxes/sandbox-clock';

interface Stored extends KeptAnswer {
  /** When the answer was stored, in the sandbox's time (epoch ms). */
  at: number;
}

/** A frozen clock's entries outlive the TTL in real time (up to a day): their age is the sandbox's. */
const FROZEN_KEEP_SECONDS = 86_400;

/**
 * The edge cache in front of GETs (off by default; per sandbox): answers from
 * Redis with `Age` and `X-Cache`, for `ttl_seconds` of the sandbox's time (an
 * advanced clock ages entries; a frozen one keeps them); `Cache-Control: no-cache`
 * bypasses it like a hard refresh (and stores the fresh answer). Entries are per
 * user and per URL: an answer is never served to anyone but the user it was
 * made for, and the permission guard still runs before every answer.
 */
@Injectable()
export class EdgeCache implements NestInterceptor {
  private readonly logger = new Logger('EdgeCache');

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
    private readonly clock: SandboxClock,
  ) {}

  key(companyId: number, userId: number, url: string): string {
    return `${this.config.redisPrefix}:edge:${companyId}:${userId}:${url}`;
  }

  /** The pattern of every entry of a user (diagnose). */
  pattern(companyId: number, userId: number): string {
    return `${this.config.redisPrefix}:edge:${companyId}:${userId}:*`;
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const auth = request.auth;
    const cache = auth?.settings.edge_cache;
    if (request.method !== 'GET' || !auth || !cache?.enabled || !request.url.startsWith('/rest/')) return next.handle();
    const key = this.key(auth.companyId, auth.userId, request.url);
    const bypass = /no-cache|no-store/i.test(String(request.headers['cache-control'] ?? '')) || /no-cache/i.test(String(request.headers.pragma ?? ''));
    const lookup = Promise.all([bypass ? null : this.redis.get(key).catch(() => null), this.clock.state(auth.companyId, auth.epoch)]);
    return from(lookup).pipe(
      mergeMap(([raw, clock]) => {
        const now = clockNow(clock);
        const hit = raw ? (JSON.parse(raw) as Stored) : null;
        if (hit && now - hit.at < cache.ttl_seconds * 1000) {
          void reply.header('X-Cache', 'HIT').header('Age', String(Math.max(0, Math.floor((now - hit.at) / 1000))));
          return of(replay(reply, hit));
        }
        return next.handle().pipe(
          map((body) => {
            void reply.header('X-Cache', bypass ? 'BYPASS' : 'MISS').header('Age', '0');
            const stored: Stored = { at: now, ...keep(reply, body) };
            const keepFor = clock.frozenAt !== null ? FROZEN_KEEP_SECONDS : Math.max(1, cache.ttl_seconds);
            this.redis.set(key, JSON.stringify(stored), 'EX', keepFor).catch((err: Error) => this.logger.warn(`not cached: ${err.message}`));
            return body;
          }),
        );
      }),
    );
  }
}
