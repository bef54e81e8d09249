import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ClassesService } from '../classes/classes.service';
import { AppError } from '../common/errors';
import { SandboxClock } from '../sandboxes/sandbox-clock';
import { SandboxesService } from '../sandboxes/sandboxes.service';
import type { SandboxView } from '../scenarios/scenarios.service';
import { ScenariosService } from '../scenarios/scenarios.service';
import { TraineeSandboxes } from './trainee-sandbox';

/** Answers a trainee may give before the challenge is lost. */
export const MAX_ATTEMPTS = 3;

interface ChallengeRow {
  id: number;
  sandbox_id: number;
  scenario: string;
  persona: string | null;
  status: 'armed' | 'solved' | 'failed' | 'cancelled';
  symptom: { present: boolean; description: string; observed: Record<string, unknown> };
  findings: { cause: string; evidence: Record<string, unknown>; fix: string[] }[];
  answers: { cause: string; correct: boolean; at: string }[];
  score: number | null;
  armed_at: Date;
  answered_at: Date | null;
}

/** 100 for the right cause at the first answer, 25 less for each wrong one before it; 0 when every answer was wrong. */
export function scoreOf(correctAt: number | null): number {
  return correctAt === null ? 0 : Math.max(0, 100 - 25 * (correctAt - 1));
}

/**
 * Challenges: a trainer arms a scenario's cause in a trainee's own sandbox
 * (hidden: the trainee sees only the symptom and who has it); the trainee
 * investigates with the console and names a cause key; it is scored, and the
 * evidence shown once the challenge is over.
 */
