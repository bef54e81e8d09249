import { Global, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { atMost } from '../common/sleep';
import { AppConfig } from '../config/app-config';

export const REDIS = Symbol('REDIS');

export function createRedis(url: string, name: string): Redis {
  const client = new Redis(url, {
    connectionName: name,
    maxRetriesPerRequest: 1,
    // While Redis is down, commands fail at once (callers degrade or answer 503) instead of queueing.
    enableOfflineQueue: false,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
  const logger = new Logger('Redis');
  let warned = false;
  client.on('error', (err: Error) => {
    if (!warned) logger.warn(`${name}: ${err.message}`);
    warned = true;
  });
  client.on('ready', () => (warned = false));
  return client;
}

@Injectable()
class RedisShutdown implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.redis.status === 'ready') await atMost(this.redis.quit().catch(() => undefined), 2000);
    this.redis.disconnect();
  }
}

@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [AppConfig],
      useFactory: async (config: AppConfig) => {
        const client = createRedis(config.redisUrl, 'sitesim-api');
        // Start once connected (or after 3 s: the API runs degraded without Redis and reconnects by itself).
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 3000);
          client.once('ready', () => {
            clearTimeout(timer);
            resolve();
          });
        });
        return client;
      },
    },
    RedisShutdown,
  ],
  exports: [REDIS],
})
export class RedisModule {}
