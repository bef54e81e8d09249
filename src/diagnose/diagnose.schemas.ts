import { ArrayOf, Enum, Id, Named, Nullable, Obj, Optional, Str, Type, UserRef } from '../common/openapi/schema';
import { CAUSE_KEYS, SYMPTOMS } from './causes';

export const CauseKey = Enum(CAUSE_KEYS, { description: 'A cause key of SCENARIOS.md' });

/** One explanation of a symptom (API.md "Diagnose"). */
export const Finding = Named(
  'Finding',
  Obj({
    cause: CauseKey,
    tool: Nullable(Str({ description: 'The tool (or for a job, its queue) the cause is in; null when it is not one tool\'s (an account, a device, the cache)', example: 'rfis' })),
    item: Nullable(
      Obj({
        id: Id,
        type: Optional(Str({ description: 'What the item is, when the finding knows', example: 'RFI' })),
      }),
    ),
    user: Nullable(UserRef),
    // open on purpose: each cause has evidence of its own kind (28 causes), named by the fields a trainer needs to see
    evidence: Type.Unsafe<Record<string, unknown>>({
      type: 'object',
      additionalProperties: true,
      description:
        'What shows the cause, from real state: its fields are the cause\'s own (e.g. `removed_at` and `removed_by` for removed_from_project, `action`/`layer` for permission_denied, `job`, `error` and `injected` for job_failed), so the schema leaves them open',
    }),
    fix: ArrayOf(Str({ example: 'A project administrator adds the user to the project again.' }), { description: 'What to do about it, step by step' }),
  }),
);

/** `GET /_sim/diagnose`: the findings, most likely first. */
export const Diagnosis = Named(
  'Diagnosis',
  Obj({
    symptom: Nullable(Enum(SYMPTOMS, { description: 'The symptom asked about; null: every cause was checked' })),
    findings: ArrayOf(Finding, { description: 'Most likely first; empty only when nothing explains the symptom' }),
    checked: ArrayOf(CauseKey, { description: 'The causes that were looked for' }),
  }),
);
