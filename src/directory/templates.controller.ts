import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiBody, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ItemLocation } from '../common/http/item-headers.interceptor';
import { actorOf, companyOf, projectOf, versionOf } from '../common/http/request-helpers';
import { Page, parseListQuery } from '../common/pagination';
import { IdPipe } from '../common/validation/id.pipe';
import { Doc } from '../common/openapi/doc.decorator';
import { Can } from '../permissions/route-access';
import { PermissionTemplate, PermissionTemplateSummary } from './directory.schemas';
import { CreateProjectTemplateDto, CreateTemplateDto, UpdateTemplateDto } from './dto/template.dto';
import { VersionOnlyDto } from './dto/user.dto';
import { TEMPLATE_LIST, TemplatesService } from './templates.service';

@ApiTags('Permission Templates')
@Controller('rest/v1.0/companies/:company_id/permission_templates')
export class CompanyTemplatesController {
  constructor(private readonly templates: TemplatesService) {}

  @Get()
  @Can('company_directory.view')
  @Doc({
    summary: 'List the permission templates of the company',
    description: 'Company and project templates, project-specific ones included (`filters[project_id]`).',
    list: TEMPLATE_LIST,
    ok: { description: 'A page of templates', schema: PermissionTemplateSummary },
    errors: ['validation_failed'],
  })
  list(@Req() req: FastifyRequest, @Query() query: Record<string, unknown>): Promise<Page<Record<string, unknown>>> {
    return this.templates.list(companyOf(req), parseListQuery(query, TEMPLATE_LIST));
  }

  @Get(':template_id')
  @Can('company_directory.view')
  @Doc({ summary: 'Get a permission template', ok: { description: 'The template, with how often it is assigned', schema: PermissionTemplate } })
  get(@Req() req: FastifyRequest, @Param('template_id', IdPipe) id: number): Promise<Record<string, unknown>> {
    return this.templates.get(companyOf(req), id);
  }

  @Post()
  @Can('company_directory.manage_templates')
  @Doc({
    summary: 'Create a permission template',
    description: 'A company template (`scope: company`: levels on company tools) or a project template shared by every project (`scope: project`). Names are unique per scope (409 `duplicate`); levels and granular keys outside the scope answer 422.',
    ok: { description: 'The created template', schema: PermissionTemplate },
    errors: ['duplicate'],
  })
  create(@Req() req: FastifyRequest, @Body() dto: CreateTemplateDto): Promise<Record<string, unknown>> {
    return this.templates.create(companyOf(req), { ...dto, projectId: null }, actorOf(req));
  }

  @Patch(':template_id')
  @Can('company_directory.manage_templates')
  @Doc({
    summary: 'Edit a permission template',
    description: 'Changes only the fields sent; `levels` and `granular` replace what the template had. The change applies to everyone holding the template on their next request.',
    ok: { description: 'The template as edited', schema: PermissionTemplate },
    errors: ['edit_conflict', 'duplicate'],
  })
  update(@Req() req: FastifyRequest, @Param('template_id', IdPipe) id: number, @Body() dto: UpdateTemplateDto): Promise<Record<string, unknown>> {
    return this.templates.update(companyOf(req), id, dto, versionOf(req, dto), actorOf(req));
  }

  @Delete(':template_id')
  @HttpCode(204)
  @Can('company_directory.manage_templates')
  @ApiBody({ type: VersionOnlyDto, required: false })
  @Doc({
    summary: 'Delete a permission template',
    description: 'Only a template nobody holds: one still assigned to users or project members answers 422 `validation_failed` with `details.assigned_count`.',
    ok: { description: 'Deleted' },
    errors: ['edit_conflict'],
  })
  async remove(@Req() req: FastifyRequest, @Param('template_id', IdPipe) id: number, @Body() dto: VersionOnlyDto): Promise<void> {
    await this.templates.remove(companyOf(req), id, versionOf(req, dto), actorOf(req));
  }
}

@ApiTags('Permission Templates')
@Controller('rest/v1.0/projects/:project_id/permission_templates')
export class ProjectTemplatesController {
  constructor(private readonly templates: TemplatesService) {}

  @Get()
  @Can('directory.view')
  @Doc({
    summary: 'List the permission templates available on a project',
    description: "The company's shared project templates and this project's own (project-specific) ones: the templates a member of this project may hold.",
    list: TEMPLATE_LIST,
    ok: { description: 'A page of project templates', schema: PermissionTemplateSummary },
    errors: ['validation_failed'],
  })
  list(@Req() req: FastifyRequest, @Query() query: Record<string, unknown>): Promise<Page<Record<string, unknown>>> {
    return this.templates.list(companyOf(req), parseListQuery(query, TEMPLATE_LIST), projectOf(req));
  }

  @Post()
  @Can('directory.create_project_template')
  @Doc({
    summary: 'Create a project-specific permission template',
    description: 'A project template that only this project offers; it is read and edited under `/companies/{company_id}/permission_templates/{id}` (`Location`). Names are unique per scope (409 `duplicate`).',
    ok: { description: 'The created template', schema: PermissionTemplate },
    errors: ['duplicate'],
  })
  @ItemLocation((id, req) => `/rest/v1.0/companies/${companyOf(req)}/permission_templates/${id}`)
  create(@Req() req: FastifyRequest, @Body() dto: CreateProjectTemplateDto): Promise<Record<string, unknown>> {
    return this.templates.create(companyOf(req), { ...dto, scope: 'project', projectId: projectOf(req) }, actorOf(req));
  }
}
