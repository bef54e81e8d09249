import { CallHandler, ExecutionContext, Injectable, NestInterceptor, OnModuleInit } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { FastifyRequest } from 'fastify';
import { from, mergeMap, Observable } from 'rxjs';
import { AppError } from '../../common/errors';
import { sleep } from '../../common/sleep';
import { HookVerdict, JobHook, JobHooks } from '../../queues/job-hooks';
import { JOB_SPECS, JobName } from '../../queues/job-types';
import { LoadService } from '../load.service';
import { FaultRule, FaultsService } from './faults.service';


/** An injected job failure: it goes through the real retry path and names its rule. */
export class InjectedFault extends Error {
  constructor(readonly rule: FaultRule, what: string) {
    super(`injected fault (rule ${rule.id}): ${what}`);
    this.name = 'InjectedFault';
  }
}

/** Job-side effects: fail, delay, stall (held active, then fails), drop (completes without its effect). */
@Injectable()
export class JobFaults implements JobHook, OnModuleInit {
  constructor(
    private readonly faults: FaultsService,
    private readonly hooks: JobHooks,
  ) {}

  onModuleInit(): void {
    this.hooks.register(this);
  }

  async before(job: Job): Promise<HookVerdict> {
    const data = job.data as { companyId?: number; projectId?: number | null };
    if (typeof data.companyId !== 'number') return { run: true };
    const rule = await this.faults.matchJob({
      companyId: data.companyId,
      projectId: data.projectId ?? null,
      queue: JOB_SPECS[job.name as JobName]?.queue ?? 'unknown',
      jobName: job.name,
    });
    if (!rule) return { run: true };
    switch (rule.effect) {
      case 'fail':
        throw new InjectedFault(rule, 'the job failed');
      case 'delay':
        await sleep(rule.delay_ms ?? 0);
        return { run: true };
      case 'stall':
        await sleep(rule.delay_ms ?? 0);
        throw new InjectedFault(rule, `the job stalled for ${rule.delay_ms} ms`);
      case 'drop':
        return { run: false, result: { dropped: true, injected: true, fault_rule_id: rule.id } };
      default:
        return { run: true };
    }
  }
}

/** Request-side effects on authenticated platform calls: simulated overload (503), an error status, or a delay. */
@Injectable()
export class HttpFaults implements NestInterceptor {
  constructor(
    private readonly faults: FaultsService,
    private readonly load: LoadService,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const auth = request.auth;
    if (!auth) return next.handle();
    const params = (request.params ?? {}) as Record<string, string>;
    const projectId = request.access?.projectId ?? (params.project_id ? Number(params.project_id) : null);
    return from(
      (async () => {
        const overloaded = await this.load.refuses(auth.companyId, projectId);
        if (overloaded) {
          throw new AppError('system_overloaded', 'The system is under heavy load (simulated); retry after a moment.', { simulated: true, http_503_rate: overloaded.http_503_rate }, { 'Retry-After': '2' });
        }
        return this.faults.matchHttp({ companyId: auth.companyId, projectId, userId: auth.userId, route: request.routeOptions.url ?? request.url, method: request.method });
      })(),
    ).pipe(
      mergeMap(async (rule) => {
        if (rule?.effect === 'http_error') {
          throw AppError.injected(rule.status ?? 500, `Injected fault: fault rule ${rule.id} answers ${rule.status} to this request.`, {
            fault_rule_id: rule.id,
          });
        }
        if (rule?.effect === 'delay') await sleep(rule.delay_ms ?? 0);
        return null;
      }),
      mergeMap(() => next.handle()),
    );
  }
}
