import { Controller, Get, Query, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { companyOf } from '../common/http/request-helpers';
import { Page, parseListQuery } from '../common/pagination';
import { Doc } from '../common/openapi/doc.decorator';
import { Can } from '../permissions/route-access';
import { AuditEvent as AuditEventSchema } from './audit.schemas';
import { AuditEvent } from './audit-event.entity';

const AUDIT_LIST = {
  filters: { kind: { kind: 'string' as const }, user_id: { kind: 'int' as const }, project_id: { kind: 'int' as const }, action: { kind: 'string' as const } },
  sorts: ['created_at', 'id'] as const,
  defaultSort: '-id' as const,
};

@ApiTags('Company Admin')
@Controller('rest/v1.0/companies/:company_id/audit_events')
export class AuditController {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Denials, directory changes and sign-in locks, newest first. */
  @Get()
  @Can('company_admin.view_audit_log')
  @Doc({
    summary: "List the company's audit events",
    description: 'Permission denials, directory and template changes, app changes and sign-in locks, newest first (`sort=-id`); filter by `kind`, `action`, `user_id` (who acted) or `project_id`.',
    list: AUDIT_LIST,
    ok: { description: 'A page of audit events', schema: AuditEventSchema },
    errors: ['validation_failed'],
  })
  async list(@Req() req: FastifyRequest, @Query() query: Record<string, unknown>): Promise<Page<Record<string, unknown>>> {
    const q = parseListQuery(query, AUDIT_LIST);
    const qb = this.db.getRepository(AuditEvent).createQueryBuilder('e').where('e.companyId = :cid', { cid: companyOf(req) });
    if (q.filters.kind !== undefined) qb.andWhere('e.kind = :kind', { kind: q.filters.kind });
    if (q.filters.action !== undefined) qb.andWhere('e.action = :action', { action: q.filters.action });
    if (q.filters.user_id !== undefined) qb.andWhere('e.userId = :uid', { uid: q.filters.user_id });
    if (q.filters.project_id !== undefined) qb.andWhere('e.projectId = :pid', { pid: q.filters.project_id });
    qb.orderBy(q.sort.field === 'id' ? 'e.id' : 'e.createdAt', q.sort.direction).addOrderBy('e.id', q.sort.direction);
    const [rows, total] = await qb.skip((q.page - 1) * q.perPage).take(q.perPage).getManyAndCount();
    return Page.of(
      rows.map((e) => ({
        id: Number(e.id),
        kind: e.kind,
        action: e.action,
        user_id: e.userId,
        project_id: e.projectId,
        detail: e.detail,
        request_id: e.requestId,
        created_at: e.createdAt.toISOString(),
      })),
      total,
      q,
    );
  }
}
