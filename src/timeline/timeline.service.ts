import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyInstance } from 'fastify';
import type { Job } from 'bullmq';
import { DataSource } from 'typeorm';
import { AppError } from '../common/errors';
import { isErrorCode } from '../common/errors/error-codes';
import type { JobMeta } from '../queues/outbox-relay';
import { QueueName } from '../queues/queue-names';
import { QueueRegistry } from '../queues/queue-registry';
import { SandboxClock } from '../sandboxes/sandbox-clock';
import { RESOURCES, TimelineResourceName } from './timeline-resources';

type Status = 'done' | 'waiting' | 'running' | 'failed' | 'retrying';

interface Entry {
  at: Date;
  kind: 'change' | 'job' | 'webhook' | 'device';
  title: string;
  status: Status;
  details: Record<string, unknown>;
}

interface ChangeRow {
  id: string;
  resource: string;
  resource_id: number;
  event_type: string;
  version: number;
  snapshot: Record<string, unknown>;
  actor_id: number | null;
  actor_name: string | null;
  request_id: string | null;
  created_at: Date;
}

export interface TimelineAsk {
  companyId: number;
  projectId: number;
  resource: TimelineResourceName;
  resourceId: number;
  /** Values of changed fields (the operator's view); a persona sees which fields changed, not their values. */
  values: boolean;
  /**
   * Who looks, when it is a persona and not the operator: they see only their own
   * devices and offline writes, no job's error text, and webhook deliveries only
   * when they may manage the project's webhooks (as the webhooks API lets them).
   */
  viewer?: { userId: number; webhooks: boolean };
}

const SKIP_FIELDS = new Set(['version', 'updatedAt', 'updated_at', 'createdAt', 'created_at']);

/**
 * An item's timeline: every change behind it (its own, its replies' and
 * attachments'), the jobs those changes committed, the webhook deliveries of
 * each change with every attempt, and the devices that synced it or wrote it
 * offline, in order, with the time between them. Built from the change log,
 * the outbox, the queues, deliveries and devices as they are.
 */
