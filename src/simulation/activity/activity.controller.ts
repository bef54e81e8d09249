import { Body, Controller, Delete, Get, HttpCode, Post, Query, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../common/errors';
import { Doc } from '../../common/openapi/doc.decorator';
import { Int } from '../../common/openapi/schema';
import { SANDBOX_QUERY, sandboxQuery } from '../sandbox-query';
import { SimControl } from '../../permissions/route-access';
import { parseStartActivity } from './activity-input';
import { ActivityPlan, ActivityState, StartActivityBody } from './activity.schemas';
import { ActivityService } from './activity.service';


function bounded(query: Record<string, unknown>, field: string, fallback: number, max: number): number {
  const raw = query[field];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > max) throw AppError.field(field, `must be a whole number from 0 to ${max}`);
  return n;
}

const NAMED = 'The sandbox is the sandbox token\'s, or named by `sandbox_id` (422 without either, 404 for an unknown one). The activity lives in Redis: while it is unreachable this answers 503 `service_unavailable`.';

@ApiTags('Simulator: activity')
@Controller('_sim/activity')
@SimControl()
export class ActivityController {
  constructor(private readonly activity: ActivityService) {}

  @Get()
  @Doc({
    summary: 'Read the simulated activity',
    description: `The sandbox's activity run (running, stopped or finished) with its progress, counts per step, HTTP status and error code, and its last actions; \`run\` is null when none was started. ${NAMED}`,
    query: SANDBOX_QUERY,
    ok: { description: 'The activity', schema: ActivityState },
    errors: ['validation_failed', 'not_found'],
  })
  get(@Req() req: FastifyRequest, @Query() query: Record<string, unknown>): Promise<Record<string, unknown>> {
    return this.activity.get(req.simScope, sandboxQuery(query));
  }

  @Get('plan')
  @Doc({
    summary: 'Read the planned actions of the activity',
    description: `The run's whole plan, page by page: every action with its due offset, workflow, instance, step and user. It depends only on the seed and settings, never on the answers, so two runs with the same seed plan the same actions. ${NAMED}`,
    query: {
      ...SANDBOX_QUERY,
      offset: { schema: Int({ minimum: 0, maximum: 20_000 }), description: 'First action (default 0)' },
      limit: { schema: Int({ minimum: 0, maximum: 1000 }), description: 'Actions to answer (default 100)' },
    },
    ok: { description: 'The planned actions', schema: ActivityPlan },
    errors: ['validation_failed', 'not_found'],
  })
  plan(@Req() req: FastifyRequest, @Query() query: Record<string, unknown>): Promise<Record<string, unknown>> {
    return this.activity.plan(req.simScope, sandboxQuery(query), bounded(query, 'offset', 0, 20_000), bounded(query, 'limit', 100, 1000));
  }

  @Post()
  @HttpCode(200)
  @Doc({
    summary: 'Start simulated activity',
    description:
      "Synthetic users work through real workflows on the project — RFIs drafted, opened, edited, answered and closed; submittals created, submitted, approved and closed; change orders created, submitted and approved (the budget recalculates); photos uploaded and processed — over real HTTP with their own tokens, through every permission check, so an integration sees realistic changes, webhooks, ball-in-court moves and edit conflicts. Actions arrive at `rate_per_minute` (real time) for `duration_seconds`, planned from `seed`: the same seed and settings give the same actions in the same order. A rate that would take one user over the sandbox's rate limits is paced down, with a warning; a 429 or 503 is honoured after its Retry-After. Each action is a job on the `activity` queue (`/_sim/jobs`), counted in `/metrics` (`sitesim_activity_actions_total`). Starting again stops the running activity first. The personas the mix needs must be on the project (422 names them).",
    body: { schema: StartActivityBody },
    ok: { status: 200, description: 'The activity as started', schema: ActivityState },
    errors: ['not_found', 'service_unavailable'],
  })
  start(@Req() req: FastifyRequest, @Body() body: unknown): Promise<Record<string, unknown>> {
    return this.activity.start(req.simScope, parseStartActivity(body));
  }

  @Delete()
  @HttpCode(204)
  @Doc({
    summary: 'Stop simulated activity',
    description: `No further action starts (one already running finishes its step); the run keeps its counts, shown by \`GET\`. Stopping when nothing runs does nothing. ${NAMED}`,
    query: SANDBOX_QUERY,
    ok: { description: 'Stopped' },
    errors: ['validation_failed', 'not_found'],
  })
  async stop(@Req() req: FastifyRequest, @Query() query: Record<string, unknown>): Promise<void> {
    await this.activity.stop(req.simScope, sandboxQuery(query));
  }
}
