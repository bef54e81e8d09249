import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { companyOf, projectOf, versionOf } from '../common/http/request-helpers';
import { Page, parseListQuery } from '../common/pagination';
import { IdPipe } from '../common/validation/id.pipe';
import { Can } from '../permissions/route-access';
import { CreateHookDto, CreateTriggerDto, UpdateHookDto } from './dto/webhook.dto';
import { DELIVERY_LIST, WebhooksService } from './webhooks.service';

@ApiTags('Webhooks')
@Controller('rest/v1.0/projects/:project_id/webhooks/hooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Get()
  @Can('admin.manage_webhooks')
  list(@Req() req: FastifyRequest): Promise<Record<string, unknown>[]> {
    return this.webhooks.list(companyOf(req), projectOf(req));
  }

  @Post()
  @Can('admin.manage_webhooks')
  create(@Req() req: FastifyRequest, @Body() dto: CreateHookDto): Promise<Record<string, unknown>> {
    return this.webhooks.create(companyOf(req), projectOf(req), dto);
  }

  @Get(':hook_id')
  @Can('admin.manage_webhooks')
  get(@Req() req: FastifyRequest, @Param('hook_id', IdPipe) id: number): Promise<Record<string, unknown>> {
    return this.webhooks.get(companyOf(req), projectOf(req), id);
  }

  @Patch(':hook_id')
  @Can('admin.manage_webhooks')
  update(@Req() req: FastifyRequest, @Param('hook_id', IdPipe) id: number, @Body() dto: UpdateHookDto): Promise<Record<string, unknown>> {
    return this.webhooks.update(companyOf(req), projectOf(req), id, dto, versionOf(req, dto));
  }

  @Delete(':hook_id')
  @HttpCode(204)
  @Can('admin.manage_webhooks')
  async remove(@Req() req: FastifyRequest, @Param('hook_id', IdPipe) id: number): Promise<void> {
    await this.webhooks.remove(companyOf(req), projectOf(req), id);
  }

  @Get(':hook_id/triggers')
  @Can('admin.manage_webhooks')
  triggers(@Req() req: FastifyRequest, @Param('hook_id', IdPipe) id: number): Promise<Record<string, unknown>[]> {
    return this.webhooks.listTriggers(companyOf(req), projectOf(req), id);
  }

  @Post(':hook_id/triggers')
  @Can('admin.manage_webhooks')
  addTrigger(@Req() req: FastifyRequest, @Param('hook_id', IdPipe) id: number, @Body() dto: CreateTriggerDto): Promise<Record<string, unknown>> {
    return this.webhooks.addTrigger(companyOf(req), projectOf(req), id, dto);
  }

  @Delete(':hook_id/triggers/:trigger_id')
  @HttpCode(204)
  @Can('admin.manage_webhooks')
  async removeTrigger(@Req() req: FastifyRequest, @Param('hook_id', IdPipe) id: number, @Param('trigger_id', IdPipe) triggerId: number): Promise<void> {
    await this.webhooks.removeTrigger(companyOf(req), projectOf(req), id, triggerId);
  }

  @Get(':hook_id/deliveries')
  @Can('admin.manage_webhooks')
  deliveries(@Req() req: FastifyRequest, @Param('hook_id', IdPipe) id: number, @Query() query: Record<string, unknown>): Promise<Page<Record<string, unknown>>> {
    return this.webhooks.deliveries(companyOf(req), projectOf(req), id, parseListQuery(query, DELIVERY_LIST));
  }
}
