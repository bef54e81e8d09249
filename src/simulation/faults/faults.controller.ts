import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Doc } from '../../common/openapi/doc.decorator';
import { ArrayOf } from '../../common/openapi/schema';
import { IdPipe } from '../../common/validation/id.pipe';
import { SimControl } from '../../permissions/route-access';
import { CreateFaultRuleDto } from './fault-rule.dto';
import { FaultsService } from './faults.service';
import { FaultRule } from '../simulation.schemas';

@ApiTags('Simulator: faults')
@Controller('_sim/faults')
@SimControl()
export class FaultsController {
  constructor(private readonly faults: FaultsService) {}

  @Get()
  @Doc({
    summary: 'List fault rules',
    description: "A sandbox token sees its sandbox's rules; the operator (or open controls) sees every sandbox's. Spent and expired rules stay listed with `active: false`.",
    ok: { description: 'The rules, oldest first', schema: ArrayOf(FaultRule) },
  })
  list(@Req() req: FastifyRequest): Promise<Record<string, unknown>[]> {
    return this.faults.list(req.simScope);
  }

  @Post()
  @Doc({
    summary: 'Add a fault rule',
    description:
      'Makes matching jobs fail, wait, stall or vanish, or matching authenticated platform requests answer an error status or wait; each match is hit with `probability`, drawn from the rule\'s seed (same seed and steps, same hits). Injected job failures are retried like real ones. The sandbox is the sandbox token\'s, or named by `sandbox_id`, `project_id` or `user_id` (which must agree); an unknown `sandbox_id` answers 404.',
    ok: { description: 'The rule', schema: FaultRule },
    errors: ['not_found'],
  })
  create(@Req() req: FastifyRequest, @Body() dto: CreateFaultRuleDto): Promise<Record<string, unknown>> {
    return this.faults.create(req.simScope, dto);
  }

  @Delete(':fault_id')
  @Doc({ summary: 'Remove a fault rule', description: "A sandbox token removes only its own sandbox's rules (another's answers 404).", ok: { description: 'Removed' } })
  @HttpCode(204)
  async remove(@Req() req: FastifyRequest, @Param('fault_id', IdPipe) id: number): Promise<void> {
    await this.faults.remove(req.simScope, id);
  }
}
