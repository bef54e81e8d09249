import { ArrayOf, Bool, DateTime, Email, Enum, Id, Int, MapOf, Named, Nullable, Num, Obj, Optional, Str } from '../../common/openapi/schema';
import { ACTIVITY_LIMITS, WORKFLOW_NAMES, WORKFLOWS } from './activity-plan';

const workflowList = WORKFLOW_NAMES.map((w) => `\`${w}\` (${WORKFLOWS[w].map((s) => `${s.step} by ${s.persona}`).join(' → ')})`).join('; ');

const Weight = (w: string) => Optional(Num({ minimum: 0, maximum: 1000, description: `Weight of ${w} among the actions (0 or left out: none)` }));

export const ActivityMix = Named(
  'ActivityMix',
  Obj(Object.fromEntries(WORKFLOW_NAMES.map((w) => [w, Weight(w)])) as Record<(typeof WORKFLOW_NAMES)[number], ReturnType<typeof Weight>>, {
    description: `Relative weights of the workflows: ${workflowList}. At least one above 0.`,
  }),
);

export const StartActivityBody = Named(
  'StartActivity',
  Obj({
    project_id: { ...Id, description: 'The project the synthetic users work on (it names the sandbox)' },
    sandbox_id: Optional({ ...Id, description: 'The sandbox (implied by the project or a sandbox token; must agree)' }),
    rate_per_minute: Num({ minimum: 0.1, maximum: ACTIVITY_LIMITS.rate_per_minute, description: 'Actions a minute over the whole project (real minutes), before any pacing to the rate limits' }),
    duration_seconds: Int({ minimum: 1, maximum: ACTIVITY_LIMITS.duration_seconds, description: `How long it runs (real seconds); at most ${ACTIVITY_LIMITS.actions} actions in all` }),
    users_per_persona: Optional(Int({ minimum: 1, maximum: ACTIVITY_LIMITS.users_per_persona, description: 'Users per persona: 1 (the default) is the persona itself; more adds generated members with its templates and login password, found again on the next run' })),
    mix: ActivityMix,
    seed: Optional(Int({ minimum: 0, maximum: 2_147_483_647, description: "Seed of the plan (the sandbox's seed unless given): the same seed and settings give the same actions in the same order" })),
  }),
);

const WorkflowEnum = Enum(WORKFLOW_NAMES);
const Outcome = Enum(['ok', 'failed', 'skipped'] as const, { description: '`skipped`: its instance had stopped (an earlier step failed) or the activity was stopped' });

export const PlannedActionSchema = Named(
  'ActivityAction',
  Obj({
    index: Int({ minimum: 0, description: 'Its place in the plan' }),
    at_ms: Int({ minimum: 0, description: 'When it is due, after the start (paced)' }),
    workflow: WorkflowEnum,
    instance: Int({ minimum: 1, description: 'Which item of its workflow (the n-th RFI, submittal, …)' }),
    step: Str({ example: 'create_draft' }),
    step_index: Int({ minimum: 0 }),
    persona: Str({ example: 'subcontractor' }),
    member: Int({ minimum: 1, description: '1: the persona itself; 2…: its generated members' }),
    user_id: Nullable(Id),
  }),
);

const Done = Obj({
  index: Int({ minimum: 0 }),
  workflow: WorkflowEnum,
  instance: Int({ minimum: 1 }),
  step: Str({ example: 'open' }),
  persona: Str({ example: 'superintendent' }),
  member: Int({ minimum: 1 }),
  user_id: Nullable(Id),
  item_id: Nullable({ ...Id, description: 'The RFI, submittal, change order or image it worked on' }),
  outcome: Outcome,
  status: Nullable(Int({ minimum: 100, maximum: 599, description: 'The answer of its (last) request; null when skipped' })),
  code: Nullable(Str({ description: 'The error code of an error answer', example: 'edit_conflict' })),
  ms: Int({ minimum: 0, description: 'How long its requests took' }),
  reason: Nullable(Str({ description: 'Why it was skipped' })),
  at: DateTime,
});

const StepCounts = Obj({ ok: Int({ minimum: 0 }), failed: Int({ minimum: 0 }), skipped: Int({ minimum: 0 }) });

export const ActivityState = Named(
  'ActivityState',
  Obj({
    active: Bool({ description: 'Whether an activity is running now' }),
    run: Nullable(
      Obj({
        id: Str({ example: '3f9c2a1b7d4e' }),
        company_id: Id,
        project_id: Id,
        state: Enum(['running', 'stopped', 'finished'] as const),
        seed: Int({ minimum: 0, maximum: 2_147_483_647 }),
        rate_per_minute: Num({ minimum: 0 }),
        effective_rate_per_minute: Num({ minimum: 0, description: 'The rate it runs at: lower than asked when paced to the rate limits' }),
        duration_seconds: Int({ minimum: 1 }),
        users_per_persona: Int({ minimum: 1 }),
        mix: MapOf(Num({ minimum: 0 }), 'Weight per workflow'),
        planned: Int({ minimum: 0, description: 'Actions in the plan' }),
        warnings: ArrayOf(Str(), { description: 'E.g. the rate was paced to stay within the rate limits' }),
        started_at: DateTime,
        ends_at: { ...DateTime, description: 'When its last action is due (sandbox time, at the start)' },
        stopped_at: Nullable(DateTime),
        finished_at: Nullable(DateTime),
        users: ArrayOf(Obj({ persona: Str(), member: Int({ minimum: 1 }), user_id: Id, email: Email, generated: Bool() })),
        progress: Obj({
          planned: Int({ minimum: 0 }),
          done: Int({ minimum: 0 }),
          ok: Int({ minimum: 0 }),
          failed: Int({ minimum: 0 }),
          skipped: Int({ minimum: 0 }),
          percent: Num({ minimum: 0, maximum: 100 }),
        }),
        counts: Obj({
          steps: MapOf(StepCounts, 'Per `workflow.step`'),
          statuses: MapOf(Int({ minimum: 0 }), 'Answers per HTTP status'),
          errors: MapOf(Int({ minimum: 0 }), 'Error answers per error code'),
          rate_limited: Int({ minimum: 0, description: 'Requests answered 429 or 503 and sent again after their Retry-After' }),
          conflicts: Int({ minimum: 0, description: 'Edits answered 409 (someone else changed the item first)' }),
        }),
        recent: ArrayOf(Done, { description: 'The last 50 actions done, newest first' }),
      }),
    ),
  }),
);

export const ActivityPlan = Named(
  'ActivityPlan',
  Obj({
    run_id: Str(),
    planned: Int({ minimum: 0 }),
    offset: Int({ minimum: 0 }),
    actions: ArrayOf(PlannedActionSchema),
  }),
);
