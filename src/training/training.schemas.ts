import { ArrayOf, Bool, DateTime, Id, Int, Named, Nullable, Obj, Str, Type } from '../common/openapi/schema';
import { Finding } from '../diagnose/diagnose.schemas';
import { ScenarioSymptom } from '../scenarios/scenarios.schemas';
import { RUN_STATUSES } from '../scenarios/scenarios.schemas';
import { Enum } from '../common/openapi/schema';

const ScenarioKey = Str({ description: 'The scenario key (SCENARIOS.md)', example: 'budget_change_order_pending' });

/** A scenario as a trainee picks it: its number and title (its causes are what a drill or challenge teaches to find). */
export const DrillScenario = Named('DrillScenario', Obj({ key: ScenarioKey, number: Int({ minimum: 1, example: 1 }), title: Str({ example: 'Budget unchanged after a change order was entered: the CO is still pending' }) }));

/** A drill: a scenario run for a trainee, in a sandbox of its own. */
export const TrainingDrill = Named(
  'TrainingDrill',
  Obj({
    id: Id,
    scenario: ScenarioKey,
    number: Int({ minimum: 1 }),
    title: Str({ example: 'Budget unchanged after a change order was entered: the CO is still pending' }),
    status: Enum(RUN_STATUSES, { description: '`symptom_shown` until fixed; then `resolved` (or `unresolved`); `failed`: the symptom did not show' }),
    symptom: ScenarioSymptom,
    findings: ArrayOf(Finding, { description: 'What diagnose answered when the drill was set up, most likely first' }),
    fix_steps: ArrayOf(Str({ example: "The CO's designated reviewer (the owner's representative) approves it." }), { description: 'What fixes it, in words' }),
    fix_performed: ArrayOf(Str({ example: 'POST …/change_orders/12/actions/approve (owner_rep) → 200' }), { description: 'The requests the fix made, with what they answered; empty until fixed' }),
    symptom_after: Nullable(ScenarioSymptom),
    resolved: Nullable(Bool({ description: 'After the fix: whether the symptom is gone; null before' })),
    created_at: DateTime,
    fixed_at: Nullable(DateTime),
  }),
);

export const DrillStart = Named('DrillStart', Obj({ scenario: ScenarioKey }));

const ChallengeAnswer = Obj({ cause: CauseKeyRef(), correct: Bool(), at: DateTime });

function CauseKeyRef() {
  return Str({ description: 'A cause key of SCENARIOS.md', example: 'change_order_not_approved' });
}

/** A challenge: hidden while armed (scenario, causes and evidence are null for the trainee until it is over). */
export const TrainingChallenge = Named(
  'TrainingChallenge',
  Obj({
    id: Id,
    sandbox_id: Id,
    status: Enum(['armed', 'solved', 'failed', 'cancelled'], { description: '`armed` until the right cause is named (`solved`) or every answer is used up (`failed`); `cancelled`: its sandbox was reset while it was armed (unscored)' }),
    symptom: Obj({ description: Str({ example: 'The project manager entered an $8,000.00 change order, but the budget has not moved.' }) }, { description: 'What the affected user sees' }),
    affected_persona: Nullable(Str({ description: 'Who has the symptom (a persona key): sign in as them to look', example: 'gc_project_manager' })),
    answers: ArrayOf(ChallengeAnswer, { description: 'The causes named so far, oldest first' }),
    attempts: Int({ minimum: 0 }),
    attempts_left: Int({ minimum: 0 }),
    score: Nullable(Int({ minimum: 0, maximum: 100, description: '100 for the right cause at the first answer, 25 less for each wrong one before; 0 when none was right; null while armed' })),
    armed_at: DateTime,
    answered_at: Nullable(DateTime),
    scenario: Nullable(Str({ description: 'The scenario armed; null for the trainee while it is armed', example: 'budget_change_order_pending' })),
    title: Nullable(Str({ description: "The scenario's title; null for the trainee while it is armed" })),
    expected_causes: Nullable(ArrayOf(CauseKeyRef(), { description: 'The causes that count as right; null for the trainee while it is armed' })),
    evidence: Nullable(
      ArrayOf(
        Obj({
          cause: CauseKeyRef(),
          // open on purpose: each cause has evidence of its own kind (as in diagnose's findings)
          evidence: Type.Unsafe<Record<string, unknown>>({ type: 'object', additionalProperties: true, description: "Diagnose's evidence for the cause, from when it was armed" }),
          fix: ArrayOf(Str()),
        }),
      ),
    ),
  }),
);

export const ClassResults = Named(
  'ClassResults',
  Obj({
    class_id: Id,
    trainees: ArrayOf(
      Obj({
        trainee: Int({ minimum: 1 }),
        sandbox_id: Id,
        challenges: ArrayOf(TrainingChallenge, { description: 'Newest first' }),
        solved: Int({ minimum: 0 }),
        total_score: Int({ minimum: 0 }),
      }),
    ),
  }),
);
