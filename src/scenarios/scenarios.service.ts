import { Injectable, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyInstance } from 'fastify';
import { DataSource } from 'typeorm';
import { AppError } from '../common/errors';
import { DiagnoseService } from '../diagnose/diagnose.service';
import { SandboxesService } from '../sandboxes/sandboxes.service';
import type { Scenario } from './scenario';
import { Persona, ScenarioContext } from './scenario-context';
import { SandboxClock } from '../sandboxes/sandbox-clock';

export interface SandboxView {
  id: number;
  company_id: number;
  sandbox_token: string;
  personas: { key: string; user_id: number; email: string; password: string }[];
  projects: { key: string; id: number; name: string }[];
}

interface RunRow {
  id: number;
  scenario: string;
  sandbox_id: number;
  status: string;
  state: Record<string, unknown> & { _sandbox_token: string };
  symptom: Record<string, unknown>;
  findings: unknown[];
  fix_steps: string[];
  symptom_after: Record<string, unknown> | null;
  created_at: Date;
  fixed_at: Date | null;
}

/** The scenario catalogue (SCENARIOS.md): each run in a sandbox of its own, with its symptom, findings and fix. */
@Injectable()
export class ScenariosService {
  private readonly logger = new Logger('Scenarios');
  private readonly scenarios = new Map<string, Scenario>();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly sandboxes: SandboxesService,
    private readonly diagnose: DiagnoseService,
    private readonly adapter: HttpAdapterHost,
    private readonly clock: SandboxClock,
  ) {}

  register(...scenarios: Scenario[]): void {
    for (const s of scenarios) {
      if (this.scenarios.has(s.key)) throw new Error(`scenario ${s.key} registered twice`);
      this.scenarios.set(s.key, s);
    }
  }

  catalogue(): Record<string, unknown>[] {
    return [...this.scenarios.values()]
      .sort((a, b) => a.number - b.number)
      .map((s) => ({ key: s.key, number: s.number, title: s.title, causes: s.causes }));
  }

  /** A scenario of the catalogue with its fix in words, or null for an unknown key. */
  describe(key: string): { key: string; number: number; title: string; causes: readonly string[]; fixSteps: string[] } | null {
    const s = this.scenarios.get(key);
    return s ? { key: s.key, number: s.number, title: s.title, causes: s.causes, fixSteps: (s as Scenario & { fixSteps?: string[] }).fixSteps ?? [] } : null;
  }

  async run(key: string): Promise<Record<string, unknown>> {
    const scenario = this.scenarios.get(key);
    if (!scenario) throw AppError.notFound('Scenario');
    const sandbox = (await this.sandboxes.create(`scenario ${key}`, 'training', 1)) as unknown as SandboxView;
    const ctx = new ScenarioContext(this.http(), sandbox);
    let state: Record<string, unknown>;
    try {
      state = await scenario.setup(ctx);
    } catch (err) {
      this.logger.warn(`scenario ${key} setup failed: ${(err as Error).message}`);
      throw err;
    }
    const symptom = await scenario.observe(ctx, state);
    const findings = await this.findings(scenario, ctx, state);
    const [row]: { id: number }[] = await this.db.query(
      `INSERT INTO scenario_runs (scenario, sandbox_id, status, state, symptom, findings, fix_steps, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      [key, sandbox.id, symptom.present ? 'symptom_shown' : 'failed', JSON.stringify({ ...state, _sandbox_token: sandbox.sandbox_token }), JSON.stringify(symptom), JSON.stringify(findings), JSON.stringify([]), await this.clock.now(sandbox.company_id)],
    );
    return { id: row.id, scenario: key, status: symptom.present ? 'symptom_shown' : 'failed', sandbox: this.sandboxOf(sandbox), symptom, findings, fix_steps: await this.fixSteps(scenario) };
  }

  /**
   * Makes a scenario's cause happen in an existing sandbox (a trainer's
   * challenge on a trainee's sandbox): its setup with real requests, the symptom
   * as the affected user sees it, and what diagnose finds. `view` carries the
   * token its simulator calls are made with.
   */
  async setUpIn(key: string, view: SandboxView): Promise<{ state: Record<string, unknown>; symptom: Record<string, unknown> & { present: boolean }; findings: unknown[]; persona: string | null }> {
    const scenario = this.scenarios.get(key);
    if (!scenario) throw AppError.notFound('Scenario');
    const ctx = new ScenarioContext(this.http(), view);
    const state = await scenario.setup(ctx);
    const symptom = await scenario.observe(ctx, state);
    const findings = await this.findings(scenario, ctx, state);
    return { state, symptom: { ...symptom }, findings, persona: scenario.diagnose(state).persona ?? null };
  }

  async get(id: number): Promise<Record<string, unknown>> {
    const run = await this.load(id);
    return {
      id: run.id,
      scenario: run.scenario,
      status: run.status,
      sandbox_id: run.sandbox_id,
      symptom: run.symptom,
      findings: run.findings,
      fix_steps: run.fix_steps,
      symptom_after: run.symptom_after,
      created_at: run.created_at.toISOString(),
      fixed_at: run.fixed_at?.toISOString() ?? null,
    };
  }

  /** Performs the fix steps, then looks again as the affected user: the symptom must be gone. */
  async fix(id: number): Promise<Record<string, unknown>> {
    const run = await this.load(id);
    const scenario = this.scenarios.get(run.scenario);
    if (!scenario) throw AppError.notFound('Scenario');
    if (run.status !== 'symptom_shown') throw AppError.invalidTransition('fix the run', run.status, run.status === 'symptom_shown' ? ['fix'] : []);
    const view = { ...((await this.sandboxes.get(run.sandbox_id)) as unknown as SandboxView), sandbox_token: run.state._sandbox_token };
    const ctx = new ScenarioContext(this.http(), view);
    const steps = await scenario.fix(ctx, run.state);
    const after = await scenario.observe(ctx, run.state);
    const resolved = !after.present;
    await this.db.query(
      `UPDATE scenario_runs SET status = $2, fix_steps = $3, symptom_after = $4, fixed_at = $5 WHERE id = $1`,
      [id, resolved ? 'resolved' : 'unresolved', JSON.stringify(steps), JSON.stringify(after), await this.clock.now(view.company_id)],
    );
    return { id, resolved, fix_steps: steps, symptom_after: after };
  }

  private async findings(scenario: Scenario, ctx: ScenarioContext, state: Record<string, unknown>): Promise<unknown[]> {
    const ask = scenario.diagnose(state);
    const result = await this.diagnose.diagnose({
      companyId: ctx.companyId,
      projectId: ask.project ? ctx.project(ask.project) : null,
      userId: ask.persona ? ctx.userId(ask.persona as Persona) : null,
      tool: ask.tool ?? null,
      itemId: null,
      symptom: ask.symptom,
      action: ask.action ?? null,
    });
    return result.findings;
  }

  private async fixSteps(scenario: Scenario): Promise<string[]> {
    return (scenario as Scenario & { fixSteps?: string[] }).fixSteps ?? [];
  }

  private sandboxOf(s: SandboxView): Record<string, unknown> {
    return { id: s.id, company_id: s.company_id, sandbox_token: s.sandbox_token, personas: s.personas, projects: s.projects };
  }

  private http(): FastifyInstance {
    const instance = this.adapter.httpAdapter?.getInstance() as FastifyInstance | undefined;
    if (!instance) throw new AppError('service_unavailable', 'Scenarios run through the API; this process serves no HTTP.');
    return instance;
  }

  private async load(id: number): Promise<RunRow> {
    const [run]: RunRow[] = await this.db.query('SELECT * FROM scenario_runs WHERE id = $1', [id]);
    if (!run) throw AppError.notFound('Scenario run');
    return run;
  }
}
