import type { DataSource, EntityManager } from 'typeorm';
import { iso, Listed } from '../database/entity-select';
import { loadUserRefs, UserRef } from '../directory/directory.mappers';
import { loadAttachments } from '../uploads/attachments.service';
import type { Submittal, SubmittalPackage } from './submittal.entities';

/** A submittal as read by TypeORM, or as a list page reads it. */
export type SubmittalRow = Submittal | Listed<Submittal>;

interface ApproverRow {
  id: number;
  submittal_id: number;
  step: number;
  user_id: number;
  required: boolean;
  response_id: number | null;
  response: string | null;
  comment: string | null;
  draft: boolean | null;
  created_by_id: number | null;
  responded_at: Date | null;
}

/** Everything a page of submittals refers to: approvers with their responses, distribution, people, vendors, packages. */
export interface SubmittalPeople {
  approvers: Map<number, ApproverRow[]>;
  distribution: Map<number, number[]>;
  users: Map<number, UserRef>;
  vendors: Map<number, { id: number; name: string }>;
  packages: Map<number, { id: number; number: number; title: string }>;
  attachments: Map<number, Record<string, unknown>[]>;
  /** Today in the sandbox (YYYY-MM-DD): what `overdue` is judged by. */
  today: string;
}

/** Everything a page of submittals refers to, with the attachments `viewerId` may see. */
export async function loadSubmittalPeople(db: DataSource | EntityManager, submittals: SubmittalRow[], viewerId: number, today: string): Promise<SubmittalPeople> {
  const ids = submittals.map((s) => s.id);
  const people: SubmittalPeople = { approvers: new Map(), distribution: new Map(), users: new Map(), vendors: new Map(), packages: new Map(), attachments: new Map(), today };
  if (!ids.length) return people;
  const vendorIds = [...new Set(submittals.map((s) => s.responsibleContractorId).filter((x): x is number => x !== null))];
  const packageIds = [...new Set(submittals.map((s) => s.packageId).filter((x): x is number => x !== null))];
  const [approvers, distribution, vendors, packages, attachments]: [
    ApproverRow[],
    { submittal_id: number; user_id: number }[],
    { id: number; name: string }[],
    { id: number; number: number; title: string }[],
    SubmittalPeople['attachments'],
  ] = await Promise.all([
      db.query(
        `SELECT a.id, a.submittal_id, a.step, a.user_id, a.required, r.id AS response_id, r.response, r.comment, r.draft, r.created_by_id, r.responded_at
           FROM submittal_approvers a LEFT JOIN submittal_responses r ON r.approver_id = a.id
          WHERE a.submittal_id = ANY($1) ORDER BY a.step, a.id`,
        [ids],
      ),
      db.query('SELECT submittal_id, user_id FROM submittal_distribution WHERE submittal_id = ANY($1) ORDER BY user_id', [ids]),
      vendorIds.length ? db.query('SELECT id, name FROM vendors WHERE id = ANY($1)', [vendorIds]) : [],
      packageIds.length ? db.query('SELECT id, number, title FROM submittal_packages WHERE id = ANY($1)', [packageIds]) : [],
      loadAttachments(db, 'submittal', ids, viewerId),
    ]);
  people.attachments = attachments;
  for (const a of approvers) people.approvers.set(a.submittal_id, [...(people.approvers.get(a.submittal_id) ?? []), a]);
  for (const d of distribution) people.distribution.set(d.submittal_id, [...(people.distribution.get(d.submittal_id) ?? []), d.user_id]);
  for (const v of vendors) people.vendors.set(v.id, v);
  for (const p of packages) people.packages.set(p.id, p);
  people.users = await loadUserRefs(db, [
    ...approvers.map((a) => a.user_id),
    ...distribution.map((d) => d.user_id),
    ...submittals.flatMap((s) => [s.submittalManagerId, s.createdById, s.receivedFromId]),
  ]);
  return people;
}

/** Has this approver submitted (not just saved a draft of) a response? */
const submitted = (a: ApproverRow): boolean => a.response_id !== null && a.draft === false;

