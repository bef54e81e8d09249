import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppError, FieldError } from '../../common/errors';
import { JOB_NAMES, JOB_SPECS, JobName } from '../../queues/job-types';
import { uniform01 } from '../../queues/latency';
import type { SimScope } from '../../sandboxes/sim-access';
import { SimScopes } from '../../sandboxes/sim-scopes';
import { CreateFaultRuleDto, Effect } from './fault-rule.dto';
import { SandboxClock } from '../../sandboxes/sandbox-clock';

export interface FaultRule {
  id: number;
  company_id: number;
  target: 'job' | 'http';
  queue: string | null;
  job_name: string | null;
  route: string | null;
  method: string | null;
  project_id: number | null;
  user_id: number | null;
  effect: Effect;
  status: number | null;
  delay_ms: number | null;
  probability: number;
  count: number | null;
  remaining: number | null;
  seed: number;
  evaluations: number;
  hits: number;
  expires_at: Date | null;
  created_at: Date;
}

export interface JobSubject {
  companyId: number;
  projectId: number | null;
  queue: string;
  jobName: string;
}

export interface HttpSubject {
  companyId: number;
  projectId: number | null;
  userId: number;
  route: string;
  method: string;
}

const CACHE_MS = 1000;

/** A rule as answered; `now` is its sandbox's time (what `active` and expiry are judged by). */
export function mapRule(r: FaultRule, now: Date): Record<string, unknown> {
  const expired = r.expires_at !== null && r.expires_at.getTime() <= now.getTime();
  const spent = r.remaining !== null && r.remaining <= 0;
  return {
    id: r.id,
    target: r.target,
    queue: r.queue,
    job_name: r.job_name,
    route: r.route,
    method: r.method,
    project_id: r.project_id,
    user_id: r.user_id,
    effect: r.effect,
    status: r.status,
    delay_ms: r.delay_ms,
    probability: r.probability,
    count: r.count,
    remaining: r.remaining,
    seed: r.seed,
    evaluations: r.evaluations,
    hits: r.hits,
    active: !expired && !spent,
    expires_at: r.expires_at?.toISOString() ?? null,
    created_at: r.created_at.toISOString(),
  };
}

function routeMatches(rule: string, route: string): boolean {
  return rule.endsWith('*') ? route.startsWith(rule.slice(0, -1)) : rule === route;
}

/**
 * Fault rules: matched against jobs (queue, job, project) and requests (route,
 * method, project, user); a hit is decided by the rule's own seeded draw for
 * its n-th evaluation, so a run with the same seed and steps hits the same way.
 */
