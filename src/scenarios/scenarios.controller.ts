import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ItemLocation } from '../common/http/item-headers.interceptor';
import { IdPipe } from '../common/validation/id.pipe';
import { SimControl } from '../permissions/route-access';
import { ScenariosService } from './scenarios.service';

@ApiTags('Simulator: scenarios')
@Controller('_sim/scenarios')
@SimControl()
export class ScenariosController {
  constructor(private readonly scenarios: ScenariosService) {}

  @Get()
  list(): Record<string, unknown>[] {
    return this.scenarios.catalogue();
  }

  @Post(':key/run')
  @HttpCode(201)
  @ItemLocation((id) => `/_sim/scenarios/runs/${id}`)
  run(@Param('key') key: string): Promise<Record<string, unknown>> {
    return this.scenarios.run(key);
  }

  @Get('runs/:run_id')
  get(@Param('run_id', IdPipe) id: number): Promise<Record<string, unknown>> {
    return this.scenarios.get(id);
  }

  @Post('runs/:run_id/actions/fix')
  @HttpCode(200)
  fix(@Param('run_id', IdPipe) id: number): Promise<Record<string, unknown>> {
    return this.scenarios.fix(id);
  }
}
