import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { actorOf, companyOf, versionOf } from '../common/http/request-helpers';
import { Page, parseListQuery } from '../common/pagination';
import { IdPipe } from '../common/validation/id.pipe';
import { Can } from '../permissions/route-access';
import { CreateUserDto, SetPrivilegesDto, UpdateUserDto, VersionOnlyDto } from './dto/user.dto';
import { USER_LIST, UsersService } from './users.service';

@ApiTags('Company Directory')
@Controller('rest/v1.0/companies/:company_id/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @Can('company_directory.view')
  list(@Req() req: FastifyRequest, @Query() query: Record<string, unknown>): Promise<Page<Record<string, unknown>>> {
    return this.users.list(companyOf(req), parseListQuery(query, USER_LIST));
  }

  @Get(':user_id')
  @Can('company_directory.view_user_detail')
  get(@Req() req: FastifyRequest, @Param('user_id', IdPipe) userId: number): Promise<Record<string, unknown>> {
    return this.users.get(companyOf(req), userId);
  }

  @Post()
  @Can('company_directory.create_user')
  create(@Req() req: FastifyRequest, @Body() dto: CreateUserDto): Promise<Record<string, unknown>> {
    return this.users.create(companyOf(req), dto, actorOf(req));
  }

  @Patch(':user_id')
  @Can('company_directory.edit_user')
  update(@Req() req: FastifyRequest, @Param('user_id', IdPipe) userId: number, @Body() dto: UpdateUserDto): Promise<Record<string, unknown>> {
    return this.users.update(companyOf(req), userId, dto, versionOf(req, dto), actorOf(req));
  }

  @Post(':user_id/actions/deactivate')
  @HttpCode(200)
  @Can('company_directory.deactivate_user')
  deactivate(@Req() req: FastifyRequest, @Param('user_id', IdPipe) userId: number, @Body() dto: VersionOnlyDto): Promise<Record<string, unknown>> {
    return this.users.setActive(companyOf(req), userId, false, versionOf(req, dto), actorOf(req));
  }

  @Post(':user_id/actions/reactivate')
  @HttpCode(200)
  @Can('company_directory.reactivate_user')
  reactivate(@Req() req: FastifyRequest, @Param('user_id', IdPipe) userId: number, @Body() dto: VersionOnlyDto): Promise<Record<string, unknown>> {
    return this.users.setActive(companyOf(req), userId, true, versionOf(req, dto), actorOf(req));
  }

  @Post(':user_id/actions/unlock')
  @HttpCode(200)
  @Can('company_directory.unlock_user')
  unlock(@Req() req: FastifyRequest, @Param('user_id', IdPipe) userId: number, @Body() dto: VersionOnlyDto): Promise<Record<string, unknown>> {
    return this.users.unlock(companyOf(req), userId, versionOf(req, dto), actorOf(req));
  }

  @Patch(':user_id/privileges')
  @Can('company_directory.set_privileges')
  privileges(@Req() req: FastifyRequest, @Param('user_id', IdPipe) userId: number, @Body() dto: SetPrivilegesDto): Promise<Record<string, unknown>> {
    return this.users.setPrivileges(companyOf(req), userId, dto.accounting_approver, versionOf(req, dto), actorOf(req));
  }
}
