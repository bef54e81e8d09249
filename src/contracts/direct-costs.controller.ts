import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { actorOf, companyOf, projectOf, versionOf } from '../common/http/request-helpers';
import { Doc } from '../common/openapi/doc.decorator';
import { OptionalVersion, VERSIONED } from '../common/openapi/route-docs';
import { Page, parseListQuery } from '../common/pagination';
import { IdPipe } from '../common/validation/id.pipe';
import { VersionOnlyDto } from '../directory/dto/user.dto';
import { Can } from '../permissions/route-access';
import { DirectCost } from './contracts.schemas';
import { DIRECT_COST_LIST, DirectCostsService } from './direct-costs.service';
import { CreateDirectCostDto, UpdateDirectCostDto } from './dto/contracts.dto';

const REACHES = 'The change reaches the budget by a `sync` job, then the recalculation.';

@ApiTags('Direct Costs')
@Controller('rest/v1.0/projects/:project_id/direct_costs')
export class DirectCostsController {
  constructor(private readonly directCosts: DirectCostsService) {}

  @Get()
  @Can('budget.view_direct_costs')
  @Doc({ summary: 'List direct costs', description: 'Only for Admins on the budget and holders of `view_direct_cost_details`.', list: DIRECT_COST_LIST, ok: { description: 'A page of direct costs', schema: DirectCost }, errors: ['validation_failed'] })
  list(@Req() req: FastifyRequest, @Query() query: Record<string, unknown>): Promise<Page<Record<string, unknown>>> {
    return this.directCosts.list(projectOf(req), parseListQuery(query, DIRECT_COST_LIST));
  }

  @Post()
  @Can('budget.modify')
  @Doc({ summary: 'Book a direct cost', description: `Against a line item of this project's budget. ${REACHES}`, ok: { description: 'The new direct cost', schema: DirectCost } })
  create(@Req() req: FastifyRequest, @Body() dto: CreateDirectCostDto): Promise<Record<string, unknown>> {
    return this.directCosts.create(companyOf(req), projectOf(req), dto, actorOf(req));
  }

  @Get(':direct_cost_id')
  @Can('budget.view_direct_costs')
  @Doc({ summary: 'Read a direct cost', ok: { description: 'The direct cost', schema: DirectCost } })
  get(@Req() req: FastifyRequest, @Param('direct_cost_id', IdPipe) id: number): Promise<Record<string, unknown>> {
    return this.directCosts.get(projectOf(req), id);
  }

  @Patch(':direct_cost_id')
  @Can('budget.modify')
  @Doc({ summary: 'Edit a direct cost', description: REACHES, ok: { description: 'The direct cost as edited', schema: DirectCost }, errors: VERSIONED })
  update(@Req() req: FastifyRequest, @Param('direct_cost_id', IdPipe) id: number, @Body() dto: UpdateDirectCostDto): Promise<Record<string, unknown>> {
    return this.directCosts.update(companyOf(req), projectOf(req), id, dto, versionOf(req, dto), actorOf(req));
  }

  @Delete(':direct_cost_id')
  @HttpCode(204)
  @Can('budget.modify')
  @OptionalVersion
  @Doc({ summary: 'Delete a direct cost', description: REACHES, ok: { description: 'Deleted' }, errors: VERSIONED })
  async remove(@Req() req: FastifyRequest, @Param('direct_cost_id', IdPipe) id: number, @Body() dto: VersionOnlyDto = {}): Promise<void> {
    await this.directCosts.remove(companyOf(req), projectOf(req), id, versionOf(req, dto), actorOf(req));
  }
}
