import { Controller, Get, HttpCode, Post, Query, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { AppError } from '../common/errors';
import { Doc } from '../common/openapi/doc.decorator';
import { ArrayOf, Int, Type } from '../common/openapi/schema';
import { parseId } from '../common/validation/id.pipe';
import { SimControl } from '../permissions/route-access';
import type { SimScope } from '../sandboxes/sim-access';
import { SimScopes } from '../sandboxes/sim-scopes';
import { JobInspector, JobScope, JobView } from './job-inspector';
import { QueueRegistry } from './queue-registry';
import { Job, QueueCounts, SettleAnswer } from './queues.schemas';

const PROJECT_QUERY = {
  project_id: {
    schema: Int({ minimum: 1, maximum: 2_147_483_647 }),
    description: 'Only the jobs of this project (a project of the sandbox, for a sandbox token; an unknown one answers 404)',
  },
};

@ApiTags('Simulator: jobs')
@Controller('_sim')
@SimControl()
export class SimJobsController {
  constructor(
    private readonly inspector: JobInspector,
    private readonly queues: QueueRegistry,
    @InjectDataSource() private readonly db: DataSource,
    private readonly scopes: SimScopes,
  ) {}

  @Get('jobs')
  @Doc({
    summary: 'List jobs',
    description:
      'Jobs committed with a write but not yet queued, queued, delayed, running, failed and completed (up to 500 per state and queue), with their attempts, delay, error and result. A sandbox token sees its own jobs; the operator sees every sandbox\'s unless `project_id` narrows it. An unknown query parameter answers 422.',
    query: PROJECT_QUERY,
    ok: { description: 'The jobs: committed ones first, then by queue and state', schema: ArrayOf(Job) },
    errors: ['validation_failed', 'not_found'],
  })
  async jobs(@Req() req: FastifyRequest, @Query() query: Record<string, unknown>): Promise<JobView[]> {
    return this.inspector.list(await this.scope(req.simScope, query));
  }

  @Post('settle')
  @HttpCode(200)
  @Doc({
    summary: 'Wait until the jobs have settled',
    description:
      'Waits until no job of the scope (the sandbox of a sandbox token, or the project; the operator without `project_id`: every sandbox) is committed, queued, delayed or running (a timer waiting for its time, such as the expiry of a segmented upload, does not count), and answers what finished meanwhile. Longer than `timeout_ms` answers 408 `settle_timeout` with the jobs still pending in `details.pending`.',
    query: {
      ...PROJECT_QUERY,
      timeout_ms: { schema: Type.Integer({ minimum: 0, maximum: 120_000, default: 10_000 }), description: 'How long to wait, in milliseconds' },
    },
    ok: { status: 200, description: 'Nothing is pending; the jobs that finished while waiting', schema: SettleAnswer },
    errors: ['validation_failed', 'not_found', 'settle_timeout'],
  })
  async settle(@Req() req: FastifyRequest, @Query() query: Record<string, unknown>): Promise<Record<string, unknown>> {
    const raw = query.timeout_ms ?? '10000';
    const timeout = typeof raw === 'string' && /^\d{1,6}$/.test(raw) ? Number(raw) : NaN;
    if (!(timeout >= 0 && timeout <= 120_000)) throw AppError.field('timeout_ms', 'must be an integer from 0 to 120000');
    return this.inspector.settle(await this.scope(req.simScope, query, ['timeout_ms']), timeout);
  }

  @Get('queues')
  @Doc({
    summary: 'Count jobs per queue and state',
    description: 'The queue dashboard as JSON, over every sandbox (the workers are shared); the Bull Board UI is at `/_sim/queues/ui` (operator only).',
    ok: { description: 'Counts per queue and state', schema: QueueCounts },
  })
  counts(): Promise<Record<string, Record<string, number>>> {
    return this.queues.counts();
  }

  /** A sandbox token sees its own company's jobs only; a project must belong to it. */
  private async scope(sim: SimScope | undefined, query: Record<string, unknown>, extra: string[] = []): Promise<JobScope> {
    const unknown = Object.keys(query).filter((k) => k !== 'project_id' && !extra.includes(k));
    if (unknown.length) throw AppError.validation(unknown.map((field) => ({ field, message: 'is not a known parameter' })));
    const companyId = await this.scopes.companyOf(sim);
    if (query.project_id === undefined) return { companyId, projectId: null };
    const projectId = parseId(query.project_id);
    if (projectId === null) throw AppError.field('project_id', 'must be a project id');
    const [project] = await this.db.query('SELECT company_id FROM projects WHERE id = $1', [projectId]);
    if (!project || (companyId !== null && project.company_id !== companyId)) throw AppError.notFound('Project');
    return { companyId: project.company_id, projectId };
  }
}
