import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../common/errors';
import type { ErrorCode } from '../common/errors/error-codes';
import { actorOf, companyOf, projectOf, versionOf } from '../common/http/request-helpers';
import { Doc } from '../common/openapi/doc.decorator';
import { OptionalVersion, PAGE_ONLY, VERSIONED } from '../common/openapi/route-docs';
import { Type } from '../common/openapi/schema';
import { Page, parseListQuery } from '../common/pagination';
import { IdPipe, parseId } from '../common/validation/id.pipe';
import { VersionOnlyDto } from '../directory/dto/user.dto';
import { Can } from '../permissions/route-access';
import { BudgetLineItem, BudgetLock, BudgetModification, BudgetView, RecalculationQueued } from './budget.schemas';
import { BudgetService, LINE_ITEM_LIST } from './budget.service';
import { CreateLineItemDto, CreateModificationDto, UpdateLineItemDto } from './dto/budget.dto';

const LOCKED: ErrorCode[] = ['budget_locked'];

@ApiTags('Budget')
@Controller('rest/v1.0/projects/:project_id/budget')
export class BudgetController {
  constructor(private readonly budget: BudgetService) {}

  @Get()
  @Can('budget.view')
  @Doc({
    summary: 'Read the budget',
    description:
      'The snapshot the recalculation job keeps: each line item with the columns the caller may see (direct costs only with `view_direct_cost_details` or Admin; totals and projections then leave them out), the totals, and how current it is: `as_of`, `stale` and `pending_jobs`. A write shows here once its recalculation has run.',
    query: {
      view_id: {
        schema: Type.String({ pattern: '^([1-9][0-9]{0,9}|none)$', example: '12' }),
        description: "A budget view of this project (404 otherwise): only its columns, and the line items its filters keep, are shown and totalled. `none`: no view (every column the caller may see, every line item). Without it the project's default view applies, if there is one.",
      },
    },
    ok: { description: 'The budget as the caller may see it', schema: BudgetView },
    errors: ['validation_failed'],
  })
  view(@Req() req: FastifyRequest, @Query() query: Record<string, unknown>): Promise<Record<string, unknown>> {
    const unknown = Object.keys(query).filter((k) => k !== 'view_id');
    if (unknown.length) throw AppError.validation(unknown.map((field) => ({ field, message: 'is not a known parameter' })));
    const picked = query.view_id === undefined ? undefined : query.view_id === 'none' ? 'none' : parseId(query.view_id);
    if (picked === null) throw AppError.field('view_id', 'must be a budget view id or none');
    return this.budget.view(req.access!.subject, companyOf(req), projectOf(req), picked);
  }

  @Get('line_items')
  @Can('budget.view')
  @Doc({ summary: 'List budget line items', description: 'The line items as entered (their cost code, type, description and original amount).', list: LINE_ITEM_LIST, ok: { description: 'A page of line items', schema: BudgetLineItem }, errors: ['validation_failed'] })
  listLineItems(@Req() req: FastifyRequest, @Query() query: Record<string, unknown>): Promise<Page<Record<string, unknown>>> {
    return this.budget.listLineItems(projectOf(req), parseListQuery(query, LINE_ITEM_LIST));
  }

  @Post('line_items')
  @Can('budget.create_line_item')
  @Doc({ summary: 'Add a budget line item', description: 'Refused with 423 `budget_locked` while the budget is locked. Queues a recalculation.', ok: { description: 'The new line item', schema: BudgetLineItem }, errors: LOCKED })
  createLineItem(@Req() req: FastifyRequest, @Body() dto: CreateLineItemDto): Promise<Record<string, unknown>> {
    return this.budget.createLineItem(companyOf(req), projectOf(req), dto, actorOf(req));
  }

  @Get('line_items/:line_item_id')
  @Can('budget.view')
  @Doc({ summary: 'Read a budget line item', ok: { description: 'The line item', schema: BudgetLineItem } })
  getLineItem(@Req() req: FastifyRequest, @Param('line_item_id', IdPipe) id: number): Promise<Record<string, unknown>> {
    return this.budget.getLineItem(projectOf(req), id);
  }