@Injectable()
export class TimelineService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly queues: QueueRegistry,
    private readonly clock: SandboxClock,
    private readonly adapter: HttpAdapterHost,
  ) {}

  /**
   * A persona's timeline: only of an item its own route answers them (asked
   * in-process with their own token), whose refusal is answered as it is; the
   * changed fields by name only.
   */
  async forPersona(authorization: string, companyId: number, userId: number, requestId: string, q: Omit<TimelineAsk, 'companyId' | 'values' | 'viewer'>): Promise<Record<string, unknown>> {
    const ask = (url: string, suffix: string) =>
      (this.adapter.httpAdapter.getInstance() as FastifyInstance).inject({
        method: 'GET',
        url,
        headers: { authorization, 'procore-company-id': String(companyId), 'x-request-id': `${requestId}.${suffix}` },
      });
    const res = await ask(`/rest/v1.0/projects/${q.projectId}/${RESOURCES[q.resource].path}/${q.resourceId}`, 'item');
    if (res.statusCode !== 200) {
      const e = (JSON.parse(res.body || '{}') as { error?: { code?: string; message?: string; details?: Record<string, unknown> } }).error;
      const code = e?.code && isErrorCode(e.code) ? e.code : 'not_found';
      throw new AppError(code, e?.message ?? `${q.resource} #${q.resourceId} was not found.`, e?.details ?? {});
    }
    // Webhook deliveries are the webhooks API's to show: only to whom it answers.
    const hooks = await ask(`/rest/v1.0/projects/${q.projectId}/webhooks/hooks`, 'hooks');
    return this.timeline({ ...q, companyId, values: false, viewer: { userId, webhooks: hooks.statusCode === 200 } });
  }

  async timeline(ask: TimelineAsk): Promise<Record<string, unknown>> {
    const def = RESOURCES[ask.resource];
    const [project] = await this.db.query('SELECT id FROM projects WHERE id = $1 AND company_id = $2', [ask.projectId, ask.companyId]);
    if (!project) throw AppError.notFound('Project');
    const [item]: { created_at: Date }[] = await this.db.query(`SELECT created_at FROM ${def.table} WHERE id = $1 AND project_id = $2`, [ask.resourceId, ask.projectId]);
    const now = await this.clock.now(ask.companyId);
    const changes = await this.changes(ask, def.children, def.attachment);
    const own = changes.filter((c) => c.resource === ask.resource && c.resource_id === ask.resourceId);
    if (!item && !own.length) throw AppError.notFound(`${ask.resource} #${ask.resourceId}`);
    const entries: Entry[] = [...this.changeEntries(changes, ask.values)];
    if (item && !own.some((c) => c.event_type === 'create')) {
      // Seeded with its sandbox: the item was there before the change log began for it.
      entries.push({ at: item.created_at, kind: 'change', title: `${ask.resource} #${ask.resourceId} created with the sandbox (before its changes were logged)`, status: 'done', details: { resource: ask.resource, resource_id: ask.resourceId, event_type: 'seeded' } });
    }
    const deliveries = await this.deliveries(changes.map((c) => c.id));
    const webhooks = !ask.viewer || ask.viewer.webhooks;
    if (webhooks) entries.push(...deliveries.entries);
    entries.push(...(await this.jobs(ask, changes, webhooks ? deliveries.ids : [], def.budget)));
    entries.push(...(await this.devices(ask, changes, def.path, now)));
    entries.sort((a, b) => a.at.getTime() - b.at.getTime());
    const first = entries[0]?.at.getTime() ?? now.getTime();
    return {
      resource: ask.resource,
      resource_id: ask.resourceId,
      project_id: ask.projectId,
      now: now.toISOString(),
      entries: entries.map((e, i) => ({
        at: e.at.toISOString(),
        kind: e.kind,
        title: e.title,
        status: e.status,
        since_previous_ms: i === 0 ? null : Math.max(0, e.at.getTime() - entries[i - 1].at.getTime()),
        since_first_ms: Math.max(0, e.at.getTime() - first),
        details: e.details,
      })),
      waiting: entries.filter((e) => e.status !== 'done' && e.status !== 'failed').length,
      first_change_id: changes[0] ? Number(changes[0].id) : null,
    };
  }

  /** The item's changes, its children's (replies) and its attachments' (uploads), oldest first. */
  private async changes(ask: TimelineAsk, children: readonly { resource: string; key: string }[], attachment: string | null): Promise<ChangeRow[]> {
    return this.db.query(
      `SELECT c.id, c.resource, c.resource_id, c.event_type, c.version, c.snapshot, c.actor_id, u.name AS actor_name, c.request_id, c.created_at
         FROM change_log c LEFT JOIN users u ON u.id = c.actor_id
        WHERE c.company_id = $1 AND c.project_id = $2
          AND ((c.resource = $3 AND c.resource_id = $4)
            OR (c.resource = ANY($5::text[]) AND (c.snapshot ->> ($6::text[])[array_position($5::text[], c.resource)]) = $4::text)
            OR ($7::text IS NOT NULL AND c.resource = 'Uploads' AND c.snapshot ->> 'attachedToType' = $7 AND c.snapshot ->> 'attachedToId' = $4::text))
        ORDER BY c.id LIMIT 1000`,
      [ask.companyId, ask.projectId, ask.resource, ask.resourceId, children.map((c) => c.resource), children.map((c) => c.key), attachment],
    );
  }

  private *changeEntries(changes: ChangeRow[], values: boolean): Generator<Entry> {
    const previous = new Map<string, Record<string, unknown>>();
    for (const c of changes) {
      const key = `${c.resource}#${c.resource_id}`;
      const before = previous.get(key);
      // A create changes nothing yet; an update whose earlier state the log does not hold (a seeded item) cannot say what changed.
      const changed = before
        ? Object.keys({ ...before, ...c.snapshot })
            .filter((f) => !SKIP_FIELDS.has(f) && JSON.stringify(before[f]) !== JSON.stringify(c.snapshot[f]))
            .map((f) => (values ? { field: f, from: before[f] ?? null, to: c.snapshot[f] ?? null } : { field: f }))
        : c.event_type === 'create'
          ? []
          : null;
      previous.set(key, c.snapshot);
      yield {
        at: c.created_at,
        kind: 'change',
        title: `${c.resource} #${c.resource_id} ${c.event_type} → version ${c.version}${c.actor_name ? `, by ${c.actor_name}` : ', by the system'}`,
        status: 'done',
        details: {
          change_id: Number(c.id),
          resource: c.resource,
          resource_id: c.resource_id,
          event_type: c.event_type,
          version: c.version,
          actor: c.actor_id ? { id: c.actor_id, name: c.actor_name } : null,
          request_id: c.request_id,
          changed,
        },
      };
    }
  }

  /** Each change's webhook deliveries: queued, every attempt with its answer, delivered or discarded. */
  private async deliveries(changeIds: string[]): Promise<{ entries: Entry[]; ids: number[] }> {
    if (!changeIds.length) return { entries: [], ids: [] };
    const rows: { id: string; change_id: string; hook_id: number; destination_url: string; status: string; attempts: number; attempt_log: { attempt: number; at: string; response_status: number | null; error: string | null }[]; next_attempt_at: Date | null; delivered_at: Date | null; created_at: Date }[] =
      await this.db.query(
        `SELECT d.id, d.change_id, d.hook_id, h.destination_url, d.status, d.attempts, d.attempt_log, d.next_attempt_at, d.delivered_at, d.created_at
           FROM webhook_deliveries d JOIN webhook_hooks h ON h.id = d.hook_id
          WHERE d.change_id = ANY($1::bigint[]) ORDER BY d.id`,
        [changeIds],
      );
    const entries: Entry[] = [];
    for (const d of rows) {
      const base = { delivery_id: Number(d.id), change_id: Number(d.change_id), hook_id: d.hook_id, destination_url: d.destination_url };
      entries.push({ at: d.created_at, kind: 'webhook', title: `Webhook delivery #${d.id} queued for hook #${d.hook_id}`, status: 'done', details: { ...base, step: 'queued' } });
      for (const a of d.attempt_log ?? []) {
        const ok = a.response_status !== null && a.response_status >= 200 && a.response_status < 300;
        entries.push({
          at: new Date(a.at),
          kind: 'webhook',
          title: `Webhook delivery #${d.id}, attempt ${a.attempt}: ${a.response_status ?? 'no answer'}${a.error ? ` (${a.error})` : ''}`,
          status: ok ? 'done' : 'failed',
          details: { ...base, step: 'attempt', attempt: a.attempt, response_status: a.response_status, error: a.error },
        });
      }
      if (d.status === 'retrying' || d.status === 'queued') {
        entries.push({
          at: d.next_attempt_at ?? d.created_at,
          kind: 'webhook',
          title: `Webhook delivery #${d.id}: next attempt ${d.status === 'queued' ? 'pending' : `at ${d.next_attempt_at?.toISOString() ?? '?'}`}`,
          status: d.status === 'queued' ? 'waiting' : 'retrying',
          details: { ...base, step: 'next_attempt', attempts: d.attempts, status: d.status },
        });
      } else if (d.status === 'discarded') {
        entries.push({ at: d.next_attempt_at ?? d.created_at, kind: 'webhook', title: `Webhook delivery #${d.id} discarded after ${d.attempts} attempts`, status: 'failed', details: { ...base, step: 'discarded', attempts: d.attempts } });
      }
    }
    return { entries, ids: rows.map((r) => Number(r.id)) };
  }

  /**
   * The jobs the item's changes committed (outbox): its webhook deliveries, its
   * attachments' processing, its way to the budget; each with its phases
   * (committed, queued, started, finished) and the delay drawn for it.
   */
  private async jobs(ask: TimelineAsk, changes: ChangeRow[], deliveryIds: number[], budget: boolean): Promise<Entry[]> {
    const uploadIds = [...new Set(changes.filter((c) => c.resource === 'Uploads').map((c) => c.resource_id))];
    const since = changes[0]?.created_at ?? new Date(0);
    const rows: { id: string; queue: QueueName; name: string; payload: Record<string, unknown>; created_at: Date; relayed_at: Date | null; job_id: string | null }[] = await this.db.query(
      `SELECT id, queue, name, payload, created_at, relayed_at, job_id FROM outbox
        WHERE company_id = $1 AND project_id = $2 AND created_at >= $3
          AND ((name = 'webhooks.deliver' AND (payload ->> 'deliveryId')::bigint = ANY($4::bigint[]))
            OR (name = 'uploads.process-attachment' AND (payload ->> 'uploadId')::int = ANY($5::int[]))
            OR (name = 'sync.contracts-to-budget' AND payload ->> 'resource' = $6 AND (payload ->> 'resourceId')::int = $7)
            OR ($8 AND name = 'budget.recalculate'))
        ORDER BY id LIMIT 500`,
      [ask.companyId, ask.projectId, since, deliveryIds, uploadIds, ask.resource, ask.resourceId, budget],
    );
    const entries: Entry[] = [];
    for (const o of rows) {
      const job = o.job_id ? await this.queues.get(o.queue).getJob(o.job_id).catch(() => undefined) : undefined;
      const state = job ? await job.getState() : o.relayed_at ? 'gone' : 'committed';
      const meta = (job?.data as { _meta?: JobMeta } | undefined)?._meta;
      const phases: { phase: string; at: string }[] = [{ phase: 'committed', at: o.created_at.toISOString() }];
      if (o.relayed_at) phases.push({ phase: 'queued', at: o.relayed_at.toISOString() });
      if (job?.processedOn) phases.push({ phase: 'started', at: new Date(job.processedOn).toISOString() });
      if (job?.finishedOn) phases.push({ phase: state === 'failed' ? 'failed' : 'finished', at: new Date(job.finishedOn).toISOString() });
      const status: Status = state === 'completed' || state === 'gone' ? 'done' : state === 'failed' ? 'failed' : state === 'active' ? 'running' : job && job.attemptsMade > 0 ? 'retrying' : 'waiting';
      entries.push({
        at: o.created_at,
        kind: 'job',
        title: `Job ${o.name} (${stateWords(state)})`,
        status,
        details: {
          job_id: o.job_id ?? `ob-${o.id}`,
          queue: o.queue,
          name: o.name,
          state,
          attempts_made: job?.attemptsMade ?? 0,
          attempts_max: job?.opts.attempts ?? null,
          delay_ms: meta?.delayMs ?? job?.opts.delay ?? 0,
          waited_ms: job?.processedOn ? Math.max(0, job.processedOn - job.timestamp) : null,
          ran_ms: job?.processedOn && job.finishedOn ? Math.max(0, job.finishedOn - job.processedOn) : null,
          // A job's error text may name what only the operator sees (a webhook's address, a file path).
          error: ask.viewer ? null : job?.failedReason || null,
          phases,
          ...pick(o.payload, ['deliveryId', 'uploadId', 'resource', 'resourceId']),
        },
      });
    }
    return entries;
  }

  /** Devices of the sandbox: which synced the item's newest change and when, and its writes they kept offline. */
  private async devices(ask: TimelineAsk, changes: ChangeRow[], path: string, now: Date): Promise<Entry[]> {
    const last = changes[changes.length - 1];
    if (!last) return [];
    const devices: { id: number; device_key: string; user_name: string; online: boolean; synced_change_id: string; synced_at: Date; sync_pending: boolean }[] = await this.db.query(
      `SELECT d.id, d.device_key, u.name AS user_name, d.online, d.synced_change_id, d.synced_at, d.sync_pending
         FROM devices d JOIN users u ON u.id = d.user_id WHERE d.company_id = $1 AND ($2::int IS NULL OR d.user_id = $2) ORDER BY d.id`,
      [ask.companyId, ask.viewer?.userId ?? null],
    );
    const entries: Entry[] = [];
    for (const d of devices) {
      const base = { device: d.device_key, user: d.user_name, online: d.online, synced_change_id: Number(d.synced_change_id) };
      if (Number(d.synced_change_id) >= Number(last.id)) {
        entries.push({ at: d.synced_at, kind: 'device', title: `Device ${d.device_key} (${d.user_name}) synced it`, status: 'done', details: { ...base, step: 'synced', synced_at: d.synced_at.toISOString() } });
      } else {
        entries.push({
          at: now,
          kind: 'device',
          title: `Device ${d.device_key} (${d.user_name}) has not synced the newest change: ${d.online ? (d.sync_pending ? 'its sync is on its way' : 'online, not synced since') : 'offline'} (last sync ${d.synced_at.toISOString()})`,
          status: 'waiting',
          details: { ...base, step: 'not_synced', synced_at: d.synced_at.toISOString(), sync_pending: d.sync_pending, newest_change_id: Number(last.id) },
        });
      }
    }
    const writes: { id: string; device_key: string; method: string; url: string; status: string; response_status: number | null; created_at: Date; applied_at: Date | null }[] = await this.db.query(
      `SELECT w.id, d.device_key, w.method, w.url, w.status, w.response_status, w.created_at, w.applied_at
         FROM device_writes w JOIN devices d ON d.id = w.device_id
        WHERE d.company_id = $1 AND w.url ~ $2 AND ($3::int IS NULL OR d.user_id = $3) ORDER BY w.id LIMIT 200`,
      [ask.companyId, `/projects/${ask.projectId}/${path}/${ask.resourceId}(/|\\?|$)`, ask.viewer?.userId ?? null],
    );
    for (const w of writes) {
      entries.push({ at: w.created_at, kind: 'device', title: `Device ${w.device_key} kept ${w.method} offline`, status: 'done', details: { device: w.device_key, step: 'kept_offline', write_id: Number(w.id), method: w.method } });
      entries.push({
        at: w.applied_at ?? now,
        kind: 'device',
        title: w.applied_at ? `Device ${w.device_key} sent it when back online: ${w.status} (${w.response_status ?? '—'})` : `Device ${w.device_key} still holds the write`,
        status: w.applied_at ? (w.status === 'applied' ? 'done' : 'failed') : 'waiting',
        details: { device: w.device_key, step: w.applied_at ? 'replayed' : 'held', write_id: Number(w.id), status: w.status, response_status: w.response_status },
      });
    }
    return entries;
  }
}

function stateWords(state: string): string {
  return state === 'completed' ? 'done' : state === 'gone' ? 'done, no longer kept' : state;
}

function pick(o: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), o[k]]));
}

export type { Job };
