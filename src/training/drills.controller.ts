import { Body, Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Doc } from '../common/openapi/doc.decorator';
import { ArrayOf } from '../common/openapi/schema';
import { IdPipe } from '../common/validation/id.pipe';
import { Authenticated } from '../permissions/route-access';
import { CAUSE_KEYS } from '../diagnose/causes';
import { CauseKey } from '../diagnose/diagnose.schemas';
import { StartDrillDto } from './drill.dto';
import { DRILLS_KEPT, DrillsService } from './drills.service';
import { DrillScenario, TrainingDrill } from './training.schemas';

const WHO = 'For a persona of a training sandbox (its platform access token); another sandbox\'s drill answers 404.';

@ApiTags('Simulator: training')
@Controller('_sim/training')
@Authenticated()
export class DrillsController {
  constructor(private readonly drills: DrillsService) {}

  @Get('scenarios')
  @Doc({ summary: 'The scenarios a trainee can drill', description: `The catalogue by number and title. ${WHO}`, ok: { description: 'The scenarios, by number', schema: ArrayOf(DrillScenario) }, errors: ['permission_denied'] })
  scenarios(@Req() req: FastifyRequest): Promise<Record<string, unknown>[]> {
    return this.drills.catalogue(req.auth!.companyId);
  }

  @Get('causes')
  @Doc({ summary: 'The cause keys a trainee may name', description: `Every cause key of SCENARIOS.md, to answer a challenge with. ${WHO}`, ok: { description: 'The cause keys', schema: ArrayOf(CauseKey) }, errors: ['permission_denied'] })
  async causes(@Req() req: FastifyRequest): Promise<string[]> {
    await this.drills.catalogue(req.auth!.companyId);
    return [...CAUSE_KEYS];
  }

  @Get('drills')
  @Doc({ summary: "A trainee's drills", description: `The drills run from this sandbox, newest first (the last ${DRILLS_KEPT} are kept). ${WHO}`, ok: { description: 'The drills', schema: ArrayOf(TrainingDrill) }, errors: ['permission_denied', 'invalid_transition'] })
  list(@Req() req: FastifyRequest): Promise<Record<string, unknown>[]> {
    return this.drills.list(req.auth!.companyId);
  }

  @Post('drills')
  @Doc({
    summary: 'Run a drill',
    description: `Runs a scenario of the catalogue in a training sandbox made for it (the trainee's own sandbox is untouched): the symptom as the affected user sees it, what diagnose finds, and the fix in words. Starting more than ${DRILLS_KEPT} deletes the oldest drill with its sandbox. An unknown scenario answers 422; while a challenge is armed on the trainee's sandbox, drills answer 422 \`invalid_transition\` (a drill shows causes); one drill is set up at a time (429 while the previous is). ${WHO}`,
    ok: { description: 'The drill, with its symptom and findings', schema: TrainingDrill },
    errors: ['validation_failed', 'permission_denied', 'invalid_transition', 'rate_limited'],
  })
  start(@Req() req: FastifyRequest, @Body() dto: StartDrillDto): Promise<Record<string, unknown>> {
    return this.drills.start(req.auth!.companyId, req.auth!.userId, dto.scenario);
  }

  @Get('drills/:run_id')
  @Doc({ summary: 'Read a drill', description: WHO, ok: { description: 'The drill', schema: TrainingDrill }, errors: ['not_found', 'permission_denied', 'invalid_transition'] })
  get(@Req() req: FastifyRequest, @Param('run_id', IdPipe) id: number): Promise<Record<string, unknown>> {
    return this.drills.get(req.auth!.companyId, id);
  }

  @Post('drills/:run_id/actions/fix')
  @HttpCode(200)
  @Doc({
    summary: "Apply a drill's fix",
    description: `Performs the fix steps with real requests in the drill's sandbox, then looks again as the affected user: \`resolved\` says whether the symptom is gone. A drill is fixed once (422 \`invalid_transition\` after). ${WHO}`,
    ok: { status: 200, description: 'The drill after the fix', schema: TrainingDrill },
    errors: ['invalid_transition', 'not_found', 'permission_denied'],
  })
  fix(@Req() req: FastifyRequest, @Param('run_id', IdPipe) id: number): Promise<Record<string, unknown>> {
    return this.drills.fix(req.auth!.companyId, id);
  }
}
