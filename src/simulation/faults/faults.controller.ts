import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { IdPipe } from '../../common/validation/id.pipe';
import { SimControl } from '../../permissions/route-access';
import { CreateFaultRuleDto } from './fault-rule.dto';
import { FaultsService } from './faults.service';

@ApiTags('Simulator: faults')
@Controller('_sim/faults')
@SimControl()
export class FaultsController {
  constructor(private readonly faults: FaultsService) {}

  @Get()
  list(@Req() req: FastifyRequest): Promise<Record<string, unknown>[]> {
    return this.faults.list(req.simScope);
  }

  @Post()
  create(@Req() req: FastifyRequest, @Body() dto: CreateFaultRuleDto): Promise<Record<string, unknown>> {
    return this.faults.create(req.simScope, dto);
  }

  @Delete(':fault_id')
  @HttpCode(204)
  async remove(@Req() req: FastifyRequest, @Param('fault_id', IdPipe) id: number): Promise<void> {
    await this.faults.remove(req.simScope, id);
  }
}
