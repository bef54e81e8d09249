import { Body, Controller, Delete, Get, HttpCode, Post, Query, Req } from '@nestjs/common';
import { ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { IsIn, IsInt, IsNumber, IsOptional, Max, Min } from 'class-validator';
import { Doc } from '../common/openapi/doc.decorator';
import { IdField, MAX_ID } from '../directory/dto/common-fields';
import { SANDBOX_QUERY, sandboxQuery } from './sandbox-query';
import { SimControl } from '../permissions/route-access';
import { PLATFORM_QUEUES, PlatformQueue } from '../queues/queue-names';
import { LoadService, SLOWDOWN_STEP_MS } from './load.service';
import { LoadState } from './simulation.schemas';

/** What an omitted field of `POST /_sim/load` means: no backlog, normal workers, no refusals. */
export const LOAD_DEFAULTS = { backlog_jobs: 0, worker_slowdown: 1, http_503_rate: 0 } as const;

const DEFAULT_IF_NULL = 'left out or null: ';

export class StartLoadDto {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    maximum: 100_000,
    nullable: true,
    default: LOAD_DEFAULTS.backlog_jobs,
    description: `Synthetic jobs queued now, a real backlog that the sandbox's own jobs wait behind (${DEFAULT_IF_NULL}none)`,
  })
  @IsOptional() @IsInt() @Min(0) @Max(100_000) backlog_jobs?: number;
  @ApiPropertyOptional({
    type: Number,
    minimum: 1,
    maximum: 100,
    nullable: true,
    default: LOAD_DEFAULTS.worker_slowdown,
    description: `How many times slower workers are: each job of the sandbox takes ${SLOWDOWN_STEP_MS} ms longer per unit above 1 (${DEFAULT_IF_NULL}1, normal)`,
  })
  @IsOptional() @IsNumber() @Min(1) @Max(100) worker_slowdown?: number;
  @ApiPropertyOptional({
    type: Number,
    minimum: 0,
    maximum: 1,
    nullable: true,
    default: LOAD_DEFAULTS.http_503_rate,
    description: `Share of the sandbox's authenticated platform requests answered 503 \`system_overloaded\`, drawn from the sandbox's seed (${DEFAULT_IF_NULL}none)`,
  })
  @IsOptional() @IsNumber() @Min(0) @Max(1) http_503_rate?: number;
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_ID, nullable: true, description: 'Limit the 503s to the requests of this project (a project of the sandbox; it also names the sandbox)' })
  @IsOptional() @IdField() project_id?: number;
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_ID, nullable: true, description: 'The sandbox (implied by a sandbox token or `project_id`)' })
  @IsOptional() @IdField() sandbox_id?: number;
  // OpenAPI 3.0.3: a nullable enum lists null among its values
  @ApiPropertyOptional({ type: String, enum: [...PLATFORM_QUEUES, null] as unknown as string[], nullable: true, description: `Queue the backlog on this queue only (${DEFAULT_IF_NULL}spread over every queue)` })
  @IsOptional() @IsIn(PLATFORM_QUEUES) queue?: PlatformQueue;
}

/** The fields a body really sent (an explicit null or undefined does not override a default). */
function definedFields<T extends object>(dto: T): Partial<T> {
  return Object.fromEntries(Object.entries(dto).filter(([, v]) => v !== undefined && v !== null)) as Partial<T>;
}


const SANDBOX_NAMED = "The sandbox is the sandbox token's, or named by `sandbox_id` (without a sandbox token it is needed: 422 without it, 404 for an unknown one). The load and the queues live in Redis: while it is unreachable this answers 503 `service_unavailable`.";

@ApiTags('Simulator: load')
@Controller('_sim/load')
@SimControl()
export class LoadController {
  constructor(private readonly load: LoadService) {}

  @Get()
  @Doc({
    summary: 'Read the simulated load',
    description: `Whether simulated load is on for the sandbox and with which settings, and the queues as they are now. ${SANDBOX_NAMED}`,
    query: SANDBOX_QUERY,
    ok: { description: 'The load, and the job counts per queue and state', schema: LoadState },
    errors: ['validation_failed', 'not_found'],
  })
  get(@Req() req: FastifyRequest, @Query() query: Record<string, unknown>): Promise<Record<string, unknown>> {
    return this.load.get(req.simScope, sandboxQuery(query));
  }

  @Post()
  @HttpCode(200)
  @Doc({
    summary: 'Start simulated load',
    description:
      "Puts the sandbox under load until `DELETE /_sim/load`: a backlog of synthetic jobs on the shared queues (the sandbox's own jobs really wait behind them), slower workers, and a seeded share of its authenticated platform requests answered 503 `system_overloaded` with `Retry-After`. Starting again replaces the settings (a field left out is its default, not the previous value) and adds the new backlog. The sandbox is the sandbox token's, or named by `sandbox_id` or `project_id` (which must agree); an unknown `sandbox_id` answers 404. The load and the queues live in Redis: while it is unreachable this answers 503 `service_unavailable`.",
    ok: { status: 200, description: 'The load as started, and the job counts per queue and state', schema: LoadState },
    errors: ['not_found'],
  })
  start(@Req() req: FastifyRequest, @Body() dto: StartLoadDto): Promise<Record<string, unknown>> {
    return this.load.start(req.simScope, { ...LOAD_DEFAULTS, ...definedFields(dto) });
  }

  @Delete()
  @HttpCode(204)
  @Doc({
    summary: 'Stop simulated load',
    description: `Workers run at normal speed and no request is refused any more; the synthetic jobs of the sandbox still waiting are removed. Stopping a sandbox without load does nothing. ${SANDBOX_NAMED}`,
    query: SANDBOX_QUERY,
    ok: { description: 'Stopped' },
    errors: ['validation_failed', 'not_found'],
  })
  async stop(@Req() req: FastifyRequest, @Query() query: Record<string, unknown>): Promise<void> {
    await this.load.stop(req.simScope, sandboxQuery(query));
  }
}
