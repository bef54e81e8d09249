import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { actorOf, companyOf } from '../common/http/request-helpers';
import { IdPipe } from '../common/validation/id.pipe';
import { PermissionChanges } from '../permissions/permission-changes';
import { Doc } from '../common/openapi/doc.decorator';
import { ArrayOf } from '../common/openapi/schema';
import { Can } from '../permissions/route-access';
import { OAuthApp, OAuthAppCreated } from './apps.schemas';
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
  @Doc({
    summary: "List the company's OAuth apps",
    description: 'Every app of the company, oldest first (not paginated); secrets are never shown again after creation.',
    ok: { description: 'The apps', schema: ArrayOf(OAuthApp) },
  })
  list(@Req() req: FastifyRequest): Promise<Record<string, unknown>[]> {
    return this.apps.list(companyOf(req));
  }

  @Post()
  @Can('company_admin.manage_apps')
  @Doc({
    summary: 'Register an OAuth app',
    description: 'The answer carries `client_secret`, once. A service account app (`service_account: true`) gets its own directory user (`service_account_user_id`, Read Only on the company Directory where a template offers it) and signs in with `client_credentials`.',
    ok: { description: 'The app with its secret', schema: OAuthAppCreated },
  })
  create(@Req() req: FastifyRequest, @Body() dto: CreateAppDto): Promise<Record<string, unknown>> {
    return this.apps.create(companyOf(req), dto, actorOf(req));
  }

  @Delete(':app_id')
  @HttpCode(204)
  @Can('company_admin.manage_apps')
  @Doc({
    summary: 'Delete an OAuth app',
    description: "Ends the app's tokens, and deactivates its service account user, from their next request.",
    ok: { description: 'Deleted' },
  })
  async remove(@Req() req: FastifyRequest, @Param('app_id', IdPipe) id: number): Promise<void> {
    const companyId = await this.apps.remove(companyOf(req), id, actorOf(req));
    // Its tokens are gone with it: cached callers of the company are reloaded on their next request.
    await this.changes.publish(companyId);
  }
}