@Injectable()
export class FaultsService {
  private readonly cache = new Map<number, { at: number; rules: FaultRule[] }>();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly scopes: SimScopes,
    private readonly clock: SandboxClock,
  ) {}

  async create(scope: SimScope | undefined, dto: CreateFaultRuleDto): Promise<Record<string, unknown>> {
    this.check(dto);
    const { companyId, seed } = await this.companyFor(scope, dto);
    const now = await this.clock.now(companyId);
    const [row]: FaultRule[] = await this.db.query(
      `INSERT INTO fault_rules (company_id, target, queue, job_name, route, method, project_id, user_id, effect, status, delay_ms,
                                probability, count, remaining, seed, expires_at, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14, $15, $16) RETURNING *`,
      [
        companyId,
        dto.target,
        dto.queue ?? (dto.job_name ? JOB_SPECS[dto.job_name as JobName].queue : null),
        dto.job_name ?? null,
        dto.route ?? null,
        dto.method ?? null,
        dto.project_id ?? null,
        dto.user_id ?? null,
        dto.effect,
        dto.status ?? null,
        dto.delay_ms ?? null,
        dto.probability,
        dto.count ?? null,
        dto.seed ?? seed,
        dto.expires_in_seconds ? new Date(now.getTime() + dto.expires_in_seconds * 1000) : null,
        now,
      ],
    );
    this.cache.delete(companyId);
    return mapRule(row, now);
  }

  async list(scope: SimScope | undefined): Promise<Record<string, unknown>[]> {
    const companyId = await this.scopes.companyOf(scope);
    const rows: FaultRule[] = await this.db.query(
      'SELECT * FROM fault_rules WHERE ($1::int IS NULL OR company_id = $1) ORDER BY id',
      [companyId],
    );
    return Promise.all(rows.map(async (r) => mapRule(r, await this.clock.now(r.company_id))));
  }

  async remove(scope: SimScope | undefined, id: number): Promise<void> {
    const companyId = await this.scopes.companyOf(scope);
    const [rows]: [{ company_id: number }[], number] = await this.db.query(
      'DELETE FROM fault_rules WHERE id = $1 AND ($2::int IS NULL OR company_id = $2) RETURNING company_id',
      [id, companyId],
    );
    if (!rows.length) throw AppError.notFound('Fault rule');
    this.cache.delete(rows[0].company_id);
  }

  /**
   * Active rules of a company at its sandbox's time (cached for a second of
   * real time; a process's own changes apply at once).
   */
  async active(companyId: number): Promise<FaultRule[]> {
    const now = await this.clock.now(companyId);
    const live = (rules: FaultRule[]) => rules.filter((r) => r.expires_at === null || r.expires_at.getTime() > now.getTime());
    const hit = this.cache.get(companyId);
    if (hit && performance.now() - hit.at < CACHE_MS) return live(hit.rules);
    const rules: FaultRule[] = await this.db.query(
      `SELECT * FROM fault_rules WHERE company_id = $1 AND (expires_at IS NULL OR expires_at > $2)
          AND (remaining IS NULL OR remaining > 0) ORDER BY id`,
      [companyId, now],
    );
    this.cache.set(companyId, { at: performance.now(), rules });
    return rules;
  }

  async matchJob(s: JobSubject): Promise<FaultRule | null> {
    const rules = (await this.active(s.companyId)).filter(
      (r) =>
        r.target === 'job' &&
        (r.queue === null || r.queue === s.queue) &&
        (r.job_name === null || r.job_name === s.jobName) &&
        (r.project_id === null || r.project_id === s.projectId),
    );
    return this.firstHit(rules);
  }

  async matchHttp(s: HttpSubject): Promise<FaultRule | null> {
    const rules = (await this.active(s.companyId)).filter(
      (r) =>
        r.target === 'http' &&
        (r.route === null || routeMatches(r.route, s.route)) &&
        (r.method === null || r.method === s.method) &&
        (r.project_id === null || r.project_id === s.projectId) &&
        (r.user_id === null || r.user_id === s.userId),
    );
    return this.firstHit(rules);
  }

  /** The first rule whose seeded draw for this evaluation hits (and that has hits left). */
  private async firstHit(rules: FaultRule[]): Promise<FaultRule | null> {
    for (const rule of rules) {
      const [rows]: [{ evaluations: number }[], number] = await this.db.query(
        `UPDATE fault_rules SET evaluations = evaluations + 1
          WHERE id = $1 AND (expires_at IS NULL OR expires_at > $2) AND (remaining IS NULL OR remaining > 0)
          RETURNING evaluations`,
        [rule.id, await this.clock.now(rule.company_id)],
      );
      if (!rows.length) {
        this.cache.delete(rule.company_id);
        continue;
      }
      // The draw depends on the seed and the evaluation's number only: the same seed and steps hit alike in any run.
      if (uniform01(rule.seed, 'fault', rows[0].evaluations) >= rule.probability) continue;
      const [hit]: [FaultRule[], number] = await this.db.query(
        `UPDATE fault_rules SET hits = hits + 1, remaining = CASE WHEN remaining IS NULL THEN NULL ELSE remaining - 1 END
          WHERE id = $1 AND (remaining IS NULL OR remaining > 0) RETURNING *`,
        [rule.id],
      );
      if (!hit.length) continue;
      if (hit[0].remaining !== null && hit[0].remaining <= 0) this.cache.delete(rule.company_id);
      return hit[0];
    }
    return null;
  }

  private check(dto: CreateFaultRuleDto): void {
    const errors: FieldError[] = [];
    const forbid = (field: keyof CreateFaultRuleDto, why: string) => {
      if (dto[field] !== undefined) errors.push({ field, message: why });
    };
    if (dto.target === 'job') {
      if (!['fail', 'delay', 'stall', 'drop'].includes(dto.effect)) errors.push({ field: 'effect', message: 'must be fail, delay, stall or drop for a job rule' });
      forbid('route', 'applies to http rules only');
      forbid('method', 'applies to http rules only');
      forbid('status', 'applies to http_error only');
      if (dto.job_name !== undefined && !JOB_NAMES.includes(dto.job_name as JobName)) {
        errors.push({ field: 'job_name', message: `must be one of ${JOB_NAMES.join(', ')}` });
      } else if (dto.job_name && dto.queue && JOB_SPECS[dto.job_name as JobName].queue !== dto.queue) {
        errors.push({ field: 'queue', message: `${dto.job_name} runs on ${JOB_SPECS[dto.job_name as JobName].queue}` });
      }
    } else {
      if (!['http_error', 'delay'].includes(dto.effect)) errors.push({ field: 'effect', message: 'must be http_error or delay for an http rule' });
      forbid('queue', 'applies to job rules only');
      forbid('job_name', 'applies to job rules only');
      if (dto.route !== undefined && !dto.route.startsWith('/')) errors.push({ field: 'route', message: 'must start with /' });
      if (dto.effect === 'http_error' && dto.status === undefined) errors.push({ field: 'status', message: 'is required for http_error' });
    }
    if ((dto.effect === 'delay' || dto.effect === 'stall') && dto.delay_ms === undefined) {
      errors.push({ field: 'delay_ms', message: `is required for ${dto.effect}` });
    }
    if (dto.effect !== 'http_error') forbid('status', 'applies to http_error only');
    if (errors.length) throw AppError.validation(errors, 'Invalid fault rule.');
  }

  /** The company a new rule is for: the sandbox token's, or the named sandbox's, project's or user's. */
  private async companyFor(scope: SimScope | undefined, dto: CreateFaultRuleDto): Promise<{ companyId: number; seed: number }> {
    return this.scopes.target(scope, { sandboxId: dto.sandbox_id, projectId: dto.project_id, userId: dto.user_id });
  }

}
