import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { actorOf, companyOf } from '../common/http/request-helpers';
import { IdPipe } from '../common/validation/id.pipe';
import { PermissionChanges } from '../permissions/permission-changes';
import { Can } from '../permissions/route-access';
import { AppsService } from './apps.service';
import { CreateAppDto } from './dto/app.dto';

@ApiTags('Company Admin')
@Controller('rest/v1.0/companies/:company_id/apps')
export class AppsController {
  constructor(
    private readonly apps: AppsService,
    private readonly changes: PermissionChanges,
  ) {}

  @Get()
  @Can('company_admin.manage_apps')
  list(@Req() req: FastifyRequest): Promise<Record<string, unknown>[]> {
    return this.apps.list(companyOf(req));
  }

  @Post()
  @Can('company_admin.manage_apps')
  create(@Req() req: FastifyRequest, @Body() dto: CreateAppDto): Promise<Record<string, unknown>> {
    return this.apps.create(companyOf(req), dto, actorOf(req));
  }

  @Delete(':app_id')
  @HttpCode(204)
  @Can('company_admin.manage_apps')
  async remove(@Req() req: FastifyRequest, @Param('app_id', IdPipe) id: number): Promise<void> {
    const companyId = await this.apps.remove(companyOf(req), id, actorOf(req));
    // Its tokens are gone with it: cached callers of the company are reloaded on their next request.
    await this.changes.publish(companyId);
  }
}
