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
import { CHANGE_ORDER_LIST, ChangeOrderAction, ChangeOrdersService } from './change-orders.service';
import { ChangeOrder } from './contracts.schemas';
import { CreateChangeOrderDto, UpdateChangeOrderDto } from './dto/contracts.dto';

const REACHES = 'When the change touches what the budget counts (pending or approved), it reaches the budget by a `sync` job, then the recalculation.';
const ACTION_ERRORS = [...VERSIONED, 'invalid_transition', 'item_locked'] as const;

@ApiTags('Change Orders')
@Controller('rest/v1.0/projects/:project_id/change_orders')
export class ChangeOrdersController {
  constructor(private readonly changeOrders: ChangeOrdersService) {}

  @Get()
  @Can('change_orders.view')
  @Doc({ summary: 'List change orders', description: 'Prime and commitment change orders; a CO on a private commitment only for those who may see the commitment.', list: CHANGE_ORDER_LIST, ok: { description: 'A page of change orders', schema: ChangeOrder }, errors: ['validation_failed'] })
  list(@Req() req: FastifyRequest, @Query() query: Record<string, unknown>): Promise<Page<Record<string, unknown>>> {
    return this.changeOrders.list(req.access!.subject, projectOf(req), parseListQuery(query, CHANGE_ORDER_LIST));
  }

  @Post()
  @Can('change_orders.create')
  @Doc({
    summary: 'Create a change order',
    description: "A draft on a prime contract or a commitment of this project, with lines against this project's budget line items and an optional designated reviewer.",
    ok: { description: 'The new change order', schema: ChangeOrder },
  })
  create(@Req() req: FastifyRequest, @Body() dto: CreateChangeOrderDto): Promise<Record<string, unknown>> {
    return this.changeOrders.create(req.access!.subject, companyOf(req), projectOf(req), dto, actorOf(req));
  }

  @Get(':change_order_id')
  @Can('change_orders.view', { item: 'change_order_id' })
  @Doc({ summary: 'Read a change order', ok: { description: 'The change order', schema: ChangeOrder } })
  get(@Req() req: FastifyRequest, @Param('change_order_id', IdPipe) id: number): Promise<Record<string, unknown>> {
    return this.changeOrders.get(req.access!.subject, projectOf(req), id);
  }

  @Patch(':change_order_id')
  @Can('change_orders.edit', { item: 'change_order_id' })
  @Doc({
    summary: 'Edit a change order',
    description: `Title, reviewer, lines (replaced) and the review statuses the transition table allows (\`next_statuses\`). Approved and void change orders are locked (423 \`item_locked\`). ${REACHES}`,
    ok: { description: 'The change order as edited', schema: ChangeOrder },
    errors: [...ACTION_ERRORS],
  })
  update(@Req() req: FastifyRequest, @Param('change_order_id', IdPipe) id: number, @Body() dto: UpdateChangeOrderDto): Promise<Record<string, unknown>> {
    return this.changeOrders.update(companyOf(req), projectOf(req), id, dto, versionOf(req, dto), actorOf(req));
  }

  @Delete(':change_order_id')
  @HttpCode(204)
  @Can('change_orders.edit', { item: 'change_order_id' })
  @OptionalVersion
  @Doc({ summary: 'Delete a change order', description: `An approved change order is locked and cannot be deleted (423 \`item_locked\`). ${REACHES}`, ok: { description: 'Deleted' }, errors: [...VERSIONED, 'item_locked'] })
  async remove(@Req() req: FastifyRequest, @Param('change_order_id', IdPipe) id: number, @Body() dto: VersionOnlyDto = {}): Promise<void> {
    await this.changeOrders.remove(companyOf(req), projectOf(req), id, versionOf(req, dto), actorOf(req));
  }

  @Post(':change_order_id/actions/submit')
  @HttpCode(200)
  @Can('change_orders.submit', { item: 'change_order_id' })
  @OptionalVersion
  @Doc({ summary: 'Submit a change order', description: `Draft → pending (its creator or an Admin). ${REACHES}`, ok: { status: 200, description: 'The pending change order', schema: ChangeOrder }, errors: [...ACTION_ERRORS] })
  submit(@Req() req: FastifyRequest, @Param('change_order_id', IdPipe) id: number, @Body() dto: VersionOnlyDto = {}): Promise<Record<string, unknown>> {
    return this.act(req, id, 'submit', dto);
  }

  @Post(':change_order_id/actions/approve')
  @HttpCode(200)
  @Can('change_orders.approve', { item: 'change_order_id' })
  @OptionalVersion
  @Doc({
    summary: 'Approve a change order',
    description: `An Admin, or the designated reviewer while it is pending or revised. It is then locked. ${REACHES}`,
    ok: { status: 200, description: 'The approved change order', schema: ChangeOrder },
    errors: [...ACTION_ERRORS],
  })
  approve(@Req() req: FastifyRequest, @Param('change_order_id', IdPipe) id: number, @Body() dto: VersionOnlyDto = {}): Promise<Record<string, unknown>> {
    return this.act(req, id, 'approve', dto);
  }

  @Post(':change_order_id/actions/reject')
  @HttpCode(200)
  @Can('change_orders.reject', { item: 'change_order_id' })
  @OptionalVersion
  @Doc({ summary: 'Reject a change order', description: `An Admin, or the designated reviewer while it is pending or revised; a rejected CO may be revised. ${REACHES}`, ok: { status: 200, description: 'The rejected change order', schema: ChangeOrder }, errors: [...ACTION_ERRORS] })
  reject(@Req() req: FastifyRequest, @Param('change_order_id', IdPipe) id: number, @Body() dto: VersionOnlyDto = {}): Promise<Record<string, unknown>> {
    return this.act(req, id, 'reject', dto);
  }

  @Post(':change_order_id/actions/void')
  @HttpCode(200)
  @Can('change_orders.void', { item: 'change_order_id' })
  @OptionalVersion
  @Doc({ summary: 'Void a change order', description: `Admins only; a void CO is final. ${REACHES}`, ok: { status: 200, description: 'The void change order', schema: ChangeOrder }, errors: [...ACTION_ERRORS] })
  void(@Req() req: FastifyRequest, @Param('change_order_id', IdPipe) id: number, @Body() dto: VersionOnlyDto = {}): Promise<Record<string, unknown>> {
    return this.act(req, id, 'void', dto);
  }

  private act(req: FastifyRequest, id: number, action: ChangeOrderAction, dto: VersionOnlyDto): Promise<Record<string, unknown>> {
    return this.changeOrders.act(companyOf(req), projectOf(req), id, action, versionOf(req, dto), actorOf(req));
  }
}

