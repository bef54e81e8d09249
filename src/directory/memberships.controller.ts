import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { actorOf, companyOf, projectOf, versionOf } from '../common/http/request-helpers';
import { Page, parseListQuery } from '../common/pagination';
import { IdPipe } from '../common/validation/id.pipe';
import { Can } from '../permissions/route-access';
import { AddMemberDto, ChangeMemberTemplateDto } from './dto/membership.dto';
import { VersionOnlyDto } from './dto/user.dto';
import { MEMBER_LIST, MembershipsService } from './memberships.service';

@ApiTags('Project Directory')
@Controller('rest/v1.0/projects/:project_id/users')
export class MembershipsController {
  constructor(private readonly members: MembershipsService) {}

  @Get()
  @Can('directory.view')
  list(@Req() req: FastifyRequest, @Query() query: Record<string, unknown>): Promise<Page<Record<string, unknown>>> {
    return this.members.list(companyOf(req), projectOf(req), parseListQuery(query, MEMBER_LIST));
  }

  @Get(':user_id')
  @Can('directory.view')
  get(@Req() req: FastifyRequest, @Param('user_id', IdPipe) userId: number): Promise<Record<string, unknown>> {
    return this.members.get(companyOf(req), projectOf(req), userId);
  }

  @Post()
  @Can('directory.add_user')
  add(@Req() req: FastifyRequest, @Body() dto: AddMemberDto): Promise<Record<string, unknown>> {
    return this.members.add(companyOf(req), projectOf(req), dto.user_id, dto.permission_template_id, actorOf(req));
  }

  @Patch(':user_id')
  @Can('directory.change_template')
  change(@Req() req: FastifyRequest, @Param('user_id', IdPipe) userId: number, @Body() dto: ChangeMemberTemplateDto): Promise<Record<string, unknown>> {
    return this.members.changeTemplate(companyOf(req), projectOf(req), userId, dto.permission_template_id, versionOf(req, dto), actorOf(req));
  }

  @Delete(':user_id')
  @HttpCode(204)
  @Can('directory.remove_user')
  async remove(@Req() req: FastifyRequest, @Param('user_id', IdPipe) userId: number, @Body() dto: VersionOnlyDto): Promise<void> {
    await this.members.remove(companyOf(req), projectOf(req), userId, versionOf(req, dto), actorOf(req));
  }
}