/** Who holds the ball: the current step's approvers who have not submitted, or the submittal manager. */
export function submittalCourt(s: SubmittalRow, approvers: readonly ApproverRow[]): number[] {
  if (s.status !== 'open' && s.status !== 'draft') return [];
  if (s.ballInCourtRole === 'Submittal Manager') return s.submittalManagerId ? [s.submittalManagerId] : [];
  if (s.ballInCourtRole === 'Approvers') return approvers.filter((a) => a.step === s.currentStep && !submitted(a)).map((a) => a.user_id);
  return [];
}

function stepState(s: SubmittalRow, step: number): string {
  if (s.workflowState === 'complete') return 'complete';
  if (s.workflowState === 'not_started' || s.currentStep === null) return 'pending';
  if (step < s.currentStep) return 'complete';
  if (step > s.currentStep) return 'pending';
  return s.workflowState === 'returned' ? 'returned' : 'in_review';
}

/**
 * One submittal as `viewerId` sees it. A draft response shows only to its
 * author; to everyone else that approver is still `pending`.
 */
export function mapSubmittal(s: SubmittalRow, people: SubmittalPeople, viewerId: number): Record<string, unknown> {
  const ref = (id: number | null) => (id ? (people.users.get(id) ?? null) : null);
  const approvers = people.approvers.get(s.id) ?? [];
  const steps = [...new Set(approvers.map((a) => a.step))].sort((a, b) => a - b);
  const workflow = steps.map((step) => ({
    step,
    state: stepState(s, step),
    approvers: approvers
      .filter((a) => a.step === step)
      .map((a) => {
        const shown = a.response_id !== null && (!a.draft || a.created_by_id === viewerId);
        return {
          id: a.id,
          user: ref(a.user_id),
          required: a.required,
          response: shown ? a.response : 'pending',
          response_id: shown ? a.response_id : null,
          draft: shown ? a.draft : false,
          comment: shown ? a.comment : null,
          responded_at: shown && a.responded_at ? a.responded_at.toISOString() : null,
        };
      }),
  }));
  return {
    id: s.id,
    number: s.number,
    revision: s.revision,
    title: s.title,
    description: s.description,
    status: s.status,
    private: s.private,
    submittal_manager: ref(s.submittalManagerId),
    created_by: ref(s.createdById),
    received_from: ref(s.receivedFromId),
    responsible_contractor: s.responsibleContractorId ? (people.vendors.get(s.responsibleContractorId) ?? null) : null,
    package: s.packageId ? (people.packages.get(s.packageId) ?? null) : null,
    due_date: s.dueDate,
    overdue: s.status === 'open' && s.dueDate !== null && s.dueDate < people.today,
    distribution: (people.distribution.get(s.id) ?? []).map((id) => people.users.get(id)).filter((u): u is UserRef => !!u),
    workflow_state: s.workflowState,
    current_step: s.currentStep,
    workflow,
    ball_in_court: submittalCourt(s, approvers).map((id) => people.users.get(id)).filter((u): u is UserRef => !!u),
    ball_in_court_role: s.ballInCourtRole,
    previous_revision_id: s.previousRevisionId,
    attachments: people.attachments.get(s.id) ?? [],
    version: s.version,
    submitted_at: iso(s.submittedAt),
    distributed_at: iso(s.distributedAt),
    closed_at: iso(s.closedAt),
    created_at: iso(s.createdAt),
    updated_at: iso(s.updatedAt),
  };
}

export function mapPackage(p: SubmittalPackage, users: Map<number, UserRef>, submittals: Record<string, unknown>[] | undefined): Record<string, unknown> {
  return {
    id: p.id,
    number: p.number,
    title: p.title,
    description: p.description,
    created_by: p.createdById ? (users.get(p.createdById) ?? null) : null,
    ...(submittals !== undefined && { submittals }),
    version: p.version,
    created_at: p.createdAt.toISOString(),
    updated_at: p.updatedAt.toISOString(),
  };
}
