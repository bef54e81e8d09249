import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AppError, FieldError } from '../common/errors';
import type { Actor } from '../common/http/request-helpers';
import { ListQuery, ListSpec, Page } from '../common/pagination';
import { ulid } from '../common/ulid';
import { AppConfig } from '../config/app-config';
import { isUniqueViolation } from '../database/errors';
import { lockForEdit } from '../database/versioning';
import type { Change } from '../changes/change-log.service';
import { Jobs } from '../queues/jobs.service';
import { checkDestination } from './destination';
import { CreateHookDto, CreateTriggerDto, UpdateHookDto } from './dto/webhook.dto';
import { WebhookDelivery, WebhookHook, WebhookTrigger } from './webhook.entities';
import { SandboxClock } from '../sandboxes/sandbox-clock';

export const DELIVERY_LIST: ListSpec<'status', 'id' | 'created_at'> = {
  filters: { status: { kind: 'enum', values: ['queued', 'retrying', 'delivered', 'discarded'] } },
  sorts: ['id', 'created_at'],
  defaultSort: '-id',
};

function mapHook(h: WebhookHook, triggers: WebhookTrigger[]): Record<string, unknown> {
  return {
    id: h.id,
    project_id: h.projectId,
    namespace: h.namespace,
    destination_url: h.destinationUrl,
    destination_headers: Object.fromEntries(Object.keys(h.destinationHeaders).map((k) => [k, '••••'])),
    triggers: triggers.map(mapTrigger),
    version: h.version,
    created_at: h.createdAt.toISOString(),
    updated_at: h.updatedAt.toISOString(),
  };
}

function mapTrigger(t: WebhookTrigger): Record<string, unknown> {
  return { id: t.id, resource_name: t.resourceName, event_type: t.eventType, created_at: t.createdAt.toISOString() };
}

export function mapDelivery(d: WebhookDelivery): Record<string, unknown> {
  return {
    id: Number(d.id),
    hook_id: d.hookId,
    event: d.payload,
    status: d.status,
    attempts: d.attempts,
    response_status: d.responseStatus,
    response_body: d.responseBody,
    last_error: d.lastError,
    next_attempt_at: d.nextAttemptAt?.toISOString() ?? null,
    attempt_log: d.attemptLog,
    delivered_at: d.deliveredAt?.toISOString() ?? null,
    created_at: d.createdAt.toISOString(),
    updated_at: d.updatedAt.toISOString(),
  };
}

