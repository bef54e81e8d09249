import { Body, Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Doc } from '../common/openapi/doc.decorator';
import { ArrayOf } from '../common/openapi/schema';
import { IdPipe } from '../common/validation/id.pipe';
import { Authenticated, SimControl } from '../permissions/route-access';
import { AnswerChallengeDto, ArmChallengeDto } from './challenge.dto';
import { ChallengesService, MAX_ATTEMPTS } from './challenges.service';
import { ClassResults, TrainingChallenge } from './training.schemas';

@ApiTags('Simulator: training')
@Controller('_sim')
export class ChallengesController {
  constructor(private readonly challenges: ChallengesService) {}

  @Post('sandboxes/:sandbox_id/challenges')
  @SimControl()
  @Doc({
    summary: "Arm a challenge on a trainee's sandbox",
    description:
      "Makes a scenario's cause happen in the sandbox itself, with real requests (the scenario's simulator calls are made with the caller's own token): the trainee then sees only the symptom and who has it, investigates, and names a cause. One armed challenge per sandbox (409 `duplicate`); a scenario that cannot be set up, or whose symptom does not show, in the sandbox as it is answers 422 (reset the sandbox first). The sandbox's token, the operator token, or open controls.",
    ok: { description: 'The challenge armed, with its scenario, expected causes and evidence (the trainer\'s view)', schema: TrainingChallenge },
    errors: ['validation_failed', 'duplicate'],
  })
  arm(@Req() req: FastifyRequest, @Param('sandbox_id', IdPipe) sandboxId: number, @Body() dto: ArmChallengeDto): Promise<Record<string, unknown>> {
    const token = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
    return this.challenges.arm(sandboxId, dto.scenario, token);
  }

  @Get('sandboxes/:sandbox_id/challenges')
  @SimControl()
  @Doc({ summary: "A sandbox's challenges", description: "Newest first, with their answers, scores, scenario and evidence (the trainer's view). The sandbox's token, the operator token, or open controls.", ok: { description: 'The challenges', schema: ArrayOf(TrainingChallenge) } })
  list(@Param('sandbox_id', IdPipe) sandboxId: number): Promise<Record<string, unknown>[]> {
    return this.challenges.forSandbox(sandboxId);
  }

  @Get('sandboxes/:sandbox_id/challenges/:challenge_id')
  @SimControl()
  @Doc({ summary: 'Read a challenge', description: "The trainer's view. The sandbox's token, the operator token, or open controls.", ok: { description: 'The challenge', schema: TrainingChallenge }, errors: ['not_found'] })
  get(@Param('sandbox_id', IdPipe) sandboxId: number, @Param('challenge_id', IdPipe) id: number): Promise<Record<string, unknown>> {
    return this.challenges.one(sandboxId, id);
  }

  @Get('classes/:class_id/results')
  @SimControl({ classToken: true })
  @Doc({ summary: "A class's challenge results", description: 'Per trainee: every challenge with its answers and score, how many were solved, and the total score. The class token, the operator token, or open controls.', ok: { description: 'The results, by trainee', schema: ClassResults } })
  results(@Param('class_id', IdPipe) classId: number): Promise<Record<string, unknown>> {
    return this.challenges.results(classId);
  }

  @Get('training/challenge')
  @Authenticated()
  @Doc({
    summary: "The trainee's current challenge",
    description: "The newest challenge of the persona's sandbox: while armed, only the symptom, who has it and the answers so far; once over, also the scenario, the causes that counted and diagnose's evidence. 404 when none was armed. For a persona of a training sandbox (its platform access token).",
    ok: { description: 'The challenge', schema: TrainingChallenge },
    errors: ['not_found', 'permission_denied'],
  })
  current(@Req() req: FastifyRequest): Promise<Record<string, unknown>> {
    return this.challenges.current(req.auth!.companyId);
  }

  @Post('training/challenge/answers')
  @HttpCode(200)
  @Authenticated()
  @Doc({
    summary: 'Answer the current challenge',
    description: `Names a cause key: right when it is one of the scenario's causes. ${MAX_ATTEMPTS} answers at most; the challenge is over at the right one (solved, scored 100 less 25 per wrong answer before) or after the last (failed, 0), and then shows the evidence. Answering one that is over answers 422 \`invalid_transition\`. For a persona of a training sandbox.`,
    ok: { status: 200, description: 'The challenge after the answer', schema: TrainingChallenge },
    errors: ['validation_failed', 'not_found', 'invalid_transition', 'permission_denied'],
  })
  answer(@Req() req: FastifyRequest, @Body() dto: AnswerChallengeDto): Promise<Record<string, unknown>> {
    return this.challenges.answer(req.auth!.companyId, dto.cause);
  }
}
