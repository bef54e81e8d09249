import type { DataSource, EntityManager } from 'typeorm';
import { loadUserRefs, UserRef } from '../directory/directory.mappers';
import { loadAttachments } from '../uploads/attachments.service';
import type { Rfi } from './rfi.entities';

export interface RfiPeople {
  assignees: Map<number, number[]>;
  distribution: Map<number, number[]>;
  users: Map<number, UserRef>;
  official: Map<number, Record<string, unknown>>;
  attachments: Map<number, Record<string, unknown>[]>;
  /** Today (UTC, YYYY-MM-DD) once per page, for `overdue`. */
  today: string;
}

/** Assignee and distribution ids per RFI, and whether it has attachments, when the caller already read them with the rows. */
export type RfiLists = Map<number, { assignees: number[]; distribution: number[]; hasUploads: boolean }>;

/**
 * Loads every person, official reply and attachment a page of RFIs refers to
 * (attachments as `viewerId` may see them): the lists (unless given), then the
 * rest together.
 */
export async function loadPeople(db: DataSource | EntityManager, rfis: Rfi[], viewerId: number, lists?: RfiLists): Promise<RfiPeople> {
  const ids = rfis.map((r) => r.id);
  const people: RfiPeople = { assignees: new Map(), distribution: new Map(), users: new Map(), official: new Map(), attachments: new Map(), today: new Date().toISOString().slice(0, 10) };
  if (!ids.length) return people;
  if (lists) {
    for (const [id, l] of lists) {
      people.assignees.set(id, l.assignees);
      people.distribution.set(id, l.distribution);
    }
  } else {
    const [assignees, distribution]: { rfi_id: number; user_id: number }[][] = await Promise.all([
      db.query('SELECT rfi_id, user_id FROM rfi_assignees WHERE rfi_id = ANY($1) ORDER BY user_id', [ids]),
      db.query('SELECT rfi_id, user_id FROM rfi_distribution WHERE rfi_id = ANY($1) ORDER BY user_id', [ids]),
    ]);
    for (const [rows, map] of [[assignees, people.assignees], [distribution, people.distribution]] as const) {
      for (const r of rows) map.set(r.rfi_id, [...(map.get(r.rfi_id) ?? []), r.user_id]);
    }
  }
  const userIds = [...people.assignees.values(), ...people.distribution.values()].flat();
  for (const r of rfis) userIds.push(...[r.rfiManagerId, r.createdById, r.receivedFromId].filter((x): x is number => x !== null));
  const officialIds = rfis.map((r) => r.officialReplyId).filter((x): x is number => x !== null);
  // With the lists read along the rows, attachments are asked for only where there are some.
  const withUploads = lists ? ids.filter((id) => lists.get(id)?.hasUploads) : ids;
  const [users, replies, attachments]: [Map<number, UserRef>, { id: number; rfi_id: number; body: string; created_at: Date }[], RfiPeople['attachments']] = await Promise.all([
    loadUserRefs(db, userIds),
    officialIds.length ? db.query('SELECT id, rfi_id, body, created_at FROM rfi_replies WHERE id = ANY($1)', [officialIds]) : [],
    loadAttachments(db, 'rfi', withUploads, viewerId),
  ]);
  people.users = users;
  people.attachments = attachments;
  for (const r of replies) people.official.set(r.rfi_id, { id: r.id, body: r.body, created_at: r.created_at.toISOString() });
  return people;
}

export function ballInCourt(r: Rfi, people: RfiPeople): number[] {
  switch (r.ballInCourtRole) {
    case 'RFI Manager':
      return r.rfiManagerId ? [r.rfiManagerId] : [];
    case 'Assignees':
      return people.assignees.get(r.id) ?? [];
    case 'Creator':
      return r.createdById ? [r.createdById] : [];
    default:
      return [];
  }
}

export function mapRfi(r: Rfi, people: RfiPeople): Record<string, unknown> {
  const ref = (id: number | null) => (id ? (people.users.get(id) ?? null) : null);
  const refs = (ids: number[]) => ids.map((id) => people.users.get(id)).filter((u): u is UserRef => !!u);
  return {
    id: r.id,
    number: r.number,
    subject: r.subject,
    question: r.question,
    status: r.status,
    private: r.private,
    rfi_manager: ref(r.rfiManagerId),
    assignees: refs(people.assignees.get(r.id) ?? []),
    distribution: refs(people.distribution.get(r.id) ?? []),
    received_from: ref(r.receivedFromId),
    created_by: ref(r.createdById),
    due_date: r.dueDate,
    overdue: r.status === 'open' && r.dueDate !== null && r.dueDate < people.today,
    cost_impact: r.costImpact,
    schedule_impact: r.scheduleImpact,
    ball_in_court: refs(ballInCourt(r, people)),
    ball_in_court_role: r.ballInCourtRole,
    official_reply: people.official.get(r.id) ?? null,
    attachments: people.attachments.get(r.id) ?? [],
    version: r.version,
    opened_at: r.openedAt?.toISOString() ?? null,
    closed_at: r.closedAt?.toISOString() ?? null,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
  };
}