@Injectable()
export class ChallengesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly scenarios: ScenariosService,
    private readonly sandboxes: SandboxesService,
    private readonly classes: ClassesService,
    private readonly trainees: TraineeSandboxes,
    private readonly clock: SandboxClock,
  ) {}

  /** `simToken`: the caller's own token, which the scenario's simulator calls are made with. */
  async arm(sandboxId: number, key: string, simToken: string): Promise<Record<string, unknown>> {
    const about = this.scenarios.describe(key);
    if (!about) throw AppError.field('scenario', 'is not a scenario of the catalogue (GET /_sim/scenarios)');
    const view = (await this.sandboxes.get(sandboxId)) as unknown as SandboxView & { template: string };
    if (view.template !== 'training') throw AppError.field('sandbox_id', 'is not a training sandbox: challenges need its personas');
    const resets = await this.endReset(sandboxId);
    const [open] = await this.db.query(`SELECT id FROM training_challenges WHERE sandbox_id = $1 AND status = 'armed'`, [sandboxId]);
    if (open) throw new AppError('duplicate', `Challenge #${open.id} is still armed on this sandbox: wait for its answers, or reset the sandbox first (a reset cancels it).`, { challenge_id: open.id });
    let set: Awaited<ReturnType<ScenariosService['setUpIn']>>;
    try {
      set = await this.scenarios.setUpIn(key, { ...view, sandbox_token: simToken });
    } catch (err) {
      if (err instanceof AppError) throw err;
      throw AppError.field('scenario', `could not be armed in this sandbox as it is now (${(err as Error).message}); reset the sandbox and arm it again`);
    }
    if (!set.symptom.present) throw AppError.field('scenario', 'was set up but its symptom does not show in this sandbox as it is now; reset the sandbox and arm it again');
    const [row]: { id: number }[] = await this.db.query(
      `INSERT INTO training_challenges (sandbox_id, scenario, persona, status, symptom, findings, state, armed_at, sandbox_resets)
       VALUES ($1, $2, $3, 'armed', $4, $5, $6, $7, $8) RETURNING id`,
      [sandboxId, key, set.persona, JSON.stringify(set.symptom), JSON.stringify(set.findings), JSON.stringify(set.state), await this.clock.now(view.company_id), resets ?? 0],
    ).catch((err: { code?: string }) => {
      // Two arms at once: the unique index on the armed challenge lets one through.
      if (err.code === '23505') throw new AppError('duplicate', 'A challenge is already armed on this sandbox.');
      throw err;
    });
    return this.trainerView(await this.load(row.id));
  }

  /**
   * A challenge armed before the sandbox's last reset has lost its cause: it ends
   * `cancelled` (unscored). Answers how many times the sandbox was reset.
   */
  async endReset(sandboxId: number): Promise<number | null> {
    const [row]: { resets: number }[] = await this.db.query('SELECT resets FROM sandboxes WHERE id = $1', [sandboxId]);
    if (!row) return null;
    await this.db.query(`UPDATE training_challenges SET status = 'cancelled', answered_at = armed_at WHERE sandbox_id = $1 AND status = 'armed' AND sandbox_resets <> $2`, [sandboxId, row.resets]);
    return row.resets;
  }

  /** Whether a challenge is armed on the sandbox now (its cause hidden from its trainee). */
  async armed(sandboxId: number): Promise<boolean> {
    await this.endReset(sandboxId);
    const [open] = await this.db.query(`SELECT 1 FROM training_challenges WHERE sandbox_id = $1 AND status = 'armed'`, [sandboxId]);
    return Boolean(open);
  }

  async forSandbox(sandboxId: number): Promise<Record<string, unknown>[]> {
    await this.sandboxes.get(sandboxId);
    await this.endReset(sandboxId);
    const rows: ChallengeRow[] = await this.db.query('SELECT * FROM training_challenges WHERE sandbox_id = $1 ORDER BY id DESC', [sandboxId]);
    return rows.map((r) => this.trainerView(r));
  }

  async one(sandboxId: number, id: number): Promise<Record<string, unknown>> {
    const [row]: ChallengeRow[] = await this.db.query('SELECT * FROM training_challenges WHERE id = $1 AND sandbox_id = $2', [id, sandboxId]);
    if (!row) throw AppError.notFound('Challenge');
    return this.trainerView(row);
  }

  /** Results per trainee of a class: every challenge, with its answers and score. */
  async results(classId: number): Promise<Record<string, unknown>> {
    const cls = await this.classes.get(classId);
    const trainees = [];
    for (const t of cls.trainees as { trainee: number; sandbox_id: number }[]) {
      const challenges = await this.forSandbox(t.sandbox_id);
      const scored = challenges.filter((c) => c.status === 'solved' || c.status === 'failed');
      trainees.push({
        trainee: t.trainee,
        sandbox_id: t.sandbox_id,
        challenges,
        solved: challenges.filter((c) => c.status === 'solved').length,
        total_score: scored.reduce((n, c) => n + Number(c.score ?? 0), 0),
      });
    }
    return { class_id: classId, trainees };
  }

  /** The trainee's current challenge (their sandbox's newest): the symptom and who has it; the cause only once it is over. */
  async current(companyId: number): Promise<Record<string, unknown>> {
    const mine = await this.trainees.of(companyId);
    await this.endReset(mine.id);
    const [row]: ChallengeRow[] = await this.db.query('SELECT * FROM training_challenges WHERE sandbox_id = $1 ORDER BY id DESC LIMIT 1', [mine.id]);
    if (!row) throw AppError.notFound('Challenge');
    return this.traineeView(row);
  }

  async answer(companyId: number, cause: string): Promise<Record<string, unknown>> {
    const mine = await this.trainees.of(companyId);
    await this.endReset(mine.id);
    const now = await this.clock.now(companyId);
    const id = await this.db.transaction(async (m) => {
      const [row]: ChallengeRow[] = await m.query('SELECT * FROM training_challenges WHERE sandbox_id = $1 ORDER BY id DESC LIMIT 1 FOR UPDATE', [mine.id]);
      if (!row) throw AppError.notFound('Challenge');
      if (row.status !== 'armed') throw AppError.invalidTransition('answer the challenge', row.status, []);
      const expected = this.scenarios.describe(row.scenario)?.causes ?? [];
      const correct = expected.includes(cause);
      const answers = [...row.answers, { cause, correct, at: now.toISOString() }];
      const over = correct || answers.length >= MAX_ATTEMPTS;
      await m.query('UPDATE training_challenges SET answers = $2, status = $3, score = $4, answered_at = $5 WHERE id = $1', [
        row.id,
        JSON.stringify(answers),
        correct ? 'solved' : over ? 'failed' : 'armed',
        over ? scoreOf(correct ? answers.length : null) : null,
        over ? now : null,
      ]);
      return row.id;
    });
    return this.traineeView(await this.load(id));
  }

  private async load(id: number): Promise<ChallengeRow> {
    const [row]: ChallengeRow[] = await this.db.query('SELECT * FROM training_challenges WHERE id = $1', [id]);
    return row;
  }

  /** What shows the cause: diagnose's findings for the expected causes, as found when it was armed. */
  private evidence(row: ChallengeRow): Record<string, unknown>[] {
    const expected = this.scenarios.describe(row.scenario)?.causes ?? [];
    return row.findings.filter((f) => expected.includes(f.cause)).map((f) => ({ cause: f.cause, evidence: f.evidence, fix: f.fix }));
  }

  private common(row: ChallengeRow): Record<string, unknown> {
    return {
      id: row.id,
      sandbox_id: row.sandbox_id,
      status: row.status,
      symptom: { description: row.symptom.description },
      affected_persona: row.persona,
      answers: row.answers,
      attempts: row.answers.length,
      attempts_left: row.status === 'armed' ? MAX_ATTEMPTS - row.answers.length : 0,
      score: row.score,
      armed_at: row.armed_at.toISOString(),
      answered_at: row.answered_at?.toISOString() ?? null,
    };
  }

  private trainerView(row: ChallengeRow): Record<string, unknown> {
    const about = this.scenarios.describe(row.scenario);
    return { ...this.common(row), scenario: row.scenario, title: about?.title ?? row.scenario, expected_causes: [...(about?.causes ?? [])], evidence: this.evidence(row) };
  }

  /** Hidden while armed: no scenario, no cause, no evidence. */
  private traineeView(row: ChallengeRow): Record<string, unknown> {
    if (row.status === 'armed') return { ...this.common(row), scenario: null, title: null, expected_causes: null, evidence: null };
    return this.trainerView(row);
  }
}
