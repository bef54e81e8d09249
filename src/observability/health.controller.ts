import { Controller, Get, Headers, Inject, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyReply } from 'fastify';
import type Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { AppError } from '../common/errors';
import { Doc } from '../common/openapi/doc.decorator';
import { Public } from '../permissions/route-access';
import { QueueRegistry } from '../queues/queue-registry';
import { REDIS } from '../redis/redis.module';
import { assertAcceptable } from './accept';
import { Health } from './observability.schemas';
import { Metrics } from './metrics';
import { ProcessIdentity, processIdentity, processLabel } from './process-identity';

const PROCESS_HEADER = {
  'X-Sim-Process': { description: 'The process that answered: `<name>/<pid>@<host>` (e.g. `api-2/4242@build-box`), to tell apart processes behind one port' },
};

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
  private readonly identity: ProcessIdentity;
  private readonly label: string;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly queues: QueueRegistry,
    private readonly metrics: Metrics,
    config: AppConfig,
  ) {
    this.identity = processIdentity(config);
    this.label = processLabel(this.identity);
  }

  @Get('health')
  @Public('operations: load balancers and the start script poll it')
  @Doc({
    summary: 'Check health',
    description:
      'Checks PostgreSQL, Redis and the queues (each within 2 s) and answers how long each took, and which process answered (`process`, also in the `X-Sim-Process` header: behind one port, each request may reach another API process). When one of them fails it answers 503 `service_unavailable`, with the same checks in `details.checks` and what failed in the message. It answers JSON only: an `Accept` header that admits no `application/json` answers 406.',
    ok: { description: 'Every dependency is up', schema: Health, headers: PROCESS_HEADER },
    errors: ['not_acceptable', 'service_unavailable'],
  })
  async health(@Headers('accept') accept: string | undefined, @Res({ passthrough: true }) reply: FastifyReply): Promise<Record<string, unknown>> {
    void reply.header('X-Sim-Process', this.label);
    assertAcceptable(accept, 'application/json');
    const [postgres, redis, queues] = await Promise.all([
      timed(() => this.db.query('SELECT 1')),
      timed(() => this.redis.ping()),
      timed(() => this.queues.counts()),
    ]);
    const checks = {
      postgres: { ok: postgres.ok, latency_ms: postgres.ms, error: postgres.error },
      redis: { ok: redis.ok, latency_ms: redis.ms, error: redis.error },
      queues: { ok: queues.ok, latency_ms: queues.ms, error: queues.error, counts: queues.value },
    };
    const failed = Object.entries(checks).filter(([, c]) => !c.ok);
    if (failed.length) {
      // an error like every other (API.md "Errors"), so that a probe and a client read it the same way
      throw new AppError(
        'service_unavailable',
        `Not healthy: ${failed.map(([name, c]) => `${name} (${c.error})`).join(', ')}.`,
        { status: 'degraded', checks },
        { 'Retry-After': '2' },
      );
    }
    return { status: 'ok', process: this.identity, checks };
  }

  @Get('metrics')
  @Public('operations: Prometheus scrapes it')
  @Doc({
    summary: 'Export Prometheus metrics',
    description:
      "The metrics of the process that answers (each process counts its own; `sitesim_process_info` and the `X-Sim-Process` header name it) in the Prometheus text exposition format (0.0.4): request durations by route pattern, method and status, error answers by code, permission denials by code and layer, and the Node.js process metrics, all prefixed `sitesim_`. It answers that format only: an `Accept` header that admits no `text/plain` answers 406 (Prometheus's own `Accept` admits it).",
    ok: { description: 'The metrics (`text/plain; version=0.0.4`)', media: 'text/plain', headers: PROCESS_HEADER },
    errors: ['not_acceptable'],
  })
  async prometheus(@Headers('accept') accept: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    void reply.header('X-Sim-Process', this.label);
    assertAcceptable(accept, 'text/plain');
    void reply.header('Content-Type', this.metrics.registry.contentType).send(await this.metrics.registry.metrics());
  }
}
