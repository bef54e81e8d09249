import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../common/errors';
import { ItemLocation } from '../common/http/item-headers.interceptor';
import { actorOf, companyOf, projectOf, versionOf } from '../common/http/request-helpers';
import { Page, parseListQuery } from '../common/pagination';
import { parseId } from '../common/validation/id.pipe';
import { VersionOnlyDto } from '../directory/dto/user.dto';
import { Can } from '../permissions/route-access';
import { CreateProjectDto, UpdateProjectDto } from './dto/project.dto';
import { PROJECT_LIST, ProjectsService } from './projects.service';
import { ToolsService, ToolView } from './tools.service';

@ApiTags('Projects')
@Controller('rest/v1.0')
export class ProjectsController {
  constructor(
    private readonly projects: ProjectsService,
    private readonly tools: ToolsService,
  ) {}

  @Get('companies/:company_id/projects')
  @Can('company_admin.view_projects')
  list(@Req() req: FastifyRequest, @Query() query: Record<string, unknown>): Promise<Page<Record<string, unknown>>> {
    return this.listFor(req, query);
  }

  /** The reference platform's form of the same list: `/projects?company_id=`. */
  @Get('projects')
  @Can('company_admin.view_projects')
  listByQuery(@Req() req: FastifyRequest, @Query() query: Record<string, unknown>): Promise<Page<Record<string, unknown>>> {
    const { company_id: named, ...rest } = query;
    // The company named here must be the request's company (as in the path form), never silently another one.
    if (named !== undefined) {
      const id = parseId(named);
      if (id === null) throw AppError.field('company_id', 'must be a company id');
      if (id !== companyOf(req)) {
        throw new AppError('not_in_company', 'You are not in the directory of this company.', { layer: 'company_context', company_id: id });
      }
    }
    return this.listFor(req, rest);
  }

  @Post('companies/:company_id/projects')
  @Can('company_admin.create_project')
  @ItemLocation((id) => `/rest/v1.0/projects/${id}`)
  create(@Req() req: FastifyRequest, @Body() dto: CreateProjectDto): Promise<Record<string, unknown>> {
    return this.projects.create(companyOf(req), dto, actorOf(req));
  }

  @Get('projects/:project_id')
  @Can('admin.view_project')
  get(@Req() req: FastifyRequest): Promise<Record<string, unknown>> {
    return this.projects.get(companyOf(req), projectOf(req));
  }

  @Patch('projects/:project_id')
  @Can('admin.edit_project')
  update(@Req() req: FastifyRequest, @Body() dto: UpdateProjectDto): Promise<Record<string, unknown>> {
    return this.projects.update(companyOf(req), projectOf(req), dto, versionOf(req, dto), actorOf(req));
  }

  @Get('projects/:project_id/tools')
  @Can('admin.view_project')
  listTools(@Req() req: FastifyRequest): Promise<ToolView[]> {
    return this.tools.list(projectOf(req));
  }

  @Post('projects/:project_id/tools/:tool/actions/activate')
  @HttpCode(200)
  @Can('admin.manage_tools')
  activate(@Req() req: FastifyRequest, @Param('tool') tool: string, @Body() _dto: VersionOnlyDto): Promise<ToolView> {
    return this.tools.setActive(companyOf(req), projectOf(req), tool, true, actorOf(req));
  }

  @Post('projects/:project_id/tools/:tool/actions/deactivate')
  @HttpCode(200)
  @Can('admin.manage_tools')
  deactivate(@Req() req: FastifyRequest, @Param('tool') tool: string, @Body() _dto: VersionOnlyDto): Promise<ToolView> {
    return this.tools.setActive(companyOf(req), projectOf(req), tool, false, actorOf(req));
  }

  private listFor(req: FastifyRequest, query: Record<string, unknown>): Promise<Page<Record<string, unknown>>> {
    const everything = req.access!.decision!.outcome === 'allowed';
    return this.projects.list(companyOf(req), parseListQuery(query, PROJECT_LIST), everything ? null : req.auth!.userId);
  }
}