  @Patch('line_items/:line_item_id')
  @Can('budget.edit_original_amount')
  @Doc({ summary: 'Edit a budget line item', description: 'Its type, description or original amount; refused while the budget is locked. Queues a recalculation.', ok: { description: 'The line item as edited', schema: BudgetLineItem }, errors: [...VERSIONED, ...LOCKED] })
  updateLineItem(@Req() req: FastifyRequest, @Param('line_item_id', IdPipe) id: number, @Body() dto: UpdateLineItemDto): Promise<Record<string, unknown>> {
    return this.budget.updateLineItem(companyOf(req), projectOf(req), id, dto, versionOf(req, dto), actorOf(req));
  }

  @Delete('line_items/:line_item_id')
  @HttpCode(204)
  @Can('budget.delete_line_item')
  @OptionalVersion
  @Doc({ summary: 'Delete a budget line item', description: 'Refused while the budget is locked, and (400) while commitments, change orders, invoices, direct costs or modifications use it.', ok: { description: 'Deleted' }, errors: [...VERSIONED, ...LOCKED, 'invalid_request'] })
  async deleteLineItem(@Req() req: FastifyRequest, @Param('line_item_id', IdPipe) id: number, @Body() dto: VersionOnlyDto = {}): Promise<void> {
    await this.budget.deleteLineItem(companyOf(req), projectOf(req), id, versionOf(req, dto), actorOf(req));
  }

  @Get('modifications')
  @Can('budget.view')
  @Doc({ summary: 'List budget modifications', description: 'Transfers between line items, oldest first.', list: PAGE_ONLY, ok: { description: 'A page of modifications', schema: BudgetModification }, errors: ['validation_failed'] })
  listModifications(@Req() req: FastifyRequest, @Query() query: Record<string, unknown>): Promise<Page<Record<string, unknown>>> {
    return this.budget.listModifications(projectOf(req), parseListQuery(query, PAGE_ONLY));
  }

  @Post('modifications')
  @Can('budget.modify')
  @Doc({ summary: 'Transfer an amount between line items', description: 'Moves `amount` (more than 0) from one line item to another of the same budget; allowed while the budget is locked. Queues a recalculation.', ok: { description: 'The modification', schema: BudgetModification } })
  createModification(@Req() req: FastifyRequest, @Body() dto: CreateModificationDto): Promise<Record<string, unknown>> {
    return this.budget.createModification(companyOf(req), projectOf(req), dto, actorOf(req));
  }

  @Post('lock')
  @HttpCode(200)
  @Can('budget.lock')
  @Doc({ summary: 'Lock the budget', description: 'Line items, original amounts and imports are refused (423 `budget_locked`) until unlocked; modifications stay allowed.', ok: { description: 'The lock', schema: BudgetLock } })
  lock(@Req() req: FastifyRequest): Promise<Record<string, unknown>> {
    return this.budget.setLocked(companyOf(req), projectOf(req), true, actorOf(req));
  }

  @Delete('lock')
  @HttpCode(200)
  @Can('budget.unlock')
  @Doc({ summary: 'Unlock the budget', ok: { description: 'The lock, released', schema: BudgetLock } })
  unlock(@Req() req: FastifyRequest): Promise<Record<string, unknown>> {
    return this.budget.setLocked(companyOf(req), projectOf(req), false, actorOf(req));
  }

  @Post('actions/recalculate')
  @HttpCode(200)
  @Can('budget.recalculate')
  @Doc({ summary: 'Ask for a budget recalculation', description: 'Queues a rebuild of the snapshot (a new revision); `POST /_sim/settle` waits for it.', ok: { description: 'Queued', schema: RecalculationQueued } })
  recalculate(@Req() req: FastifyRequest): Promise<Record<string, unknown>> {
    return this.budget.requestRecalculation(companyOf(req), projectOf(req));
  }
}
