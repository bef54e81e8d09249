import { ArrayOf, DateTime, Id, Int, Named, Nullable, Obj, Str, Bool } from '../common/openapi/schema';
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
