import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiBody, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { actorOf, companyOf, versionOf } from '../common/http/request-helpers';
import { Page, parseListQuery } from '../common/pagination';
import { IdPipe } from '../common/validation/id.pipe';
import { Doc } from '../common/openapi/doc.decorator';
import { Can } from '../permissions/route-access';
import { CompanyUser } from './directory.schemas';
import { CreateUserDto, SetPrivilegesDto, UpdateUserDto, VersionOnlyDto } from './dto/user.dto';
import { USER_LIST, UsersService } from './users.service';

@ApiTags('Company Directory')
@Controller('rest/v1.0/companies/:company_id/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @Can('company_directory.view')
  @Doc({
    summary: 'List the users of the company directory',
    description: 'People of the company directory, active and deactivated (`filters[active]`); `filters[query]` matches name or email, `filters[ids]` takes a list of ids.',
    list: USER_LIST,
    ok: { description: 'A page of users', schema: CompanyUser },
    errors: ['validation_failed'],
  })
  list(@Req() req: FastifyRequest, @Query() query: Record<string, unknown>): Promise<Page<Record<string, unknown>>> {
    return this.users.list(companyOf(req), parseListQuery(query, USER_LIST));
  }

  @Get(':user_id')
  @Can('company_directory.view_user_detail')
  @Doc({ summary: 'Get a user of the company directory', ok: { description: 'The user', schema: CompanyUser } })
  get(@Req() req: FastifyRequest, @Param('user_id', IdPipe) userId: number): Promise<Record<string, unknown>> {
    return this.users.get(companyOf(req), userId);
  }

  @Post()
  @Can('company_directory.create_user')
  @Doc({
    summary: 'Create a user in the company directory',
    description: 'A `vendor_id` must be a company of this directory and a `permission_template_id` a company template; without a `password` the user cannot sign in with one.',
    ok: { description: 'The created user', schema: CompanyUser },
    errors: ['duplicate'],
  })
  create(@Req() req: FastifyRequest, @Body() dto: CreateUserDto): Promise<Record<string, unknown>> {
    return this.users.create(companyOf(req), dto, actorOf(req));
  }

  @Patch(':user_id')
  @Can('company_directory.edit_user')
  @Doc({
    summary: 'Edit a user of the company directory',
    description: 'Changes only the fields sent; `null` clears `job_title`, `vendor_id` or `permission_template_id`. A new company template applies on the user\'s next request.',
    ok: { description: 'The user as edited', schema: CompanyUser },
    errors: ['edit_conflict', 'duplicate'],
  })
  update(@Req() req: FastifyRequest, @Param('user_id', IdPipe) userId: number, @Body() dto: UpdateUserDto): Promise<Record<string, unknown>> {
    return this.users.update(companyOf(req), userId, dto, versionOf(req, dto), actorOf(req));
  }

  @Post(':user_id/actions/deactivate')
  @HttpCode(200)
  @Can('company_directory.deactivate_user')
  @ApiBody({ type: VersionOnlyDto, required: false })
  @Doc({
    summary: 'Deactivate a user',
    description: 'The user can no longer sign in, and their tokens answer 401 `account_inactive` from their next request. You cannot deactivate yourself (422); an inactive user answers 422 `invalid_transition`.',
    ok: { status: 200, description: 'The deactivated user', schema: CompanyUser },
    errors: ['edit_conflict', 'invalid_transition'],
  })
  deactivate(@Req() req: FastifyRequest, @Param('user_id', IdPipe) userId: number, @Body() dto: VersionOnlyDto): Promise<Record<string, unknown>> {
    return this.users.setActive(companyOf(req), userId, false, versionOf(req, dto), actorOf(req));
  }

  @Post(':user_id/actions/reactivate')
  @HttpCode(200)
  @Can('company_directory.reactivate_user')
  @ApiBody({ type: VersionOnlyDto, required: false })
  @Doc({
    summary: 'Reactivate a user',
    description: 'The user may sign in again from their next request; an active user answers 422 `invalid_transition`.',
    ok: { status: 200, description: 'The reactivated user', schema: CompanyUser },
    errors: ['edit_conflict', 'invalid_transition'],
  })
  reactivate(@Req() req: FastifyRequest, @Param('user_id', IdPipe) userId: number, @Body() dto: VersionOnlyDto): Promise<Record<string, unknown>> {
    return this.users.setActive(companyOf(req), userId, true, versionOf(req, dto), actorOf(req));
  }

  @Post(':user_id/actions/unlock')
  @HttpCode(200)
  @Can('company_directory.unlock_user')
  @ApiBody({ type: VersionOnlyDto, required: false })
  @Doc({
    summary: 'Unlock a user locked out by failed sign-ins',
    description: 'Clears the lock and the failed sign-ins counted towards it; unlocking a user who is not locked changes nothing but the version.',
    ok: { status: 200, description: 'The unlocked user', schema: CompanyUser },
    errors: ['edit_conflict'],
  })
  unlock(@Req() req: FastifyRequest, @Param('user_id', IdPipe) userId: number, @Body() dto: VersionOnlyDto): Promise<Record<string, unknown>> {
    return this.users.unlock(companyOf(req), userId, versionOf(req, dto), actorOf(req));
  }

  @Patch(':user_id/privileges')
  @Can('company_directory.set_privileges')
  @Doc({
    summary: "Set a user's company privileges",
    description: 'The accounting approver privilege (who may approve change orders and similar); applies on the user\'s next request.',
    ok: { description: 'The user with the privilege set', schema: CompanyUser },
    errors: ['edit_conflict'],
  })
  privileges(@Req() req: FastifyRequest, @Param('user_id', IdPipe) userId: number, @Body() dto: SetPrivilegesDto): Promise<Record<string, unknown>> {
    return this.users.setPrivileges(companyOf(req), userId, dto.accounting_approver, versionOf(req, dto), actorOf(req));
  }
}
