import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiBody, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../common/errors';
import { ItemLocation } from '../common/http/item-headers.interceptor';
import { actorOf, companyOf, projectOf, versionOf } from '../common/http/request-helpers';
import { Page, parseListQuery } from '../common/pagination';
import { parseId } from '../common/validation/id.pipe';
import { VersionOnlyDto } from '../directory/dto/user.dto';
import { Doc } from '../common/openapi/doc.decorator';
import { ArrayOf, Id } from '../common/openapi/schema';
import { Can } from '../permissions/route-access';
import { CreateProjectDto, UpdateProjectDto } from './dto/project.dto';
import { Project, ProjectTool } from './projects.schemas';
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
  @Doc({
    summary: 'List the projects of the company',
    description: 'Every project for those the rule allows; anyone else of the company sees only the projects where they are an active member (`Total` counts what they see).',
    list: PROJECT_LIST,
    ok: { description: 'A page of projects', schema: Project },
    errors: ['validation_failed'],
  })
  list(@Req() req: FastifyRequest, @Query() query: Record<string, unknown>): Promise<Page<Record<string, unknown>>> {
    return this.listFor(req, query);
  }

  /** The reference platform's form of the same list: `/projects?company_id=`. */
  @Get('projects')
  @Can('company_admin.view_projects')
  @Doc({
    summary: 'List the projects of the company (reference platform form)',
    description: 'The same list as `GET /companies/{company_id}/projects`, as `/projects?company_id=`. A `company_id` other than the `Procore-Company-Id` company answers 403 `not_in_company`.',
    list: PROJECT_LIST,
    query: { company_id: { schema: Id, description: 'The company (must be the `Procore-Company-Id` one)' } },
    ok: { description: 'A page of projects', schema: Project },
    errors: ['validation_failed'],
  })
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
  @Doc({
    summary: 'Create a project',
    description: 'Every project tool starts active; the creator is not added to the project directory. `Location` names `/rest/v1.0/projects/{id}`.',
    ok: { description: 'The created project', schema: Project },
  })
  @ItemLocation((id) => `/rest/v1.0/projects/${id}`)
  create(@Req() req: FastifyRequest, @Body() dto: CreateProjectDto): Promise<Record<string, unknown>> {
    return this.projects.create(companyOf(req), dto, actorOf(req));
  }

  @Get('projects/:project_id')
  @Can('admin.view_project')
  @Doc({ summary: 'Get a project', ok: { description: 'The project', schema: Project } })
  get(@Req() req: FastifyRequest): Promise<Record<string, unknown>> {
    return this.projects.get(companyOf(req), projectOf(req));
  }

  @Patch('projects/:project_id')
  @Can('admin.edit_project')
  @Doc({
    summary: 'Edit a project',
    description: 'Changes only the fields sent; `null` clears `project_number` or `address`, and restores the default `rfi_due_days`.',
    ok: { description: 'The project as edited', schema: Project },
    errors: ['edit_conflict'],
  })
  update(@Req() req: FastifyRequest, @Body() dto: UpdateProjectDto): Promise<Record<string, unknown>> {
    return this.projects.update(companyOf(req), projectOf(req), dto, versionOf(req, dto), actorOf(req));
  }

  @Get('projects/:project_id/tools')
  @Can('admin.view_project')
  @Doc({
    summary: "List the project's tools",
    description: 'Every project tool, in a fixed order, with whether it is switched on (not paginated).',
    ok: { description: 'The tools', schema: ArrayOf(ProjectTool) },
  })
  listTools(@Req() req: FastifyRequest): Promise<ToolView[]> {
    return this.tools.list(projectOf(req));
  }

  @Post('projects/:project_id/tools/:tool/actions/activate')
  @HttpCode(200)
  @Can('admin.manage_tools')
  @ApiBody({ type: VersionOnlyDto, required: false, description: 'Optional; tools have no version, so a `version` is not checked' })
  @Doc({
    summary: 'Switch a tool on for the project',
    description: 'Its items are visible again, to those whose templates allow, from their next request.',
    ok: { status: 200, description: 'The tool', schema: ProjectTool },
  })
  activate(@Req() req: FastifyRequest, @Param('tool') tool: string, @Body() _dto: VersionOnlyDto): Promise<ToolView> {
    return this.tools.setActive(companyOf(req), projectOf(req), tool, true, actorOf(req));
  }

  @Post('projects/:project_id/tools/:tool/actions/deactivate')
  @HttpCode(200)
  @Can('admin.manage_tools')
  @ApiBody({ type: VersionOnlyDto, required: false, description: 'Optional; tools have no version, so a `version` is not checked' })
  @Doc({
    summary: 'Switch a tool off for the project',
    description: 'Hides the tool from everyone, admins included (403 `tool_inactive`), from their next request; the core tools (admin, directory) answer 422.',
    ok: { status: 200, description: 'The tool', schema: ProjectTool },
  })
  deactivate(@Req() req: FastifyRequest, @Param('tool') tool: string, @Body() _dto: VersionOnlyDto): Promise<ToolView> {
    return this.tools.setActive(companyOf(req), projectOf(req), tool, false, actorOf(req));
  }

  private listFor(req: FastifyRequest, query: Record<string, unknown>): Promise<Page<Record<string, unknown>>> {
    const everything = req.access!.decision!.outcome === 'allowed';
    return this.projects.list(companyOf(req), parseListQuery(query, PROJECT_LIST), everything ? null : req.auth!.userId);
  }
}
