import { ArrayOf, Bool, DateOnly, DateTime, Enum, Id, Int, Named, Nullable, Obj, Str, UserRef, Version } from '../common/openapi/schema';
import { Upload } from '../uploads/uploads.schemas';
import { RESPONSES } from './submittal.entities';

const WORKFLOW_STATES = ['not_started', 'in_review', 'returned', 'complete'] as const;

/** One approver of a workflow step; a draft response shows only to its author (to others the approver is `pending`). */
const WorkflowApprover = Obj({
  id: Id,
  user: UserRef,
  required: Bool({ description: 'The step completes when every required approver has submitted (in a step without one, when any approver has)' }),
  response: Enum([...RESPONSES, 'pending'], { description: '`pending` until the approver submits (or, to its author, saves a draft)' }),
  response_id: Nullable(Id),
  draft: Bool({ description: 'The response shown is the caller’s own draft' }),
  comment: Nullable(Str()),
  responded_at: Nullable(DateTime),
});

const WorkflowStep = Obj({
  step: Int({ minimum: 1, example: 1 }),
  state: Enum(['pending', 'in_review', 'returned', 'complete']),
  approvers: ArrayOf(WorkflowApprover),
});

/** A submittal as every submittal route answers it (`mapSubmittal`), as the caller sees it. */
export const Submittal = Named(
  'Submittal',
  Obj({
    id: Id,
    number: Int({ minimum: 1, description: 'Sequential per project, given at creation; a revision keeps it', example: 14 }),
    revision: Int({ minimum: 0, description: '0 for the first, +1 per revision', example: 0 }),
    title: Str({ example: 'Structural steel shop drawings' }),
    description: Str(),
    status: Enum(['draft', 'open', 'closed']),
    private: Bool({ description: 'Visible to Admins and the people on it only' }),
    submittal_manager: Nullable(UserRef),
    created_by: Nullable(UserRef),
    received_from: Nullable(UserRef),
    responsible_contractor: Nullable(Obj({ id: Id, name: Str({ example: 'Summit Electrical' }) }, { description: 'A vendor of the company directory' })),
    package: Nullable(Obj({ id: Id, number: Int({ minimum: 1 }), title: Str({ example: 'Division 26 — Electrical' }) }, { description: 'The submittal package it is in' })),
    due_date: Nullable(DateOnly),
    overdue: Bool({ description: "Open and past its due date, by the sandbox's clock" }),
    distribution: ArrayOf(UserRef),
    workflow_state: Enum(WORKFLOW_STATES, { description: 'Not submitted yet, with a step’s approvers, returned to the manager, or through every step' }),
    current_step: Nullable(Int({ minimum: 1, description: 'The step in review; null before the submittal is submitted', example: 1 })),
    workflow: ArrayOf(WorkflowStep, { description: 'The steps in order' }),
    ball_in_court: ArrayOf(UserRef, { description: 'Who is to act next' }),
    ball_in_court_role: Nullable(Enum(['Approvers', 'Submittal Manager'])),
    previous_revision_id: Nullable(Id),
    attachments: ArrayOf(Upload, { description: 'Processed files, and your own still processing (or failed)' }),
    version: Version,
    submitted_at: Nullable(DateTime),
    distributed_at: Nullable(DateTime),
    closed_at: Nullable(DateTime),
    created_at: DateTime,
    updated_at: DateTime,
  }),
);

/** A response to a workflow step (a draft only to its author). */
export const SubmittalResponse = Named(
  'SubmittalResponse',
  Obj({
    id: Id,
    response: Enum(RESPONSES),
    comment: Str({ example: 'See clouded notes on sheet 3' }),
    draft: Bool({ description: 'Visible to its author only until submitted; it holds the step' }),
    step: Int({ minimum: 1, example: 1 }),
    approver: UserRef,
    responded_at: Nullable(DateTime),
    version: Version,
    created_at: DateTime,
    updated_at: DateTime,
  }),
);

const packageFields = {
  id: Id,
  number: Int({ minimum: 1, description: 'Sequential per project', example: 3 }),
  title: Str({ example: 'Division 03 Concrete' }),
  description: Str(),
  created_by: Nullable(UserRef),
  version: Version,
  created_at: DateTime,
  updated_at: DateTime,
};

/** A submittal package in the list (`mapPackage` without its submittals). */
export const SubmittalPackage = Named('SubmittalPackage', Obj(packageFields));

/** One package with the submittals in it that the caller may see. */
export const SubmittalPackageWithSubmittals = Named(
  'SubmittalPackageWithSubmittals',
  Obj({ ...packageFields, submittals: ArrayOf(Submittal, { description: 'The submittals in the package that the caller may see, by number' }) }),
);
