import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppError } from '../common/errors';
import { SandboxClock } from '../sandboxes/sandbox-clock';
import { SandboxesService } from '../sandboxes/sandboxes.service';
import { ScenariosService } from '../scenarios/scenarios.service';
import { AppConfig } from '../config/app-config';
import { REDIS } from '../redis/redis.module';
import { ChallengesService } from './challenges.service';
import { TraineeSandboxes } from './trainee-sandbox';

/** A trainee keeps their newest drills; starting one more deletes the oldest's sandbox. */
export const DRILLS_KEPT = 5;

/**
 * Drills: a trainee runs a scenario of the catalogue (in a sandbox made for the
 * run, never their own), sees the symptom, the findings and the fix, and
 * applies the fix. The run's sandbox token stays on the server.
 */
@Injectable()
export class DrillsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly scenarios: ScenariosService,
    private readonly sandboxes: SandboxesService,
    private readonly trainees: TraineeSandboxes,
    private readonly clock: SandboxClock,
    private readonly challenges: ChallengesService,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {}

  /**
   * The trainee's sandbox, when no challenge is armed on it: a drill shows a
   * scenario's symptom with diagnose's causes, which would name the hidden one.
   */
  private async open(companyId: number): Promise<{ id: number }> {
    const mine = await this.trainees.of(companyId);
    if (await this.challenges.armed(mine.id)) {
      throw new AppError('invalid_transition', 'A challenge is armed on your sandbox: drills are closed until it is answered (a drill would show the causes).', { from: 'challenge_armed' });
    }
    return mine;
  }

  async catalogue(companyId: number): Promise<Record<string, unknown>[]> {
    await this.trainees.of(companyId);
    return this.scenarios.catalogue().map((s) => ({ key: s.key, number: s.number, title: s.title }));
  }

  async start(companyId: number, userId: number, key: string): Promise<Record<string, unknown>> {
    const mine = await this.open(companyId);
    if (!this.scenarios.describe(key)) throw AppError.field('scenario', `is not a scenario of the catalogue (GET /_sim/training/scenarios)`);
    // One drill at a time per trainee: each builds a whole sandbox (every process shares the lock).
    const lock = `${this.config.redisPrefix}:drill:${mine.id}`;
    if ((await this.redis.set(lock, '1', 'PX', 120_000, 'NX')) !== 'OK') {
      throw new AppError('rate_limited', 'A drill of yours is still being set up: start the next once it is ready.', { reason: 'drill_in_progress' }, { 'Retry-After': '2' });
    }
    let run: Awaited<ReturnType<ScenariosService['run']>>;
    try {
      run = await this.scenarios.run(key);
    } finally {
      await this.redis.del(lock).catch(() => 0);
    }
    await this.db.query('INSERT INTO training_drills (run_id, sandbox_id, user_id, created_at) VALUES ($1, $2, $3, $4)', [run.id, mine.id, userId, await this.clock.now(companyId)]);
    // Older drills go with their sandboxes (the run's row goes with its sandbox, and the drill with the run).
    const old: { sandbox_id: number }[] = await this.db.query(
      `SELECT r.sandbox_id FROM training_drills d JOIN scenario_runs r ON r.id = d.run_id
        WHERE d.sandbox_id = $1 ORDER BY d.run_id DESC OFFSET $2`,
      [mine.id, DRILLS_KEPT],
    );
    for (const o of old) await this.sandboxes.remove(o.sandbox_id).catch(() => undefined);
    return this.get(companyId, Number(run.id));
  }

  async list(companyId: number): Promise<Record<string, unknown>[]> {
    const mine = await this.open(companyId);
    const ids: { run_id: number }[] = await this.db.query('SELECT run_id FROM training_drills WHERE sandbox_id = $1 ORDER BY run_id DESC', [mine.id]);
    const out = [];
    for (const { run_id } of ids) out.push(await this.view(run_id));
    return out;
  }

  async get(companyId: number, runId: number): Promise<Record<string, unknown>> {
    await this.own(companyId, runId);
    return this.view(runId);
  }

  async fix(companyId: number, runId: number): Promise<Record<string, unknown>> {
    await this.own(companyId, runId);
    await this.scenarios.fix(runId);
    return this.view(runId);
  }

  /** Another trainee's drill is not found, like any item of another sandbox. */
  private async own(companyId: number, runId: number): Promise<void> {
    const mine = await this.open(companyId);
    const [row] = await this.db.query('SELECT 1 FROM training_drills WHERE run_id = $1 AND sandbox_id = $2', [runId, mine.id]);
    if (!row) throw AppError.notFound('Drill');
  }

  private async view(runId: number): Promise<Record<string, unknown>> {
    const run = await this.scenarios.get(runId);
    const about = this.scenarios.describe(String(run.scenario));
    const fixed = run.fixed_at !== null;
    return {
      id: run.id,
      scenario: run.scenario,
      number: about?.number ?? 0,
      title: about?.title ?? String(run.scenario),
      status: run.status,
      symptom: run.symptom,
      findings: run.findings,
      fix_steps: about?.fixSteps ?? [],
      fix_performed: run.fix_steps,
      symptom_after: run.symptom_after,
      resolved: fixed ? run.status === 'resolved' : null,
      created_at: run.created_at,
      fixed_at: run.fixed_at,
    };
  }
}
