import { Controller, Get, Param, Query, Req } from '@nestjs/common';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../common/errors';
import { companyOf } from '../common/http/request-helpers';
import { IdPipe, parseId } from '../common/validation/id.pipe';
import { AccessService } from './access.service';
import { ExplainQuery, ExplainService } from './explain.service';
import { Can, CompanyMember } from './route-access';

function explainQuery(query: Record<string, unknown>): ExplainQuery {
  const known = new Set(['user_id', 'action', 'item_id']);
  const unknown = Object.keys(query).filter((k) => !known.has(k));
  if (unknown.length) throw AppError.validation(unknown.map((field) => ({ field, message: 'is not a known parameter' })));
  const id = (name: string): number | null => {
    if (query[name] === undefined) return null;
    const value = parseId(query[name]);
    if (value === null) throw AppError.field(name, 'must be a positive integer id');
    return value;
  };
  return { userId: id('user_id'), action: typeof query.action === 'string' ? query.action : undefined, itemId: id('item_id') };
}

@ApiTags('Permissions')
@Controller('rest/v1.0')
export class PermissionsController {
  constructor(
    private readonly explainer: ExplainService,
    private readonly access: AccessService,
  ) {}

  @Get('settings/permissions')
  @Can('admin.view_project', { projectFrom: 'query' })
  @ApiQuery({ name: 'project_id', required: true })
  settings(@Req() req: FastifyRequest): Record<string, unknown> {
    return this.explainer.toolPermissions(req.access!.subject);
  }

  @Get('projects/:project_id/permissions/explain')
  @CompanyMember()
  @ApiQuery({ name: 'action', required: true, description: 'A matrix action, e.g. rfis.create_draft' })
  @ApiQuery({ name: 'user_id', required: false, description: "Default: yourself. Another user's needs Admin on the project Directory." })
  @ApiQuery({ name: 'item_id', required: false })
  async explainProject(@Req() req: FastifyRequest, @Param('project_id', IdPipe) projectId: number, @Query() query: Record<string, unknown>): Promise<Record<string, unknown>> {
    const auth = req.auth!;
    const subject = await this.access.subject(auth.userId, companyOf(req), projectId, auth.epoch);
    return this.explainer.explain(auth, subject, projectId, explainQuery(query));
  }

  @Get('companies/:company_id/permissions/explain')
  @CompanyMember()
  @ApiQuery({ name: 'action', required: true, description: 'A company action, e.g. company_directory.create_user' })
  @ApiQuery({ name: 'user_id', required: false, description: "Default: yourself. Another user's needs Admin on the company Directory." })
  explainCompany(@Req() req: FastifyRequest, @Query() query: Record<string, unknown>): Promise<Record<string, unknown>> {
    return this.explainer.explain(req.auth!, req.access!.subject, null, explainQuery(query));
  }
}
