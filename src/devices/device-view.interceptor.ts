import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type Redis from 'ioredis';
import { from, map, mergeMap, Observable, of } from 'rxjs';
import { keep, KeptAnswer, replay } from '../common/http/kept-answer';
import { REDIS } from '../redis/redis.module';
import { deviceKeyOf, DevicesService } from './devices.service';

/**
 * What a device reads: the answer it has as of its last sync (X-Synced-At), or
 * a live answer that it then keeps until a sync reaches it. A device's own
 * write (online) drops what it kept.
 */
@Injectable()
export class DeviceView implements NestInterceptor {
  constructor(
    private readonly devices: DevicesService,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const auth = request.auth;
    const key = auth && request.url.startsWith('/rest/') ? deviceKeyOf(request) : null;
    if (!auth || key === null) return next.handle();
    // The device the request's preHandler resolved (DevicesService.resolve), the same one its offline capture and network saw.
    const resolved = request.device?.device_key === key && request.device.user_id === auth.userId ? Promise.resolve(request.device) : this.devices.device(auth.companyId, auth.userId, key);
    return from(resolved).pipe(
      mergeMap((device) => {
        void reply.header('X-Synced-At', device.synced_at.toISOString()).header('X-Device-Online', String(device.online));
        if (request.method !== 'GET') {
          return next.handle().pipe(mergeMap(async (body) => (await this.devices.forget(device.id), body)));
        }
        const storeKey = this.devices.storeKey(device.id, request.url);
        return from(this.redis.get(storeKey).catch(() => null)).pipe(
          mergeMap((raw) => {
            if (raw) {
              void reply.header('X-Device-View', 'synced');
              return of(replay(reply, JSON.parse(raw) as KeptAnswer));
            }
            return next.handle().pipe(
              map((body) => {
                void reply.header('X-Device-View', 'live');
                this.redis.set(storeKey, JSON.stringify(keep(reply, body)), 'EX', 7 * 86400).catch(() => undefined);
                return body;
              }),
            );
          }),
        );
      }),
    );
  }
}
