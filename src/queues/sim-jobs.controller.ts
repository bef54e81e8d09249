import { Controller, Get, HttpCode, Post, Query, Req } from '@nestjs/common';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { AppError } from '../common/errors';
import { parseId } from '../common/validation/id.pipe';
import { SimControl } from '../permissions/route-access';
import type { SimScope } from '../sandboxes/sim-access';
import { SimScopes } from '../sandboxes/sim-scopes';
import { JobInspector, JobScope, JobView } from './job-inspector';
import { QueueRegistry } from './queue-registry';

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
  @ApiQuery({ name: 'project_id', required: false })
  async jobs(@Req() req: FastifyRequest, @Query() query: Record<string, unknown>): Promise<JobView[]> {
    return this.inspector.list(await this.scope(req.simScope, query));
  }

  @Post('settle')
  @HttpCode(200)
  @ApiQuery({ name: 'project_id', required: false })
  @ApiQuery({ name: 'timeout_ms', required: false, description: 'Default 10000, at most 120000' })
  async settle(@Req() req: FastifyRequest, @Query() query: Record<string, unknown>): Promise<Record<string, unknown>> {
    const raw = query.timeout_ms ?? '10000';
    const timeout = typeof raw === 'string' && /^\d{1,6}$/.test(raw) ? Number(raw) : NaN;
    if (!(timeout >= 0 && timeout <= 120_000)) throw AppError.field('timeout_ms', 'must be an integer from 0 to 120000');
    return this.inspector.settle(await this.scope(req.simScope, query, ['timeout_ms']), timeout);
  }

  @Get('queues')
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
