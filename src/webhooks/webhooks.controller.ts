import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { companyOf, projectOf, versionOf } from '../common/http/request-helpers';
import { Doc } from '../common/openapi/doc.decorator';
import { ArrayOf } from '../common/openapi/schema';
import { Page, parseListQuery } from '../common/pagination';
import { IdPipe } from '../common/validation/id.pipe';
import { Can } from '../permissions/route-access';
import { CreateHookDto, CreateTriggerDto, UpdateHookDto } from './dto/webhook.dto';
import { WebhookDelivery, WebhookHook, WebhookTrigger } from './webhooks.schemas';
import { DELIVERY_LIST, WebhooksService } from './webhooks.service';

@ApiTags('Webhooks')
@Controller('rest/v1.0/projects/:project_id/webhooks/hooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Get()
  @Can('admin.manage_webhooks')
  @Doc({
    summary: 'List the project’s webhooks',
    description: 'Oldest first, each with its triggers.',
    ok: { description: 'The hooks (not paged)', schema: ArrayOf(WebhookHook) },
  })
  list(@Req() req: FastifyRequest): Promise<Record<string, unknown>[]> {
    return this.webhooks.list(companyOf(req), projectOf(req));
  }

  @Post()
  @Can('admin.manage_webhooks')
  @Doc({
    summary: 'Create a webhook',
    description: 'A hook sends nothing until it has a trigger. The destination must be an http(s) URL without credentials whose host the operator allows (422 naming `destination_url`).',
    ok: { description: 'The new hook', schema: WebhookHook },
  })
  create(@Req() req: FastifyRequest, @Body() dto: CreateHookDto): Promise<Record<string, unknown>> {
    return this.webhooks.create(companyOf(req), projectOf(req), dto);
  }

  @Get(':hook_id')
  @Can('admin.manage_webhooks')
  @Doc({ summary: 'Read a webhook', ok: { description: 'The hook, with its triggers', schema: WebhookHook } })
  get(@Req() req: FastifyRequest, @Param('hook_id', IdPipe) id: number): Promise<Record<string, unknown>> {
    return this.webhooks.get(companyOf(req), projectOf(req), id);
  }

  @Patch(':hook_id')
  @Can('admin.manage_webhooks')
  @Doc({
    summary: 'Edit a webhook',
    description: 'Fields left out are kept; `destination_headers` replaces the headers. Deliveries already queued go to the new destination.',
    ok: { description: 'The hook as edited', schema: WebhookHook },
    errors: ['edit_conflict', 'validation_failed'],
  })
  update(@Req() req: FastifyRequest, @Param('hook_id', IdPipe) id: number, @Body() dto: UpdateHookDto): Promise<Record<string, unknown>> {
    return this.webhooks.update(companyOf(req), projectOf(req), id, dto, versionOf(req, dto));
  }

  @Delete(':hook_id')
  @HttpCode(204)
  @Can('admin.manage_webhooks')
  @Doc({
    summary: 'Delete a webhook',
    description: 'With its triggers and deliveries; deliveries still queued are not sent.',
    ok: { description: 'Deleted' },
  })
  async remove(@Req() req: FastifyRequest, @Param('hook_id', IdPipe) id: number): Promise<void> {
    await this.webhooks.remove(companyOf(req), projectOf(req), id);
  }

  @Get(':hook_id/triggers')
  @Can('admin.manage_webhooks')
  @Doc({
    summary: 'List a webhook’s triggers',
    description: 'Oldest first.',
    ok: { description: 'The triggers (not paged)', schema: ArrayOf(WebhookTrigger) },
  })
  triggers(@Req() req: FastifyRequest, @Param('hook_id', IdPipe) id: number): Promise<Record<string, unknown>[]> {
    return this.webhooks.listTriggers(companyOf(req), projectOf(req), id);
  }

  @Post(':hook_id/triggers')
  @Can('admin.manage_webhooks')
  @Doc({
    summary: 'Add a trigger to a webhook',
    description: 'From now on, every change of this resource and event type in the project is delivered to the hook (409 `duplicate` when the hook already has the trigger).',
    ok: { description: 'The new trigger', schema: WebhookTrigger },
    errors: ['duplicate'],
  })
  addTrigger(@Req() req: FastifyRequest, @Param('hook_id', IdPipe) id: number, @Body() dto: CreateTriggerDto): Promise<Record<string, unknown>> {
    return this.webhooks.addTrigger(companyOf(req), projectOf(req), id, dto);
  }

  @Delete(':hook_id/triggers/:trigger_id')
  @HttpCode(204)
  @Can('admin.manage_webhooks')
  @Doc({ summary: 'Remove a trigger from a webhook', ok: { description: 'Removed' } })
  async removeTrigger(@Req() req: FastifyRequest, @Param('hook_id', IdPipe) id: number, @Param('trigger_id', IdPipe) triggerId: number): Promise<void> {
    await this.webhooks.removeTrigger(companyOf(req), projectOf(req), id, triggerId);
  }

  @Get(':hook_id/deliveries')
  @Can('admin.manage_webhooks')
  @Doc({
    summary: 'List a webhook’s deliveries',
    description: 'Newest first by default: each change sent to the hook, with its status, attempts and what the destination answered last.',
    list: DELIVERY_LIST,
    ok: { description: 'A page of deliveries', schema: WebhookDelivery },
    errors: ['validation_failed'],
  })
  deliveries(@Req() req: FastifyRequest, @Param('hook_id', IdPipe) id: number, @Query() query: Record<string, unknown>): Promise<Page<Record<string, unknown>>> {
    return this.webhooks.deliveries(companyOf(req), projectOf(req), id, parseListQuery(query, DELIVERY_LIST));
  }
}
