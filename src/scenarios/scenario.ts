import type { CauseKey } from '../diagnose/causes';
import type { ScenarioContext } from './scenario-context';

/** What the affected user sees: `present` says whether the symptom shows. */
export interface Symptom {
  present: boolean;
  description: string;
  observed: Record<string, unknown>;
}

/** The diagnose question a scenario asks on behalf of its affected user. */
export interface DiagnoseAsk {
  project?: 'first' | 'second';
  persona?: string;
  symptom: 'not_updating' | 'not_visible' | 'not_uploading' | 'not_loading' | 'denied';
  action?: string;
  tool?: string;
}

/**
 * A runnable scenario of SCENARIOS.md: `setup` makes the cause happen with real
 * requests, `observe` looks as the affected user does, `fix` performs the fix
 * steps. State is plain data kept with the run between setup and fix.
 */
export interface Scenario {
  readonly key: string;
  readonly number: number;
  readonly title: string;
  readonly causes: readonly CauseKey[];
  setup(ctx: ScenarioContext): Promise<Record<string, unknown>>;
  observe(ctx: ScenarioContext, state: Record<string, unknown>): Promise<Symptom>;
  diagnose(state: Record<string, unknown>): DiagnoseAsk;
  fix(ctx: ScenarioContext, state: Record<string, unknown>): Promise<string[]>;
}
