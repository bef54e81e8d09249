import { Controller, Get, Query, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AppError, FieldError } from '../common/errors';
import { Doc } from '../common/openapi/doc.decorator';
import { parseId } from '../common/validation/id.pipe';
import { Authenticated, SimControl } from '../permissions/route-access';
import { SimScopes } from '../sandboxes/sim-scopes';
import { TIMELINE_RESOURCES, TimelineResourceName } from './timeline-resources';
import { ItemTimeline, TimelineQuery } from './timeline.schemas';
import { TimelineService } from './timeline.service';

const KNOWN = ['project_id', 'resource', 'resource_id'];

function parseQuery(query: Record<string, unknown>): { projectId: number; resource: TimelineResourceName; resourceId: number } {
  const errors: FieldError[] = Object.keys(query).filter((k) => !KNOWN.includes(k)).map((field) => ({ field, message: 'is not a known parameter' }));
  const id = (name: string): number => {
    const v = query[name] === undefined ? null : parseId(query[name]);
    if (v === null) errors.push({ field: name, message: query[name] === undefined ? 'is required' : 'must be a positive integer id' });
    return v ?? 0;
  };
  const projectId = id('project_id');
  const resourceId = id('resource_id');
  const resource = typeof query.resource === 'string' ? query.resource : '';
  if (!(TIMELINE_RESOURCES as string[]).includes(resource)) errors.push({ field: 'resource', message: `must be one of ${TIMELINE_RESOURCES.join(', ')}` });
  if (errors.length) throw AppError.validation(errors);
  return { projectId, resource: resource as TimelineResourceName, resourceId };
}

const WHAT =
  'Every change behind the item (its own, its replies\' and attachments\'), the jobs they committed (with their phases and the delay drawn for each), every webhook delivery attempt of those changes, and the devices that synced it or kept a write of it offline, oldest first, with the time between entries: why an item "is not updating". An unknown query parameter answers 422.';

@ApiTags('Simulator: timeline')
@Controller('_sim')
export class TimelineController {
  constructor(
    private readonly timelines: TimelineService,
    private readonly scopes: SimScopes,
  ) {}

  @Get('timeline')
  @SimControl()
  @Doc({
    summary: "An item's timeline",
    description: `${WHAT} For the simulator's controls (the sandbox token of the project's sandbox, the operator, or open controls); changed fields come with their values.`,
    query: TimelineQuery,
    ok: { description: 'The timeline, oldest first', schema: ItemTimeline },
    errors: ['validation_failed', 'not_found'],
  })
  async forOperator(@Req() req: FastifyRequest, @Query() query: Record<string, unknown>): Promise<Record<string, unknown>> {
    const q = parseQuery(query);
    const { companyId } = await this.scopes.target(req.simScope, { projectId: q.projectId });
    return this.timelines.timeline({ companyId, ...q, values: true });
  }

  @Get('training/timeline')
  @Authenticated()
  @Doc({
    summary: "An item's timeline, for the signed-in persona",
    description: `${WHAT} For a persona of the sandbox (a platform access token): only for an item the persona may open (the item's own route answers them; its refusal is answered here as it is), and changed fields by name, without their values. Webhook deliveries (and their jobs) are shown only to a persona the project's webhooks API answers (\`admin.manage_webhooks\`); devices and offline writes only the persona's own; no job's error text.`,
    query: TimelineQuery,
    ok: { description: 'The timeline, oldest first', schema: ItemTimeline },
    errors: ['validation_failed', 'not_found', 'permission_denied', 'not_in_company', 'not_project_member', 'tool_inactive'],
  })
  forPersona(@Req() req: FastifyRequest, @Query() query: Record<string, unknown>): Promise<Record<string, unknown>> {
    return this.timelines.forPersona(String(req.headers.authorization), req.auth!.companyId, req.auth!.userId, String(req.id), parseQuery(query));
  }

}
