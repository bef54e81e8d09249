import { Body, Controller, Delete, Get, HttpCode, Post, Query, Req } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { IsIn, IsInt, IsNumber, IsOptional, Max, Min } from 'class-validator';
import { AppError } from '../common/errors';
import { parseId } from '../common/validation/id.pipe';
import { IdField } from '../directory/dto/common-fields';
import { SimControl } from '../permissions/route-access';
import { QueueName } from '../queues/queue-names';
import { LoadService } from './load.service';

/** What an omitted field of `POST /_sim/load` means: no backlog, normal workers, no refusals. */
export const LOAD_DEFAULTS = { backlog_jobs: 0, worker_slowdown: 1, http_503_rate: 0 } as const;

export class StartLoadDto {
  @ApiPropertyOptional({ description: 'Synthetic jobs queued now (a real backlog), 0–100000', default: LOAD_DEFAULTS.backlog_jobs })
  @IsOptional() @IsInt() @Min(0) @Max(100_000) backlog_jobs?: number;
  @ApiPropertyOptional({ description: 'How many times slower workers are (1 = normal), 1–100', default: LOAD_DEFAULTS.worker_slowdown })
  @IsOptional() @IsNumber() @Min(1) @Max(100) worker_slowdown?: number;
  @ApiPropertyOptional({ description: 'Share of requests answered 503 system_overloaded, 0–1', default: LOAD_DEFAULTS.http_503_rate })
  @IsOptional() @IsNumber() @Min(0) @Max(1) http_503_rate?: number;
  @ApiPropertyOptional({ description: 'Limit the 503s to one project' }) @IsOptional() @IdField() project_id?: number;
  @ApiPropertyOptional({ description: 'The sandbox (implied by a sandbox token or project_id)' }) @IsOptional() @IdField() sandbox_id?: number;
  @ApiPropertyOptional({ description: 'Queue the backlog on one queue only (default: all)' })
  @IsOptional() @IsIn(['budget', 'sync', 'uploads', 'webhooks']) queue?: QueueName;
}

/** The fields a body really sent (an explicit null or undefined does not override a default). */
function definedFields<T extends object>(dto: T): Partial<T> {
  return Object.fromEntries(Object.entries(dto).filter(([, v]) => v !== undefined && v !== null)) as Partial<T>;
}

function sandboxQuery(query: Record<string, unknown>): number | undefined {
  if (query.sandbox_id === undefined) return undefined;
  const id = parseId(query.sandbox_id);
  if (id === null) throw AppError.field('sandbox_id', 'must be a sandbox id');
  return id;
}

@ApiTags('Simulator: load')
@Controller('_sim/load')
@SimControl()
export class LoadController {
  constructor(private readonly load: LoadService) {}

  @Get()
  get(@Req() req: FastifyRequest, @Query() query: Record<string, unknown>): Promise<Record<string, unknown>> {
    return this.load.get(req.simScope, sandboxQuery(query));
  }

  @Post()
  @HttpCode(200)
  start(@Req() req: FastifyRequest, @Body() dto: StartLoadDto): Promise<Record<string, unknown>> {
    return this.load.start(req.simScope, { ...LOAD_DEFAULTS, ...definedFields(dto) });
  }

  @Delete()
  @HttpCode(204)
  async stop(@Req() req: FastifyRequest, @Query() query: Record<string, unknown>): Promise<void> {
    await this.load.stop(req.simScope, sandboxQuery(query));
  }
}
