import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ItemLocation } from '../common/http/item-headers.interceptor';
import { actorOf, companyOf, projectOf, versionOf } from '../common/http/request-helpers';
import { Page, parseListQuery } from '../common/pagination';
import { IdPipe } from '../common/validation/id.pipe';
import { Can } from '../permissions/route-access';
import { CreateProjectTemplateDto, CreateTemplateDto, UpdateTemplateDto } from './dto/template.dto';
import { VersionOnlyDto } from './dto/user.dto';
import { TEMPLATE_LIST, TemplatesService } from './templates.service';

@ApiTags('Permission Templates')
@Controller('rest/v1.0/companies/:company_id/permission_templates')
export class CompanyTemplatesController {
  constructor(private readonly templates: TemplatesService) {}

  @Get()
  @Can('company_directory.view')
  list(@Req() req: FastifyRequest, @Query() query: Record<string, unknown>): Promise<Page<Record<string, unknown>>> {
    return this.templates.list(companyOf(req), parseListQuery(query, TEMPLATE_LIST));
  }

  @Get(':template_id')
  @Can('company_directory.view')
  get(@Req() req: FastifyRequest, @Param('template_id', IdPipe) id: number): Promise<Record<string, unknown>> {
    return this.templates.get(companyOf(req), id);
  }

  @Post()
  @Can('company_directory.manage_templates')
  create(@Req() req: FastifyRequest, @Body() dto: CreateTemplateDto): Promise<Record<string, unknown>> {
    return this.templates.create(companyOf(req), { ...dto, projectId: null }, actorOf(req));
  }

  @Patch(':template_id')
  @Can('company_directory.manage_templates')
  update(@Req() req: FastifyRequest, @Param('template_id', IdPipe) id: number, @Body() dto: UpdateTemplateDto): Promise<Record<string, unknown>> {
    return this.templates.update(companyOf(req), id, dto, versionOf(req, dto), actorOf(req));
  }

  @Delete(':template_id')
  @HttpCode(204)
  @Can('company_directory.manage_templates')
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
  list(@Req() req: FastifyRequest, @Query() query: Record<string, unknown>): Promise<Page<Record<string, unknown>>> {
    return this.templates.list(companyOf(req), parseListQuery(query, TEMPLATE_LIST), projectOf(req));
  }

  @Post()
  @Can('directory.create_project_template')
  @ItemLocation((id, req) => `/rest/v1.0/companies/${companyOf(req)}/permission_templates/${id}`)
  create(@Req() req: FastifyRequest, @Body() dto: CreateProjectTemplateDto): Promise<Record<string, unknown>> {
    return this.templates.create(companyOf(req), { ...dto, scope: 'project', projectId: projectOf(req) }, actorOf(req));
  }
}
