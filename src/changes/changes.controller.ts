import { Controller, Get, Query, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { AppError, FieldError } from '../common/errors';
import { Doc } from '../common/openapi/doc.decorator';
import { ArrayOf, Int, Str, Type } from '../common/openapi/schema';
import { parseId } from '../common/validation/id.pipe';
import { SimControl } from '../permissions/route-access';
import { SimScopes } from '../sandboxes/sim-scopes';
import { RESOURCE_NAMES } from './change-log.service';
import { ChangeLogEntry } from './changes.schemas';

const KNOWN = ['project_id', 'sandbox_id', 'resource', 'resource_id', 'after_id', 'limit'];
const ID_QUERY = Int({ minimum: 1, maximum: 2_147_483_647 });

/** The change log, newest last: what was written, by whom, as which version (webhooks and devices are fed from it). */
@ApiTags('Simulator: change log')
@Controller('_sim/changes')
@SimControl()
export class ChangesController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly scopes: SimScopes,
  ) {}

  @Get()
  @Doc({
    summary: 'List the change log',
    description:
      "Every write of the sandbox, oldest first: the resource, its id, its version after the write and a snapshot of the row, who made it and in which request. Webhook deliveries and device syncs are fed from this log. The sandbox is the sandbox token's, or named by `sandbox_id` or `project_id` (which must agree; one of them is needed without a sandbox token). Page through it with `after_id` (the last id seen) and `limit`. An unknown query parameter answers 422.",
    query: {
      project_id: { schema: ID_QUERY, description: 'Only the changes of this project (a project of the sandbox)' },
      sandbox_id: { schema: ID_QUERY, description: 'The sandbox (implied by a sandbox token or `project_id`)' },
      resource: { schema: Str({ maxLength: 64, example: 'Project Users' }), description: `Only changes of this resource (${RESOURCE_NAMES.map((r) => `\`${r}\``).join(', ')}); another name matches nothing` },
      resource_id: { schema: ID_QUERY, description: 'Only changes of the item with this id (ids repeat across resources: give `resource` too)' },
      after_id: { schema: ID_QUERY, description: 'Only changes after this change id (poll with the last id you saw)' },
      limit: { schema: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }), description: 'At most this many changes' },
    },
    ok: { description: 'The changes, oldest first', schema: ArrayOf(ChangeLogEntry) },
    errors: ['validation_failed', 'not_found'],
  })
  async list(@Req() req: FastifyRequest, @Query() query: Record<string, unknown>): Promise<Record<string, unknown>[]> {
    const errors: FieldError[] = Object.keys(query).filter((k) => !KNOWN.includes(k)).map((field) => ({ field, message: 'is not a known parameter' }));
    const id = (name: string): number | null => {
      if (query[name] === undefined) return null;
      const v = parseId(query[name]);
      if (v === null) errors.push({ field: name, message: 'must be a positive integer' });
      return v;
    };
    const projectId = id('project_id');
    const sandboxId = id('sandbox_id');
    const resourceId = id('resource_id');
    const afterId = id('after_id') ?? 0;
    const limit = id('limit') ?? 100;
    if (limit > 1000) errors.push({ field: 'limit', message: 'must be at most 1000' });
    const resource = typeof query.resource === 'string' ? query.resource.slice(0, 64) : null;
    if (errors.length) throw AppError.validation(errors);
    const { companyId } = await this.scopes.target(req.simScope, { sandboxId, projectId });
    const rows: Record<string, unknown>[] = await this.db.query(
      `SELECT id, project_id, resource, resource_id, event_type, version, snapshot, actor_id, request_id, created_at FROM change_log
        WHERE company_id = $1 AND ($2::int IS NULL OR project_id = $2) AND ($3::text IS NULL OR resource = $3)
          AND ($4::int IS NULL OR resource_id = $4) AND id > $5
        ORDER BY id LIMIT $6`,
      [companyId, projectId, resource, resourceId, afterId, limit],
    );
    return rows.map((r) => ({ ...r, id: Number(r.id), created_at: (r.created_at as Date).toISOString() }));
  }
}
