import { CallHandler, ExecutionContext, HttpStatus, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type Redis from 'ioredis';
import { createHash } from 'node:crypto';
import { catchError, from, mergeMap, Observable, of, throwError } from 'rxjs';
import { AppConfig } from '../../config/app-config';
import { REDIS } from '../../redis/redis.module';
import { AppError } from '../errors';

const TTL_SECONDS = 24 * 3600;
const KEY = /^[A-Za-z0-9_.:-]{1,255}$/;

interface Stored {
  state: 'running' | 'done';
  fingerprint: string;
  status?: number;
  body?: unknown;
  location?: string;
}

/** Who owns an idempotency key: the user behind the token, or the sandbox for `/_sim`. */
export function keyOwner(request: FastifyRequest): string | null {
  if (request.auth) return `u${request.auth.userId}`;
  if (request.simPrincipal) return `s${request.simPrincipal}`;
  return null;
}

/**
 * `Idempotency-Key` on any POST: the same key and body within 24 h answer the
 * first response again; another body → 422; while the first runs → 409.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly reflector: Reflector,
    private readonly config: AppConfig,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const header = request.headers['idempotency-key'];
    if (request.method !== 'POST' || header === undefined) return next.handle();
    const owner = keyOwner(request);
    if (owner === null) return next.handle();
    const key = Array.isArray(header) ? header[0] : header;
    if (!KEY.test(key)) {
      return throwError(() =>
        AppError.validation([{ field: 'Idempotency-Key', message: 'must be 1-255 characters of letters, digits, _ . : -' }]),
      );
    }
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    // User ids are only unique within one database; deployments sharing a Redis differ by prefix.
    const redisKey = `${this.config.redisPrefix}:idem:${owner}:${key}`;
    const fingerprint = createHash('sha256')
      .update(`${request.method} ${request.url}\n${request.bodyFingerprint ?? JSON.stringify(request.body ?? null)}`)
      .digest('hex');
    const status: number = this.reflector.get(HTTP_CODE_METADATA, context.getHandler()) ?? HttpStatus.CREATED;

    return from(this.claim(redisKey, fingerprint)).pipe(
      mergeMap((existing) => {
        if (existing) {
          if (existing.fingerprint !== fingerprint) {
            throw new AppError('idempotency_key_reused', 'This Idempotency-Key was already used with a different request.', {
              key,
            });
          }
          if (existing.state === 'running') {
            throw new AppError('idempotency_in_progress', 'A request with this Idempotency-Key is still running; retry shortly.', {
              key,
            }, { 'Retry-After': '1' });
          }
          void reply.header('Idempotent-Replayed', 'true');
          if (existing.location) void reply.header('Location', existing.location);
          return of(existing.body);
        }
        return next.handle().pipe(
          mergeMap(async (body) => {
            const location = reply.getHeader('location');
            const done: Stored = {
              state: 'done',
              fingerprint,
              status,
              body,
              location: typeof location === 'string' ? location : undefined,
            };
            await this.redis.set(redisKey, JSON.stringify(done), 'EX', TTL_SECONDS).catch(() => undefined);
            return body;
          }),
          catchError((err: unknown) => {
            // Nothing was written by a failed request, so the key is released for a retry.
            return from(this.redis.del(redisKey).catch(() => 0)).pipe(mergeMap(() => throwError(() => err)));
          }),
        );
      }),
    );
  }

  /** Takes the key for this request, or answers what is already stored under it. */
  private async claim(redisKey: string, fingerprint: string): Promise<Stored | null> {
    try {
      const running: Stored = { state: 'running', fingerprint };
      const taken = await this.redis.set(redisKey, JSON.stringify(running), 'EX', TTL_SECONDS, 'NX');
      if (taken === 'OK') return null;
      const raw = await this.redis.get(redisKey);
      return raw ? (JSON.parse(raw) as Stored) : null;
    } catch (err) {
      throw new AppError('service_unavailable', 'Idempotency keys cannot be checked right now; retry shortly.', {
        reason: (err as Error).message,
      }, { 'Retry-After': '2' });
    }
  }
}
