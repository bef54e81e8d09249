import type { DataSource, EntityManager } from 'typeorm';
import { iso, Listed } from '../database/entity-select';
import { loadUserRefs, UserRef, userRef } from '../directory/directory.mappers';
import { loadAttachments } from '../uploads/attachments.service';
import type { Rfi } from './rfi.entities';

/** An RFI as read by TypeORM, or as a list page reads it. */
export type RfiRow = Rfi | Listed<Rfi>;

export interface RfiPeople {
  assignees: Map<number, number[]>;
  distribution: Map<number, number[]>;
  users: Map<number, UserRef>;
  official: Map<number, Record<string, unknown>>;
  attachments: Map<number, Record<string, unknown>[]>;
  /** Today (UTC, YYYY-MM-DD) once per page, for `overdue`. */
  today: string;
}

/** An official reply as an RFI shows it. */
interface OfficialRow {
  id: number;
  rfi_id: number;
  body: string;
  created_at: Date | string;
}

/**
 * What a list page read along with its rows, so that no query is needed for
 * it: per RFI its assignee and distribution ids and whether it has
 * attachments, and the people and official replies the page refers to.
 */
export interface RfiPageRead {
  lists: Map<number, { assignees: number[]; distribution: number[]; hasUploads: boolean }>;
  users: { id: number; name: string; email: string }[];
  official: OfficialRow[];
}

/** The page values (`sqlPage`) that make an `RfiPageRead`: SQL over the page `r`, which has the list's extra columns. */
export const RFI_PAGE_VALUES = {
  users: `(SELECT json_agg(json_build_object('id', u.id, 'name', u.name, 'email', u.email)) FROM users u
      WHERE u.id IN (SELECT unnest(ARRAY[r.rfi_manager_id, r.created_by_id, r.received_from_id] || r.assignee_ids || r.distribution_ids) FROM r))`,
  official: `(SELECT json_agg(json_build_object('id', o.id, 'rfi_id', o.rfi_id, 'body', o.body, 'created_at', o.created_at)) FROM rfi_replies o
      WHERE o.id IN (SELECT r.official_reply_id FROM r))`,
};

/**
 * Loads every person, official reply and attachment a page of RFIs refers to
 * (attachments as `viewerId` may see them), unless the page read them already
 * (`read`): then only attachments are asked for, and only for the RFIs that
 * have some.
 */
export async function loadPeople(db: DataSource | EntityManager, rfis: RfiRow[], viewerId: number, today: string, read?: RfiPageRead): Promise<RfiPeople> {
  const ids = rfis.map((r) => r.id);
  const people: RfiPeople = { assignees: new Map(), distribution: new Map(), users: new Map(), official: new Map(), attachments: new Map(), today };
  if (!ids.length) return people;
  let official: OfficialRow[];
  if (read) {
    for (const [id, l] of read.lists) {
      people.assignees.set(id, l.assignees);
      people.distribution.set(id, l.distribution);
    }
    for (const u of read.users) people.users.set(u.id, userRef(u));
    official = read.official;
    people.attachments = await loadAttachments(db, 'rfi', ids.filter((id) => read.lists.get(id)?.hasUploads), viewerId);
  } else {
    const [assignees, distribution]: { rfi_id: number; user_id: number }[][] = await Promise.all([
      db.query('SELECT rfi_id, user_id FROM rfi_assignees WHERE rfi_id = ANY($1) ORDER BY user_id', [ids]),
      db.query('SELECT rfi_id, user_id FROM rfi_distribution WHERE rfi_id = ANY($1) ORDER BY user_id', [ids]),
    ]);
    for (const [rows, map] of [[assignees, people.assignees], [distribution, people.distribution]] as const) {
      for (const r of rows) map.set(r.rfi_id, [...(map.get(r.rfi_id) ?? []), r.user_id]);
    }
    const userIds: (number | null)[] = [...people.assignees.values(), ...people.distribution.values()].flat();
    for (const r of rfis) userIds.push(r.rfiManagerId, r.createdById, r.receivedFromId);
    const officialIds = rfis.map((r) => r.officialReplyId).filter((x): x is number => x !== null);
    [people.users, official, people.attachments] = await Promise.all([
      loadUserRefs(db, userIds),
      officialIds.length ? db.query('SELECT id, rfi_id, body, created_at FROM rfi_replies WHERE id = ANY($1)', [officialIds]) : [],
      loadAttachments(db, 'rfi', ids, viewerId),
    ]);
  }
  for (const r of official) people.official.set(r.rfi_id, { id: r.id, body: r.body, created_at: new Date(r.created_at).toISOString() });
  return people;
}

export function ballInCourt(r: RfiRow, people: RfiPeople): number[] {
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

export function mapRfi(r: RfiRow, people: RfiPeople): Record<string, unknown> {
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
    opened_at: iso(r.openedAt),
    closed_at: iso(r.closedAt),
    created_at: iso(r.createdAt),
    updated_at: iso(r.updatedAt),
  };
}
