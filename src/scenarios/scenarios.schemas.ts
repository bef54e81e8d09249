import { ArrayOf, Bool, DateTime, Enum, Id, Int, Named, Nullable, Obj, Str, Type } from '../common/openapi/schema';
import { CauseKey, Finding } from '../diagnose/diagnose.schemas';
import { SandboxPersona, SandboxProject, SandboxToken } from '../sandboxes/sandboxes.schemas';

export const RUN_STATUSES = ['symptom_shown', 'failed', 'resolved', 'unresolved'] as const;

const ScenarioKey = Str({ description: 'The scenario key (SCENARIOS.md)', example: 'stale_cache' });

/** A scenario of the catalogue (SCENARIOS.md). */
export const Scenario = Named(
  'Scenario',
  Obj({
    key: ScenarioKey,
    number: Int({ minimum: 1, description: 'Its number in SCENARIOS.md', example: 15 }),
    title: Str({ example: 'Old data after an update: stale edge cache' }),
    causes: ArrayOf(CauseKey, { description: 'The causes diagnose should name first for it' }),
  }),
);

/** What the affected user sees when the scenario looks as they do. */
export const ScenarioSymptom = Named(
  'ScenarioSymptom',
  Obj({
    present: Bool({ description: 'Whether the symptom shows' }),
    description: Str({ example: 'The project manager reloads the project directory and the new member is not there.' }),
    // open on purpose: every scenario looks at something else (a status and error code, a list, a delivery)
    observed: Type.Unsafe<Record<string, unknown>>({
      type: 'object',
      additionalProperties: true,
      description:
        "What the scenario's request as the affected user answered: its fields are the scenario's own (e.g. `status` and `code` for account_locked, `received` and `delivery` for background_job_failed), so the schema leaves them open",
    }),
  }),
);

const statusOf = (values: readonly (typeof RUN_STATUSES)[number][]) =>
  Enum(values, {
    description: '`symptom_shown` once set up with the symptom showing (`failed`: it did not show); after the fix `resolved`, or `unresolved` when the symptom is still there',
  });

/** The answer of `POST /_sim/scenarios/{key}/run`: the sandbox it made, the symptom, and what diagnose found. */
export const ScenarioRunStarted = Named(
  'ScenarioRunStarted',
  Obj({
    id: Id,
    scenario: ScenarioKey,
    status: statusOf(['symptom_shown', 'failed']),
    sandbox: Obj(
      { id: Id, company_id: Id, sandbox_token: SandboxToken, personas: ArrayOf(SandboxPersona), projects: ArrayOf(SandboxProject) },
      { description: 'The training sandbox the run was set up in (its own, made for the run)' },
    ),
    symptom: ScenarioSymptom,
    findings: ArrayOf(Finding, { description: 'What diagnose answers, asked as the affected user would ask it' }),
    fix_steps: ArrayOf(Str({ example: 'The project manager refreshes the list without the cache (Cache-Control: no-cache, like a hard refresh).' }), {
      description: 'What fixes it, in words (`POST .../actions/fix` performs them)',
    }),
  }),
);

/** A run as kept (`GET /_sim/scenarios/runs/{run_id}`). */
export const ScenarioRun = Named(
  'ScenarioRun',
  Obj({
    id: Id,
    scenario: ScenarioKey,
    status: statusOf(RUN_STATUSES),
    sandbox_id: Id,
    symptom: ScenarioSymptom,
    findings: ArrayOf(Finding, { description: 'What diagnose answered when the run was set up' }),
    fix_steps: ArrayOf(Str({ example: 'GET /rest/v1.0/projects/12/users with Cache-Control: no-cache → 200' }), {
      description: 'The requests the fix made, with what they answered; empty until it is fixed',
    }),
    symptom_after: Nullable(ScenarioSymptom),
    created_at: DateTime,
    fixed_at: Nullable(DateTime),
  }),
);

/** The answer of `POST /_sim/scenarios/runs/{run_id}/actions/fix`. */
export const ScenarioFixResult = Named(
  'ScenarioFixResult',
  Obj({
    id: Id,
    resolved: Bool({ description: 'Whether the symptom is gone when the affected user looks again' }),
    fix_steps: ArrayOf(Str({ example: 'GET /rest/v1.0/projects/12/users with Cache-Control: no-cache → 200' }), { description: 'The requests the fix made, with what they answered' }),
    symptom_after: ScenarioSymptom,
  }),
);
