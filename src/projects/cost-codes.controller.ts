import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiBody, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { CostCode } from '../budget/budget.schemas';
import { CreateCostCodeDto, UpdateCostCodeDto } from '../budget/dto/budget.dto';
import { actorOf, companyOf, projectOf, versionOf } from '../common/http/request-helpers';
import { Doc } from '../common/openapi/doc.decorator';
import { Page, parseListQuery } from '../common/pagination';
import { IdPipe } from '../common/validation/id.pipe';
import { VersionOnlyDto } from '../directory/dto/user.dto';
import { Can, ProjectMember } from '../permissions/route-access';
import { CostCodesService } from './cost-codes.service';

const PAGE_ONLY = { filters: {}, sorts: ['code'] as const, defaultSort: 'code' as const };

@ApiTags('Cost codes')
@Controller('rest/v1.0/projects/:project_id/cost_codes')
export class CostCodesController {
  constructor(private readonly costCodes: CostCodesService) {}

  @Get()
  @ProjectMember()
  @Doc({ summary: 'List cost codes', description: "The project's cost codes, by code.", list: PAGE_ONLY, ok: { description: 'A page of cost codes', schema: CostCode }, errors: ['validation_failed'] })
  list(@Req() req: FastifyRequest, @Query() query: Record<string, unknown>): Promise<Page<Record<string, unknown>>> {
    return this.costCodes.list(projectOf(req), parseListQuery(query, PAGE_ONLY));
  }

  @Post()
  @Can('admin.manage_cost_codes')
  @Doc({ summary: 'Add a cost code', description: 'Codes are unique in the project (409 `duplicate`, whatever the case).', ok: { description: 'The new cost code', schema: CostCode }, errors: ['duplicate'] })
  create(@Req() req: FastifyRequest, @Body() dto: CreateCostCodeDto): Promise<Record<string, unknown>> {
    return this.costCodes.create(companyOf(req), projectOf(req), dto, actorOf(req));
  }

  @Get(':cost_code_id')
  @ProjectMember()
  @Doc({ summary: 'Read a cost code', ok: { description: 'The cost code', schema: CostCode } })
  get(@Req() req: FastifyRequest, @Param('cost_code_id', IdPipe) id: number): Promise<Record<string, unknown>> {
    return this.costCodes.get(projectOf(req), id);
  }

  @Patch(':cost_code_id')
  @Can('admin.manage_cost_codes')
  @Doc({ summary: 'Edit a cost code', ok: { description: 'The cost code as edited', schema: CostCode }, errors: ['edit_conflict', 'validation_failed', 'duplicate'] })
  update(@Req() req: FastifyRequest, @Param('cost_code_id', IdPipe) id: number, @Body() dto: UpdateCostCodeDto): Promise<Record<string, unknown>> {
    return this.costCodes.update(companyOf(req), projectOf(req), id, dto, versionOf(req, dto), actorOf(req));
  }

  @Delete(':cost_code_id')
  @HttpCode(204)
  @Can('admin.manage_cost_codes')
  @ApiBody({ type: VersionOnlyDto, required: false })
  @Doc({ summary: 'Delete a cost code', description: 'Refused (400) while budget line items are kept under it.', ok: { description: 'Deleted' }, errors: ['edit_conflict', 'validation_failed', 'invalid_request'] })
  async remove(@Req() req: FastifyRequest, @Param('cost_code_id', IdPipe) id: number, @Body() dto: VersionOnlyDto = {}): Promise<void> {
    await this.costCodes.remove(companyOf(req), projectOf(req), id, versionOf(req, dto), actorOf(req));
  }
}
