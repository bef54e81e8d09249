import { Controller, Get, Param, Query, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../common/errors';
import { companyOf } from '../common/http/request-helpers';
import { IdPipe, parseId } from '../common/validation/id.pipe';
import { AccessService } from './access.service';
import { ExplainQuery, ExplainService } from './explain.service';
import { Doc, type DocQueryParam } from '../common/openapi/doc.decorator';
import { Enum, Id } from '../common/openapi/schema';
import { ACTIONS, ruleOf } from './matrix/action-matrix';
import { PermissionExplanation, ProjectToolPermissions } from './permissions.schemas';
import { isCompanyTool } from './resolver';
import { Can, CompanyMember } from './route-access';

const COMPANY_ACTIONS = ACTIONS.filter((a) => isCompanyTool(ruleOf(a).tool));
const ITEM_ID: DocQueryParam = {
  schema: Id,
  description: "An item of the action's tool: settles item roles and item state (layers 8-9) for that item",
};

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
  @Doc({
    summary: "The caller's tools on a project, and what each lets them do",
    description: 'For each project tool: whether it is active, the level the caller holds, the actions it permits, the actions it permits only on items where the caller holds a role, and the granular permissions held.',
    query: { project_id: { schema: Id, required: true, description: 'The project' } },
    ok: { description: "The caller's access per tool", schema: ProjectToolPermissions },
    errors: ['validation_failed'],
  })
  settings(@Req() req: FastifyRequest): Record<string, unknown> {
    return this.explainer.toolPermissions(req.access!.subject);
  }

  @Get('projects/:project_id/permissions/explain')
  @CompanyMember()
  @Doc({
    summary: "Explain a user's access to an action on a project",
    description:
      "The decision for one user and action, with every layer's verdict (`layers`), where it was refused (`denied_at`), and what an administrator could change to allow it (`how_to_allow`). Any user of the company may explain their own access, member of the project or not; explaining another user's needs Admin on the project Directory (or the company Directory). Another parameter than these answers 422.",
    query: {
      action: { schema: Enum(ACTIONS), required: true, description: 'A matrix action, e.g. `rfis.create_draft`' },
      user_id: { schema: Id, description: "The user to explain (default: yourself); another user's needs Admin on the project Directory" },
      item_id: ITEM_ID,
    },
    ok: { description: 'The explanation', schema: PermissionExplanation },
    errors: ['validation_failed', 'permission_denied'],
  })
  async explainProject(@Req() req: FastifyRequest, @Param('project_id', IdPipe) projectId: number, @Query() query: Record<string, unknown>): Promise<Record<string, unknown>> {
    const auth = req.auth!;
    const subject = await this.access.subject(auth.userId, companyOf(req), projectId, auth.epoch);
    return this.explainer.explain(auth, subject, projectId, explainQuery(query));
  }

  @Get('companies/:company_id/permissions/explain')
  @CompanyMember()
  @Doc({
    summary: "Explain a user's access to a company action",
    description:
      "As the project form, for the actions of the company tools (a project action answers 422: explain it on its project). Explaining another user's access needs Admin on the company Directory. Another parameter than these answers 422.",
    query: {
      action: { schema: Enum(COMPANY_ACTIONS), required: true, description: 'A company action, e.g. `company_directory.create_user`' },
      user_id: { schema: Id, description: "The user to explain (default: yourself); another user's needs Admin on the company Directory" },
      item_id: ITEM_ID,
    },
    ok: { description: 'The explanation', schema: PermissionExplanation },
    errors: ['validation_failed', 'permission_denied'],
  })
  explainCompany(@Req() req: FastifyRequest, @Query() query: Record<string, unknown>): Promise<Record<string, unknown>> {
    return this.explainer.explain(req.auth!, req.access!.subject, null, explainQuery(query));
  }
}
