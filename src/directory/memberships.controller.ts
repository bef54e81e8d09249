import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiBody, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { actorOf, companyOf, projectOf, versionOf } from '../common/http/request-helpers';
import { Page, parseListQuery } from '../common/pagination';
import { IdPipe } from '../common/validation/id.pipe';
import { Doc } from '../common/openapi/doc.decorator';
import { Can } from '../permissions/route-access';
import { ProjectUser } from './directory.schemas';
import { AddMemberDto, ChangeMemberTemplateDto } from './dto/membership.dto';
import { VersionOnlyDto } from './dto/user.dto';
import { MEMBER_LIST, MembershipsService } from './memberships.service';

@ApiTags('Project Directory')
@Controller('rest/v1.0/projects/:project_id/users')
export class MembershipsController {
  constructor(private readonly members: MembershipsService) {}

  @Get()
  @Can('directory.view')
  @Doc({
    summary: "List the project's users",
    description: 'Active members of the project directory, each with their project template; `filters[query]` matches name or email.',
    list: MEMBER_LIST,
    ok: { description: 'A page of project users', schema: ProjectUser },
    errors: ['validation_failed'],
  })
  list(@Req() req: FastifyRequest, @Query() query: Record<string, unknown>): Promise<Page<Record<string, unknown>>> {
    return this.members.list(companyOf(req), projectOf(req), parseListQuery(query, MEMBER_LIST));
  }

  @Get(':user_id')
  @Can('directory.view')
  @Doc({ summary: 'Get a user of the project', description: 'By the user id; a user who is not an active member answers 404.', ok: { description: 'The project user', schema: ProjectUser } })
  get(@Req() req: FastifyRequest, @Param('user_id', IdPipe) userId: number): Promise<Record<string, unknown>> {
    return this.members.get(companyOf(req), projectOf(req), userId);
  }

  @Post()
  @Can('directory.add_user')
  @Doc({
    summary: 'Add a user from the company directory to the project',
    description: 'With a project template available on the project. A removed member is added back; a current member answers 409 `duplicate`. Access applies from the user\'s next request.',
    ok: { description: 'The project user', schema: ProjectUser },
    errors: ['duplicate'],
  })
  add(@Req() req: FastifyRequest, @Body() dto: AddMemberDto): Promise<Record<string, unknown>> {
    return this.members.add(companyOf(req), projectOf(req), dto.user_id, dto.permission_template_id, actorOf(req));
  }

  @Patch(':user_id')
  @Can('directory.change_template')
  @Doc({
    summary: "Change a project user's permission template",
    description: 'Applies from the user\'s next request.',
    ok: { description: 'The project user with the new template', schema: ProjectUser },
    errors: ['edit_conflict'],
  })
  change(@Req() req: FastifyRequest, @Param('user_id', IdPipe) userId: number, @Body() dto: ChangeMemberTemplateDto): Promise<Record<string, unknown>> {
    return this.members.changeTemplate(companyOf(req), projectOf(req), userId, dto.permission_template_id, versionOf(req, dto), actorOf(req));
  }

  @Delete(':user_id')
  @HttpCode(204)
  @Can('directory.remove_user')
  @ApiBody({ type: VersionOnlyDto, required: false })
  @Doc({
    summary: 'Remove a user from the project',
    description: 'The user loses access to the project from their next request; the membership is kept as history, and adding the user again restores it.',
    ok: { description: 'Removed' },
    errors: ['edit_conflict'],
  })
  async remove(@Req() req: FastifyRequest, @Param('user_id', IdPipe) userId: number, @Body() dto: VersionOnlyDto): Promise<void> {
    await this.members.remove(companyOf(req), projectOf(req), userId, versionOf(req, dto), actorOf(req));
  }
}
