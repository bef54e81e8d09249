import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ItemLocation } from '../common/http/item-headers.interceptor';
import { Doc } from '../common/openapi/doc.decorator';
import { ArrayOf, Str } from '../common/openapi/schema';
import { IdPipe } from '../common/validation/id.pipe';
import { SimControl } from '../permissions/route-access';
import { Scenario, ScenarioFixResult, ScenarioRun, ScenarioRunStarted } from './scenarios.schemas';
import { ScenariosService } from './scenarios.service';

@ApiTags('Simulator: scenarios')
@Controller('_sim/scenarios')
@SimControl()
export class ScenariosController {
  constructor(private readonly scenarios: ScenariosService) {}

  @Get()
  @Doc({
    summary: 'List the scenarios',
    description: 'The catalogue of SCENARIOS.md that can be run: each with its key, number, title and the causes diagnose should name for it.',
    ok: { description: 'The scenarios, by number', schema: ArrayOf(Scenario) },
  })
  list(): Record<string, unknown>[] {
    return this.scenarios.catalogue();
  }

  @Post(':key/run')
  @HttpCode(201)
  @Doc({
    summary: 'Run a scenario',
    description:
      'Creates a training sandbox of its own for the run, makes the cause happen there with real requests, looks as the affected user does (the symptom), and asks diagnose what explains it. The answer carries the sandbox\'s token and personas, to look further. An unknown key answers 404.',
    params: { key: { schema: Str({ example: 'stale_cache' }), description: 'A scenario key from `GET /_sim/scenarios`' } },
    ok: { description: 'The run, with its sandbox, the symptom, the findings and the fix steps', schema: ScenarioRunStarted },
  })
  @ItemLocation((id) => `/_sim/scenarios/runs/${id}`)
  run(@Param('key') key: string): Promise<Record<string, unknown>> {
    return this.scenarios.run(key);
  }

  @Get('runs/:run_id')
  @Doc({
    summary: 'Read a scenario run',
    description: 'The run as kept: its symptom and findings when it was set up and, once fixed, the steps the fix performed and the symptom after them.',
    ok: { description: 'The run', schema: ScenarioRun },
  })
  get(@Param('run_id', IdPipe) id: number): Promise<Record<string, unknown>> {
    return this.scenarios.get(id);
  }

  @Post('runs/:run_id/actions/fix')
  @HttpCode(200)
  @Doc({
    summary: 'Fix a scenario run',
    description:
      'Performs the fix steps in the run\'s sandbox with real requests, then looks again as the affected user: `resolved` says whether the symptom is gone. A run is fixed once: a run that is not `symptom_shown` (already fixed, or its symptom never showed) answers 422 `invalid_transition`.',
    ok: { status: 200, description: 'What the fix did, and the symptom after it', schema: ScenarioFixResult },
    errors: ['invalid_transition'],
  })
  fix(@Param('run_id', IdPipe) id: number): Promise<Record<string, unknown>> {
    return this.scenarios.fix(id);
  }
}