/** Hooks, triggers and deliveries of a project (API.md "Webhooks"). */
@Injectable()
export class WebhooksService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly config: AppConfig,
    private readonly jobs: Jobs,
    private readonly clock: SandboxClock,
  ) {}

  async list(companyId: number, projectId: number): Promise<Record<string, unknown>[]> {
    const hooks = await this.db.getRepository(WebhookHook).find({ where: { companyId, projectId }, order: { id: 'ASC' } });
    const triggers = hooks.length ? await this.db.getRepository(WebhookTrigger).find({ where: hooks.map((h) => ({ hookId: h.id })), order: { id: 'ASC' } }) : [];
    return hooks.map((h) => mapHook(h, triggers.filter((t) => t.hookId === h.id)));
  }

  async get(companyId: number, projectId: number, hookId: number): Promise<Record<string, unknown>> {
    const hook = await this.hook(this.db.manager, companyId, projectId, hookId);
    const triggers = await this.db.getRepository(WebhookTrigger).find({ where: { hookId }, order: { id: 'ASC' } });
    return mapHook(hook, triggers);
  }

  async create(companyId: number, projectId: number, dto: CreateHookDto): Promise<Record<string, unknown>> {
    this.checkUrl(dto.destination_url, 'destination_url');
    const headers = this.checkHeaders(dto.destination_headers);
    const hook = await this.db.getRepository(WebhookHook).save(
      this.db.getRepository(WebhookHook).create({ companyId, projectId, namespace: dto.namespace, destinationUrl: dto.destination_url, destinationHeaders: headers }),
    );
    return mapHook(hook, []);
  }

  async update(companyId: number, projectId: number, hookId: number, dto: UpdateHookDto, expected: number | undefined): Promise<Record<string, unknown>> {
    if (dto.destination_url !== undefined) this.checkUrl(dto.destination_url, 'destination_url');
    const headers = dto.destination_headers === undefined ? undefined : this.checkHeaders(dto.destination_headers);
    await this.clock.transaction(companyId, async (m) => {
      const hook = await lockForEdit(m, WebhookHook, { id: hookId, companyId, projectId }, 'Webhook', expected);
      if (dto.namespace !== undefined) hook.namespace = dto.namespace;
      if (dto.destination_url !== undefined) hook.destinationUrl = dto.destination_url;
      if (headers !== undefined) hook.destinationHeaders = headers;
      hook.version += 1;
      await m.save(hook);
    });
    return this.get(companyId, projectId, hookId);
  }

  async remove(companyId: number, projectId: number, hookId: number): Promise<void> {
    const result = await this.db.getRepository(WebhookHook).delete({ id: hookId, companyId, projectId });
    if (!result.affected) throw AppError.notFound('Webhook');
  }

  async addTrigger(companyId: number, projectId: number, hookId: number, dto: CreateTriggerDto): Promise<Record<string, unknown>> {
    await this.hook(this.db.manager, companyId, projectId, hookId);
    try {
      const trigger = await this.db.getRepository(WebhookTrigger).save(
        this.db.getRepository(WebhookTrigger).create({ hookId, resourceName: dto.resource_name, eventType: dto.event_type }),
      );
      return mapTrigger(trigger);
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw new AppError('duplicate', 'This hook already has that trigger.', { fields: [{ field: 'resource_name', message: 'already triggers this hook' }] });
      }
      throw err;
    }
  }

  async listTriggers(companyId: number, projectId: number, hookId: number): Promise<Record<string, unknown>[]> {
    await this.hook(this.db.manager, companyId, projectId, hookId);
    return (await this.db.getRepository(WebhookTrigger).find({ where: { hookId }, order: { id: 'ASC' } })).map(mapTrigger);
  }

  async removeTrigger(companyId: number, projectId: number, hookId: number, triggerId: number): Promise<void> {
    await this.hook(this.db.manager, companyId, projectId, hookId);
    const result = await this.db.getRepository(WebhookTrigger).delete({ id: triggerId, hookId });
    if (!result.affected) throw AppError.notFound('Trigger');
  }

  async deliveries(companyId: number, projectId: number, hookId: number, q: ListQuery<'status', 'id' | 'created_at'>): Promise<Page<Record<string, unknown>>> {
    await this.hook(this.db.manager, companyId, projectId, hookId);
    const qb = this.db.getRepository(WebhookDelivery).createQueryBuilder('d').where('d.hookId = :hookId', { hookId });
    if (q.filters.status !== undefined) qb.andWhere('d.status = :status', { status: q.filters.status });
    qb.orderBy(q.sort.field === 'id' ? 'd.id' : 'd.createdAt', q.sort.direction);
    const [rows, total] = await qb.skip((q.page - 1) * q.perPage).take(q.perPage).getManyAndCount();
    return Page.of(rows.map(mapDelivery), total, q);
  }

  /**
   * The change-log listener: a delivery (and its job, through the outbox) for
   * every change and every hook with a matching trigger, in the writing
   * transaction; a write's changes of one kind are matched and queued together.
   */
  async fanOut(m: EntityManager, changes: readonly Change[]): Promise<void> {
    const groups = new Map<string, Change[]>();
    for (const c of changes) {
      const key = `${c.companyId}:${c.projectId}:${c.resource}:${c.eventType}`;
      const group = groups.get(key);
      if (group) group.push(c);
      else groups.set(key, [c]);
    }
    for (const group of groups.values()) {
      const [first] = group;
      const hooks: { id: number; project_id: number }[] = await m.query(
        `SELECT DISTINCT h.id, h.project_id FROM webhook_hooks h JOIN webhook_triggers t ON t.hook_id = h.id
          WHERE h.company_id = $1 AND ($2::int IS NULL OR h.project_id = $2) AND t.resource_name = $3 AND t.event_type = $4`,
        [first.companyId, first.projectId, first.resource, first.eventType],
      );
      for (const hook of hooks) await this.queueDeliveries(m, hook, group);
    }
  }

  /** One hook's deliveries of these changes: the rows, their payloads and their jobs, three round trips however many. */
  private async queueDeliveries(m: EntityManager, hook: { id: number; project_id: number }, changes: readonly Change[]): Promise<void> {
    const eventUlids = changes.map((c) => ulid(c.createdAt.getTime()));
    const created: { id: string; change_id: string }[] = await m.query(
      `INSERT INTO webhook_deliveries (hook_id, change_id, event_ulid, payload)
       SELECT $1, c.change_id, c.event_ulid, '{}' FROM unnest($2::bigint[], $3::text[]) AS c(change_id, event_ulid)
       ON CONFLICT (hook_id, change_id) DO NOTHING RETURNING id, change_id`,
      [hook.id, changes.map((c) => c.id), eventUlids],
    );
    if (!created.length) return;
    const at = new Map(changes.map((c, i) => [c.id, i]));
    const payloads = created.map((row) => {
      const i = at.get(Number(row.change_id))!;
      const change = changes[i];
      return {
        id: Number(row.id),
        ulid: eventUlids[i],
        timestamp: change.createdAt.toISOString(),
        company_id: change.companyId,
        project_id: change.projectId ?? hook.project_id,
        user_id: change.actorId,
        resource_name: change.resource,
        resource_id: change.resourceId,
        event_type: change.eventType,
        api_version: 'v2',
      };
    });
    await m.query(`UPDATE webhook_deliveries d SET payload = p FROM jsonb_array_elements($1::jsonb) AS p WHERE d.id = (p->>'id')::bigint`, [JSON.stringify(payloads)]);
    await this.jobs.enqueueMany(
      m,
      'webhooks.deliver',
      payloads.map((p) => ({ companyId: p.company_id, projectId: hook.project_id, deliveryId: p.id })),
    );
  }

  private async hook(m: EntityManager, companyId: number, projectId: number, hookId: number): Promise<WebhookHook> {
    const hook = await m.findOneBy(WebhookHook, { id: hookId, companyId, projectId });
    if (!hook) throw AppError.notFound('Webhook');
    return hook;
  }

  private checkUrl(url: string, field: string): void {
    const verdict = checkDestination(url, this.config.webhookAllow);
    if (!verdict.ok) throw AppError.field(field, verdict.reason);
  }

  private checkHeaders(headers: Record<string, unknown> | undefined): Record<string, string> {
    const out: Record<string, string> = {};
    const errors: FieldError[] = [];
    for (const [k, v] of Object.entries(headers ?? {})) {
      if (!/^[A-Za-z0-9-]{1,64}$/.test(k)) errors.push({ field: `destination_headers.${k}`, message: 'is not a valid header name' });
      else if (typeof v !== 'string' || v.length > 1024 || /[\r\n]/.test(v)) errors.push({ field: `destination_headers.${k}`, message: 'must be a single-line string of at most 1024 characters' });
      else out[k] = v;
    }
    if (Object.keys(headers ?? {}).length > 20) errors.push({ field: 'destination_headers', message: 'must have at most 20 headers' });
    if (errors.length) throw AppError.validation(errors);
    return out;
  }
}
