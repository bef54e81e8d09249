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
import { SavedBudgetView } from './budget.schemas';
import { BudgetViewsService } from './budget-views.service';
import { CreateBudgetViewDto, UpdateBudgetViewDto } from './dto/budget-view.dto';

const VIEW_LIST = { filters: {}, sorts: ['name'] as const, defaultSort: 'name' as const };
const APPLIES = "The budget shows a view's columns (those the reader may see) and the line items its filters keep, with totals over those lines, when read with `?view_id=`; the project's default view applies when the reader names none.";

@ApiTags('Budget')
@Controller('rest/v1.0/projects/:project_id/budget/views')
export class BudgetViewsController {
  constructor(private readonly views: BudgetViewsService) {}

  @Get()
  @Can('budget.view')
  @Doc({ summary: 'List budget views', description: `By name; \`default\` marks the project's default view. ${APPLIES}`, list: VIEW_LIST, ok: { description: 'A page of budget views', schema: SavedBudgetView }, errors: ['validation_failed'] })
  list(@Req() req: FastifyRequest, @Query() query: Record<string, unknown>): Promise<Page<Record<string, unknown>>> {
    return this.views.list(projectOf(req), parseListQuery(query, VIEW_LIST));
  }

  @Post()
  @Can('budget.manage_views')
  @Doc({
    summary: 'Create a budget view',
    description: `Names are unique in the project whatever their case (409 \`duplicate\`); \`columns\` are budget columns, \`filters.cost_code_ids\` cost codes of this project (422 naming them). \`default: true\` makes it the project's default view. ${APPLIES}`,
    ok: { description: 'The new view', schema: SavedBudgetView },
    errors: ['duplicate'],
  })
  create(@Req() req: FastifyRequest, @Body() dto: CreateBudgetViewDto): Promise<Record<string, unknown>> {
    return this.views.create(companyOf(req), projectOf(req), dto, actorOf(req));
  }

  @Get(':view_id')
  @Can('budget.view')
  @Doc({ summary: 'Read a budget view', ok: { description: 'The view', schema: SavedBudgetView } })
  get(@Req() req: FastifyRequest, @Param('view_id', IdPipe) id: number): Promise<Record<string, unknown>> {
    return this.views.get(projectOf(req), id);
  }

  @Patch(':view_id')
  @Can('budget.manage_views')
  @Doc({
    summary: 'Edit a budget view',
    description: "Its name, columns or filters (`filters` replaces them all); `default: true` makes it the project's default, `default: false` leaves the project without one if it was.",
    ok: { description: 'The view as edited', schema: SavedBudgetView },
    errors: [...VERSIONED, 'duplicate'],
  })
  update(@Req() req: FastifyRequest, @Param('view_id', IdPipe) id: number, @Body() dto: UpdateBudgetViewDto): Promise<Record<string, unknown>> {
    return this.views.update(companyOf(req), projectOf(req), id, dto, versionOf(req, dto), actorOf(req));
  }

  @Delete(':view_id')
  @HttpCode(204)
  @Can('budget.manage_views')
  @OptionalVersion
  @Doc({ summary: 'Delete a budget view', description: 'Deleting the default view leaves the project without one: the budget then shows every column and line item.', ok: { description: 'Deleted' }, errors: VERSIONED })
  async remove(@Req() req: FastifyRequest, @Param('view_id', IdPipe) id: number, @Body() dto: VersionOnlyDto = {}): Promise<void> {
    await this.views.remove(companyOf(req), projectOf(req), id, versionOf(req, dto), actorOf(req));
  }
}
