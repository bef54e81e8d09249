import { ArrayOf, Bool, DateOnly, DateTime, Enum, Id, Int, Named, Nullable, Obj, Str, UserRef, Version } from '../common/openapi/schema';
import { Upload } from '../uploads/uploads.schemas';
import { IMPACT_STATUSES } from './rfi.entities';

const Impact = Named(
  'RfiImpact',
  Obj({
    status: Enum(IMPACT_STATUSES),
    value: Nullable(Str({ description: 'Cost as a decimal string ("1250.00") or days for schedule', example: '1250.00' })),
  }),
);

/** An RFI as every RFI route answers it (`mapRfi`). */
export const Rfi = Named(
  'Rfi',
  Obj({
    id: Id,
    number: Nullable(Int({ minimum: 1, description: 'Sequential per project, given when the RFI opens; null for a draft', example: 12 })),
    subject: Str({ example: 'Beam pocket depth at grid C4' }),
    question: Str({ example: 'The structural drawings show 300 mm; the architectural 250 mm. Which governs?' }),
    status: Enum(['draft', 'open', 'closed']),
    private: Bool({ description: 'Visible to Admins and the people on it only' }),
    rfi_manager: Nullable(UserRef),
    assignees: ArrayOf(UserRef),
    distribution: ArrayOf(UserRef),
    received_from: Nullable(UserRef),
    created_by: Nullable(UserRef),
    due_date: Nullable(DateOnly),
    overdue: Bool({ description: "Open and past its due date, by the sandbox's clock" }),
    cost_impact: Impact,
    schedule_impact: Impact,
    ball_in_court: ArrayOf(UserRef, { description: 'Who is to act next' }),
    ball_in_court_role: Nullable(Enum(['Assignees', 'RFI Manager', 'Creator'])),
    official_reply: Nullable(Obj({ id: Id, body: Str(), created_at: DateTime }, { description: 'The reply marked official' })),
    attachments: ArrayOf(Upload, { description: 'Processed files, and your own still processing (or failed)' }),
    version: Version,
    opened_at: Nullable(DateTime),
    closed_at: Nullable(DateTime),
    created_at: DateTime,
    updated_at: DateTime,
  }),
);

/** A reply to an RFI (a draft only to its author). */
export const RfiReply = Named(
  'RfiReply',
  Obj({
    id: Id,
    body: Str({ example: 'Use 300 mm per S-201; the architectural sheet will be revised.' }),
    draft: Bool({ description: 'Visible to its author only until submitted' }),
    official: Bool({ description: 'The RFI’s official response' }),
    created_by: Nullable(UserRef),
    attachments: ArrayOf(Upload),
    version: Version,
    created_at: DateTime,
    updated_at: DateTime,
  }),
);
