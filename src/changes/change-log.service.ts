import { Injectable } from '@nestjs/common';
import { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import type { Actor } from '../common/http/request-helpers';
import type { ChangeEvent } from './change-log.entity';

/** Resource names of the change log; the first ones are the reference platform's webhook names. */
export const RESOURCE_NAMES = [
  'Projects',
  'Project Users',
  'Vendors',
  'RFIs',
  'RFI Replies',
  'Submittals',
  'Submittal Packages',
  'Uploads',
  'Cost Codes',
  'Budget',
  'Budget Line Items',
  'Budget Modifications',
  'Budget Views',
  'Prime Contracts',
  'Commitment Invoices',
  'Commitments',
  'Change Orders',
  'Direct Costs',
  'Images',
  'Image Categories',
  'Drawings',
  'Drawing Revisions',
  'Markups',
  'Drawing Areas',
  'Drawing Sets',
  'Drawing Uploads',
  'Users',
  'Permission Templates',
  'Project Tools',
] as const;
export type ResourceName = (typeof RESOURCE_NAMES)[number];

export interface Change {
  id: number;
  companyId: number;
  projectId: number | null;
  resource: ResourceName;
  resourceId: number;
  eventType: ChangeEvent;
  version: number;
  actorId: number | null;
  requestId: string | null;
  createdAt: Date;
}

/** Called inside the writing transaction with the changes of each record call (webhooks, device feeds). */
export interface ChangeListener {
  /** Most writes make one change; an import makes one per item, told at once so that a listener can act in a few round trips. */
  onChanges(m: EntityManager, changes: readonly Change[]): Promise<void>;
}

export interface ChangeInput {
  companyId: number;
  projectId: number | null;
  resource: ResourceName;
  resourceId: number;
  eventType: ChangeEvent;
  version: number;
  snapshot: Record<string, unknown>;
  actor: Actor | null;
}

/** Column values that never go into a snapshot. */
const SECRET = new Set(['passwordHash', 'clientSecretHash', 'tokenHash', 'seedSecrets']);

export function snapshotOf(row: ObjectLiteral): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) if (!SECRET.has(k)) out[k] = v instanceof Date ? v.toISOString() : v;
  return out;
}

/**
 * The one change log: every write appends the resource, id, version, full
 * snapshot, actor and time, in the writing transaction, and tells the
 * listeners (webhooks, device sync) in that same transaction.
 */
@Injectable()
export class ChangeLog {
  private readonly listeners: ChangeListener[] = [];

  listen(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  async record(m: EntityManager, input: ChangeInput): Promise<Change> {
    const [change] = await this.recordMany(m, [input]);
    return change;
  }

  /** Several changes in one round trip (a CSV import writes thousands), in order; the listeners hear them together. */
  async recordMany(m: EntityManager, inputs: readonly ChangeInput[]): Promise<Change[]> {
    if (!inputs.length) return [];
    const entries = inputs.map((i) => ({
      company_id: i.companyId,
      project_id: i.projectId,
      resource: i.resource,
      resource_id: i.resourceId,
      event_type: i.eventType,
      version: i.version,
      snapshot: i.snapshot,
      actor_id: i.actor?.userId ?? null,
      request_id: i.actor?.requestId ?? null,
    }));
    // Ids are drawn in the order of the SELECT, so ordering by id gives the inputs' order back.
    const rows: { id: string; created_at: Date }[] = await m.query(
      `WITH written AS (
         INSERT INTO change_log (company_id, project_id, resource, resource_id, event_type, version, snapshot, actor_id, request_id)
         SELECT (e->>'company_id')::int, (e->>'project_id')::int, e->>'resource', (e->>'resource_id')::int, e->>'event_type',
                (e->>'version')::int, e->'snapshot', (e->>'actor_id')::int, e->>'request_id'
           FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS t(e, n) ORDER BY n
         RETURNING id, created_at)
       SELECT id, created_at FROM written ORDER BY id`,
      [JSON.stringify(entries)],
    );
    const changes = inputs.map(
      (input, i): Change => ({
        id: Number(rows[i].id),
        companyId: input.companyId,
        projectId: input.projectId,
        resource: input.resource,
        resourceId: input.resourceId,
        eventType: input.eventType,
        version: input.version,
        actorId: input.actor?.userId ?? null,
        requestId: input.actor?.requestId ?? null,
        createdAt: rows[i].created_at,
      }),
    );
    for (const listener of this.listeners) await listener.onChanges(m, changes);
    return changes;
  }

  /**
   * Records a row as it is now in the transaction (after an insert or update),
   * or as it was (for a delete, pass the loaded row).
   */
  async recordRow<T extends ObjectLiteral & { id: number }>(
    m: EntityManager,
    entity: EntityTarget<T>,
    row: T | number,
    meta: Omit<ChangeInput, 'snapshot' | 'resourceId' | 'version'>,
  ): Promise<Change> {
    const current = typeof row === 'number' ? await m.findOneByOrFail(entity, { id: row } as never) : row;
    const version = typeof (current as { version?: unknown }).version === 'number' ? (current as unknown as { version: number }).version : 1;
    return this.record(m, { ...meta, resourceId: current.id, version, snapshot: snapshotOf(current) });
  }
}
