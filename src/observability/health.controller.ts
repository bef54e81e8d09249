import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyReply } from 'fastify';
import type Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { Public } from '../permissions/route-access';
import { QueueRegistry } from '../queues/queue-registry';
import { REDIS } from '../redis/redis.module';
import { Metrics } from './metrics';

async function timed<T>(fn: () => Promise<T>, timeoutMs = 2000): Promise<{ ok: boolean; ms: number; error?: string; value?: T }> {
  const start = performance.now();
  try {
    const value = await Promise.race([
      fn(),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs).unref()),
    ]);
    return { ok: true, ms: Math.round((performance.now() - start) * 100) / 100, value };
  } catch (err) {
    return { ok: false, ms: Math.round(performance.now() - start), error: (err as Error).message };
  }
}

@ApiTags('Operations')
@Controller()
export class HealthController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly queues: QueueRegistry,
    private readonly metrics: Metrics,
  ) {}

  @Get('health')
  @Public('operations: load balancers and the start script poll it')
  async health(@Res({ passthrough: true }) reply: FastifyReply): Promise<Record<string, unknown>> {
    const [postgres, redis, queues] = await Promise.all([
      timed(() => this.db.query('SELECT 1')),
      timed(() => this.redis.ping()),
      timed(() => this.queues.counts()),
    ]);
    const ok = postgres.ok && redis.ok && queues.ok;
    void reply.status(ok ? 200 : 503);
    return {
      status: ok ? 'ok' : 'degraded',
      checks: {
        postgres: { ok: postgres.ok, latency_ms: postgres.ms, error: postgres.error },
        redis: { ok: redis.ok, latency_ms: redis.ms, error: redis.error },
        queues: { ok: queues.ok, latency_ms: queues.ms, error: queues.error, counts: queues.value },
      },
    };
  }

  @Get('metrics')
  @Public('operations: Prometheus scrapes it')
  async prometheus(@Res() reply: FastifyReply): Promise<void> {
    void reply.header('Content-Type', this.metrics.registry.contentType).send(await this.metrics.registry.metrics());
  }
}
