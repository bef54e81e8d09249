import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import { DelayedError, Job } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import type Redis from 'ioredis';
import { Gauge } from 'prom-client';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { DataSource } from 'typeorm';
import { AppError } from '../../common/errors';
import { AppConfig } from '../../config/app-config';
import { Metrics } from '../../observability/metrics';
import { JobProcessors } from '../../queues/job-processors';
import { JobOf } from '../../queues/job-types';
import { QueueRegistry } from '../../queues/queue-registry';
import { REDIS } from '../../redis/redis.module';
import { SandboxClock } from '../../sandboxes/sandbox-clock';
import { withDefaults } from '../../sandboxes/sandbox-settings';
import type { SimScope } from '../../sandboxes/sim-access';
import { SimScopes } from '../../sandboxes/sim-scopes';
import { ActivityHttp, HttpAnswer } from './activity-http';
import { realNow } from './activity-pace';
import { ACTIVITY_LIMITS, ActivitySpec, peakRequests, personasOf, PlannedAction, planActions, WorkflowName, WORKFLOW_NAMES, WORKFLOWS } from './activity-plan';
import { ActivityRefs, StepCall, STEPS } from './activity-steps';

export interface StartActivity extends Omit<ActivitySpec, 'seed'> {
  seed?: number;
  project_id: number;
  sandbox_id?: number;
}

export interface ActivityUser {
  persona: string;
  member: number;
  user_id: number;
  email: string;
  generated: boolean;
}

export interface ActivityRun extends ActivitySpec {
  id: string;
  company_id: number;
  project_id: number;
  api_url: string;
  /** The sandbox's resets at the start: a reset (or a deletion) stops the run, whose items are gone. */
  sandbox_resets: number;
  state: 'running' | 'stopped' | 'finished';
  planned: number;
  /** The schedule is stretched by this factor to keep every user within the sandbox's rate limits. */
  stretch: number;
  effective_rate_per_minute: number;
  warnings: string[];
  /** Real time (epoch ms) of the start: actions are paced in real time, as users work. */
  started_real_ms: number;
  started_at: string;
  ends_at: string;
  stopped_at: string | null;
  finished_at: string | null;
  users: ActivityUser[];
  refs: ActivityRefs;
}

/** Requests one action sends at most (an edit reads the item, then writes it). */
const REQUESTS_PER_ACTION = 2;
/** A step whose instance has not got there yet looks again after this long… */
const WAIT_MS = 250;
/** …for at most this long after its due time, then it is skipped (its instance is stuck). */
const WAIT_LIMIT_MS = 120_000;
const RECENT = 50;

type Outcome = 'ok' | 'failed' | 'skipped';

interface ItemState {
  id?: number;
  /** The last step done. */
  done?: number;
  dead?: string;
}

const SCHEDULE_NEXT = `local cur = tonumber(redis.call('GET', KEYS[1]) or '-1')
if cur < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2]) return 1 end
return 0`;

/**
 * A busy project on demand: synthetic users who work through the real
 * workflows (RFIs, submittals, change orders, photos) over real HTTP, with
 * their own tokens and every permission check. A run is a seeded plan of
 * actions paced in real time; each action is one BullMQ job on the `activity`
 * queue that schedules the next, so any worker process runs them, a killed
 * worker's action is run again (its POSTs carry an idempotency key, so they
 * happen once), and the jobs show in `/_sim/jobs`. Its state and counts live
 * in Redis, shared by every process.
 */
@Injectable()
export class ActivityService implements OnModuleInit {
  private readonly plans = new Map<string, PlannedAction[]>();
  private readonly tokens = new Map<string, string>();
  private photoBytes: Promise<Buffer> | null = null;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
    private readonly queues: QueueRegistry,
    private readonly processors: JobProcessors,
    private readonly scopes: SimScopes,
    private readonly clock: SandboxClock,
    private readonly adapter: HttpAdapterHost,
    private readonly metrics: Metrics,
  ) {}

  onModuleInit(): void {
    this.processors.register(
      'sim.activity',
      (payload, job) => this.act(payload, job),
      (payload, error) => this.gaveUp(payload, error),
    );
    this.registerGauge();
  }

  private key(companyId: number): string {
    return `${this.config.redisPrefix}:activity:${companyId}`;
  }

  private runKey(run: { company_id: number; id: string }, part: 'counts' | 'items' | 'recent' | 'scheduled'): string {
    return `${this.key(run.company_id)}:${run.id}:${part}`;
  }

  async start(scope: SimScope | undefined, input: StartActivity): Promise<Record<string, unknown>> {
    const target = await this.scopes.target(scope, { sandboxId: input.sandbox_id, projectId: input.project_id });
    const spec: ActivitySpec = {
      seed: input.seed ?? target.seed,
      rate_per_minute: input.rate_per_minute,
      duration_seconds: input.duration_seconds,
      users_per_persona: input.users_per_persona,
      mix: input.mix,
    };
    const planned = Math.floor((spec.rate_per_minute * spec.duration_seconds) / 60);
    if (planned < 1) throw AppError.field('duration_seconds', `gives no action at ${spec.rate_per_minute} a minute: run for at least ${Math.ceil(60 / spec.rate_per_minute)} s`);
    if (planned > ACTIVITY_LIMITS.actions) throw AppError.field('duration_seconds', `gives ${planned} actions at this rate; a run has at most ${ACTIVITY_LIMITS.actions}`);
    const apiUrl = this.apiUrl();
    const [sandbox] = await this.db.query('SELECT settings, seed, seeded_ids, persona_password, resets FROM sandboxes WHERE id = $1', [target.sandboxId]);
    const personas: Record<string, number> = sandbox.seeded_ids?.personas ?? {};
    const needed = personasOf(spec.mix);
    const members: { user_id: number; email: string; name: string; job_title: string | null; vendor_id: number | null; company_template_id: number | null; project_template_id: number | null; on_project: boolean }[] =
      await this.db.query(
        `SELECT u.id AS user_id, u.email, u.name, u.job_title, u.vendor_id, u.company_template_id, m.template_id AS project_template_id, (m.user_id IS NOT NULL) AS on_project
           FROM users u LEFT JOIN project_memberships m ON m.user_id = u.id AND m.project_id = $2 AND m.active
          WHERE u.id = ANY($1::int[])`,
        [Object.values(personas), input.project_id],
      );
    const problems = needed.flatMap((persona) => {
      const workflows = WORKFLOW_NAMES.filter((w) => (spec.mix[w] ?? 0) > 0 && WORKFLOWS[w].some((s) => s.persona === persona)).join(', ');
      const member = members.find((m) => m.user_id === personas[persona]);
      if (!member) return [{ field: 'mix', message: `${workflows} need the ${persona} persona, which this sandbox does not have` }];
      if (!member.on_project) return [{ field: 'project_id', message: `${workflows} need the ${persona} persona on this project, and it is not a member` }];
      return [];
    });
    if (!sandbox.persona_password) problems.push({ field: 'sandbox_id', message: 'has no persona logins (activity signs its users in as the training personas do)' });
    const refs = await this.refsOf(input.project_id, spec.mix);
    if ((spec.mix.change_orders ?? 0) > 0 && (!refs.prime_contract_id || !refs.budget_line_item_id)) {
      problems.push({ field: 'mix.change_orders', message: 'needs a prime contract and a budget line item on the project' });
    }
    if (problems.length) throw AppError.validation(problems, `The activity cannot run on this project: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`);

    // Pacing: every user stays within the sandbox's limits for one token.
    const settings = withDefaults(sandbox.settings, sandbox.seed);
    let actions = planActions(spec);
    const peak = peakRequests(actions, REQUESTS_PER_ACTION);
    const stretch = Math.max(1, peak.spike_10s / settings.rate_limit.spike_10s, peak.hourly / settings.rate_limit.hourly);
    const warnings: string[] = [];
    const effective = Math.round((spec.rate_per_minute / stretch) * 100) / 100;
    if (stretch > 1) {
      warnings.push(
        `At ${spec.rate_per_minute} actions a minute, ${peak.user} would send up to ${peak.spike_10s} requests in 10 s and ${peak.hourly} in an hour, over the sandbox's rate limits (${settings.rate_limit.spike_10s} per 10 s, ${settings.rate_limit.hourly} an hour, per token): the activity is paced to ${effective} a minute. Raise the limits (PATCH /_sim/sandboxes/{id}/settings rate_limit) or add users_per_persona to run faster.`,
      );
    }

    await this.stopRun(target.companyId);
    const users = await this.users(apiUrl, target.companyId, input.project_id, personas, members, needed, spec.users_per_persona, sandbox.persona_password);
    const refsWithUsers: ActivityRefs = { ...refs, users: Object.fromEntries(users.map((u) => [`${u.persona}#${u.member}`, u.user_id])) };
    const now = await this.clock.now(target.companyId);
    const startedReal = realNow();
    const durationMs = (actions[actions.length - 1]?.at_ms ?? 0) * stretch;
    const run: ActivityRun = {
      ...spec,
      id: randomBytes(6).toString('hex'),
      company_id: target.companyId,
      project_id: input.project_id,
      api_url: apiUrl,
      sandbox_resets: sandbox.resets,
      state: 'running',
      planned: actions.length,
      stretch,
      effective_rate_per_minute: effective,
      warnings,
      started_real_ms: startedReal,
      started_at: now.toISOString(),
      ends_at: new Date(now.getTime() + durationMs).toISOString(),
      stopped_at: null,
      finished_at: null,
      users,
      refs: refsWithUsers,
    };
    this.plans.set(run.id, actions);
    actions = [];
    await this.redis.multi().set(this.key(run.company_id), JSON.stringify(run)).sadd(`${this.config.redisPrefix}:activity:runs`, String(run.company_id)).exec();
    await this.schedule(run, 0);
    return this.view(run.company_id);
  }

  async get(scope: SimScope | undefined, sandboxId?: number): Promise<Record<string, unknown>> {
    const { companyId } = await this.scopes.target(scope, { sandboxId });
    return this.view(companyId);
  }

  /** The run's planned actions from `offset` (the same seed and settings give the same list). */
  async plan(scope: SimScope | undefined, sandboxId: number | undefined, offset: number, limit: number): Promise<Record<string, unknown>> {
    const { companyId } = await this.scopes.target(scope, { sandboxId });
    const run = await this.runOf(companyId);
    if (!run) throw AppError.notFound('Activity');
    const actions = this.planOf(run);
    return { run_id: run.id, planned: actions.length, offset, actions: actions.slice(offset, offset + limit).map((a) => this.describe(run, a)) };
  }

  async stop(scope: SimScope | undefined, sandboxId?: number): Promise<void> {
    const { companyId } = await this.scopes.target(scope, { sandboxId });
    await this.stopRun(companyId);
  }

  private async stopRun(companyId: number, why?: string): Promise<void> {
    const run = await this.runOf(companyId);
    if (!run || run.state !== 'running') return;
    run.state = 'stopped';
    if (why) run.warnings.push(`Stopped: ${why}.`);
    run.stopped_at = (await this.clock.now(companyId)).toISOString();
    await this.redis.set(this.key(companyId), JSON.stringify(run));
    // The next action waits on the queue as a delayed job: it goes now (an action already running finishes its step).
    const next = Number(await this.redis.get(this.runKey(run, 'scheduled')));
    if (Number.isInteger(next)) await (await this.queues.get('activity').getJob(this.jobId(run, next)))?.remove().catch(() => undefined);
  }

  private async runOf(companyId: number): Promise<ActivityRun | null> {
    const raw = await this.redis.get(this.key(companyId));
    return raw ? (JSON.parse(raw) as ActivityRun) : null;
  }

  private planOf(run: ActivityRun): PlannedAction[] {
    let actions = this.plans.get(run.id);
    if (!actions) {
      actions = planActions(run);
      if (this.plans.size >= 8) this.plans.delete(this.plans.keys().next().value as string);
      this.plans.set(run.id, actions);
    }
    return actions;
  }

  private jobId(run: ActivityRun, index: number): string {
    return `act-${run.company_id}-${run.id}-${index}`;
  }

  /** Queues action `index` at its time, once (a retried action does not queue its successor again). */
  private async schedule(run: ActivityRun, index: number): Promise<void> {
    const actions = this.planOf(run);
    if (index >= actions.length) return;
    const first = await this.redis.eval(SCHEDULE_NEXT, 1, this.runKey(run, 'scheduled'), String(index), String(run.duration_seconds * run.stretch + 86_400));
    if (first !== 1) return;
    const due = run.started_real_ms + actions[index].at_ms * run.stretch;
    await this.queues.get('activity').add(
      'sim.activity',
      { companyId: run.company_id, projectId: run.project_id, runId: run.id, index },
      { jobId: this.jobId(run, index), delay: Math.max(0, due - realNow()), attempts: 3, backoff: { type: 'fixed', delay: 1000 }, removeOnComplete: { age: 3600, count: 2000 }, removeOnFail: { age: 86_400 } },
    );
  }

  /** One action of a run, as a job. */
  private async act(payload: JobOf<'sim.activity'>, job: Job): Promise<unknown> {
    const run = await this.runOf(payload.companyId);
    if (!run || run.id !== payload.runId || run.state !== 'running') return { skipped: 'the activity was stopped' };
    const action = this.planOf(run)[payload.index];
    if (!action) return { skipped: 'not in the plan' };
    const [sandbox] = await this.db.query('SELECT resets FROM sandboxes WHERE company_id = $1', [run.company_id]);
    if (sandbox?.resets !== run.sandbox_resets) {
      await this.stopRun(run.company_id, sandbox ? 'the sandbox was reset' : 'the sandbox was deleted');
      return { skipped: 'the sandbox was reset or deleted' };
    }
    await this.schedule(run, payload.index + 1);
    let item: ItemState = {};
    if (action.step_index > 0) {
      item = await this.itemOf(run, action);
      if (item.dead) return this.settle(run, action, 'skipped', null, 0, `its ${action.workflow} #${action.instance} stopped: ${item.dead}`, item.id);
      if ((item.done ?? -1) < action.step_index - 1) {
        const late = realNow() - (run.started_real_ms + action.at_ms * run.stretch);
        if (late > WAIT_LIMIT_MS) {
          await this.setItem(run, action, { ...item, dead: 'an earlier step never finished' });
          return this.settle(run, action, 'skipped', null, 0, 'an earlier step of its instance never finished', item.id);
        }
        await job.moveToDelayed(realNow() + WAIT_MS, job.token);
        throw new DelayedError();
      }
    }
    const http = new ActivityHttp(run.api_url, run.company_id);
    const user = run.users.find((u) => u.persona === action.persona && u.member === action.member)!;
    // A POST carries the action's idempotency key: a retried job sends it again, and the API answers the first result.
    const idempotencyKey = `activity-${run.id}-${action.index}`;
    const call: StepCall = {
      action,
      refs: run.refs,
      itemId: item.id ?? null,
      send: (method, path, body, headers = {}) => this.send(http, run, user, method, path, body, method === 'POST' ? { 'idempotency-key': idempotencyKey, ...headers } : headers),
      photo: () => this.photo(),
    };
    const started = performance.now();
    const result = await STEPS[action.workflow][action.step](call);
    const ms = Math.round(performance.now() - started);
    const { answer } = result;
    const ok = answer.status < 400;
    // A conflicting edit is what a busy project does: the instance goes on.
    const goesOn = ok || answer.status === 409;
    const next: ItemState = action.step_index === 0 ? (result.createdId ? { id: result.createdId, done: 0 } : { dead: `its first step answered ${answer.status}` }) : goesOn ? { ...item, done: action.step_index } : { ...item, dead: `${action.step} answered ${answer.status}${answer.code ? ` ${answer.code}` : ''}` };
    await this.setItem(run, action, next);
    return this.settle(run, action, ok ? 'ok' : 'failed', answer, ms, null, item.id ?? result.createdId);
  }

  /**
   * An action that failed all its attempts without an answer to count (its user
   * could not sign in, the API could not be reached): it is counted failed, and its
   * instance stops, so that the run still ends.
   */
  private async gaveUp(payload: JobOf<'sim.activity'>, error: Error): Promise<void> {
    const run = await this.runOf(payload.companyId);
    if (!run || run.id !== payload.runId) return;
    const action = this.planOf(run)[payload.index];
    if (!action) return;
    const item = await this.itemOf(run, action);
    await this.setItem(run, action, { ...item, dead: `${action.step} failed: ${error.message}` });
    await this.settle(run, action, 'failed', null, 0, error.message.slice(0, 300), item.id);
  }

  /** Where the action's instance (its RFI, submittal, …) has got to, shared by every process through Redis. */
  private async itemOf(run: ActivityRun, action: PlannedAction): Promise<ItemState> {
    const raw = await this.redis.hget(this.runKey(run, 'items'), `${action.workflow}:${action.instance}`);
    return raw ? (JSON.parse(raw) as ItemState) : {};
  }

  private async setItem(run: ActivityRun, action: PlannedAction, state: ItemState): Promise<void> {
    await this.redis.hset(this.runKey(run, 'items'), `${action.workflow}:${action.instance}`, JSON.stringify(state));
  }

  private async send(http: ActivityHttp, run: ActivityRun, user: ActivityUser, method: string, path: string, body: unknown, headers: Record<string, string>): Promise<HttpAnswer> {
    const tokenKey = `${run.id}|${user.user_id}`;
    for (let attempt = 0; ; attempt++) {
      let token = this.tokens.get(tokenKey);
      if (!token) {
        token = await this.signIn(http, run.company_id, user.email);
        if (this.tokens.size > 1000) this.tokens.clear();
        this.tokens.set(tokenKey, token);
      }
      const answer = await http.request(method, path, token, body, headers);
      if (answer.status === 401 && attempt === 0) {
        // The token expired (sandbox time may have jumped): sign in again, once.
        this.tokens.delete(tokenKey);
        continue;
      }
      return answer;
    }
  }

  private async signIn(http: ActivityHttp, companyId: number, email: string): Promise<string> {
    const [row] = await this.db.query('SELECT persona_password FROM sandboxes WHERE company_id = $1', [companyId]);
    const answer = await http.request('POST', '/oauth/token', null, { grant_type: 'password', username: email, password: row?.persona_password ?? '' });
    const token = (answer.body as { access_token?: string } | null)?.access_token;
    if (answer.status !== 200 || !token) throw new Error(`signing in ${email} answered ${answer.status}${answer.code ? ` ${answer.code}` : ''}`);
    return token;
  }

  /** Counts an action's outcome (in Redis, for every process) and ends the run after its last action. */
  private async settle(run: ActivityRun, action: PlannedAction, outcome: Outcome, answer: HttpAnswer | null, ms: number, reason: string | null, itemId?: number): Promise<Record<string, unknown>> {
    const step = `${action.workflow}.${action.step}`;
    const entry = {
      index: action.index,
      workflow: action.workflow,
      instance: action.instance,
      step: action.step,
      persona: action.persona,
      member: action.member,
      user_id: run.refs.users[`${action.persona}#${action.member}`] ?? null,
      item_id: itemId ?? null,
      outcome,
      status: answer?.status ?? null,
      code: answer?.code ?? null,
      ms,
      reason,
      at: (await this.clock.now(run.company_id)).toISOString(),
    };
    const counts = this.runKey(run, 'counts');
    const multi = this.redis
      .multi()
      .hincrby(counts, `step:${step}:${outcome}`, 1)
      .hincrby(counts, outcome, 1)
      .lpush(this.runKey(run, 'recent'), JSON.stringify(entry))
      .ltrim(this.runKey(run, 'recent'), 0, RECENT - 1);
    if (answer) multi.hincrby(counts, `status:${answer.status}`, 1);
    if (answer?.code) multi.hincrby(counts, `error:${answer.code}`, 1);
    if (answer?.waited) multi.hincrby(counts, 'rate_limited', answer.waited);
    if (answer?.status === 409) multi.hincrby(counts, 'conflicts', 1);
    multi.hincrby(counts, 'settled', 1);
    const result = await multi.exec();
    this.metrics.activityActions.inc({ workflow: action.workflow, step: action.step, outcome });
    const settled = Number(result?.[result.length - 1]?.[1] ?? 0);
    if (settled >= run.planned) await this.finish(run);
    return entry;
  }

  private async finish(run: ActivityRun): Promise<void> {
    const current = await this.runOf(run.company_id);
    if (!current || current.id !== run.id || current.state !== 'running') return;
    current.state = 'finished';
    current.finished_at = (await this.clock.now(run.company_id)).toISOString();
    await this.redis.set(this.key(run.company_id), JSON.stringify(current));
  }

  private async view(companyId: number): Promise<Record<string, unknown>> {
    const run = await this.runOf(companyId);
    if (!run) return { active: false, run: null };
    const [counts, recent] = await Promise.all([this.redis.hgetall(this.runKey(run, 'counts')), this.redis.lrange(this.runKey(run, 'recent'), 0, RECENT - 1)]);
    const n = (field: string) => Number(counts[field] ?? 0);
    const byPrefix = (prefix: string) => Object.fromEntries(Object.entries(counts).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), Number(v)]));
    const steps: Record<string, Record<Outcome, number>> = {};
    for (const w of WORKFLOW_NAMES) {
      if (!(run.mix[w] ?? 0)) continue;
      for (const s of WORKFLOWS[w]) steps[`${w}.${s.step}`] = { ok: n(`step:${w}.${s.step}:ok`), failed: n(`step:${w}.${s.step}:failed`), skipped: n(`step:${w}.${s.step}:skipped`) };
    }
    const done = n('ok') + n('failed') + n('skipped');
    const { refs: _refs, api_url: _url, started_real_ms: _real, stretch: _stretch, sandbox_resets: _resets, ...shown } = run;
    return {
      active: run.state === 'running',
      run: {
        ...shown,
        mix: Object.fromEntries(WORKFLOW_NAMES.map((w) => [w, run.mix[w] ?? 0])),
        progress: { planned: run.planned, done, ok: n('ok'), failed: n('failed'), skipped: n('skipped'), percent: run.planned ? Math.round((done / run.planned) * 1000) / 10 : 100 },
        counts: { steps, statuses: byPrefix('status:'), errors: byPrefix('error:'), rate_limited: n('rate_limited'), conflicts: n('conflicts') },
        recent: recent.map((r) => JSON.parse(r)),
      },
    };
  }

  private describe(run: ActivityRun, a: PlannedAction): Record<string, unknown> {
    return { ...a, at_ms: Math.round(a.at_ms * run.stretch), user_id: run.refs.users[`${a.persona}#${a.member}`] ?? null };
  }

  /** Where this process's API listens: synthetic users come in over a real socket, as clients do. */
  private apiUrl(): string {
    const instance = this.adapter.httpAdapter?.getInstance() as FastifyInstance | undefined;
    const address = instance?.server?.address() as AddressInfo | string | null | undefined;
    if (!address || typeof address === 'string') throw new AppError('service_unavailable', 'Activity sends its users’ requests to this API over HTTP, and this process is not listening on a port.');
    const host = address.address === '0.0.0.0' || address.address === '::' ? '127.0.0.1' : address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}`;
  }

  /** The contract, line item and album the workflows use (the project's first; photos go without an album when it has none). */
  private async refsOf(projectId: number, mix: Partial<Record<WorkflowName, number>>): Promise<ActivityRefs> {
    const [prime] = (mix.change_orders ?? 0) > 0 ? await this.db.query('SELECT id FROM prime_contracts WHERE project_id = $1 ORDER BY id LIMIT 1', [projectId]) : [];
    const [line] = (mix.change_orders ?? 0) > 0 ? await this.db.query('SELECT id FROM budget_line_items WHERE project_id = $1 ORDER BY id LIMIT 1', [projectId]) : [];
    const [album] = (mix.photos ?? 0) > 0 ? await this.db.query('SELECT id FROM image_categories WHERE project_id = $1 AND NOT private ORDER BY position, id LIMIT 1', [projectId]) : [];
    return { project_id: projectId, users: {}, prime_contract_id: prime?.id ?? null, budget_line_item_id: line?.id ?? null, album_id: album?.id ?? null };
  }

  /**
   * The users of a run: each persona the mix needs, and with `users_per_persona`
   * above 1 that many generated members per persona, added through the
   * Directory API by the company admin with the persona's templates, employer
   * and login password (found again by e-mail on the next run).
   */
  private async users(
    apiUrl: string,
    companyId: number,
    projectId: number,
    personas: Record<string, number>,
    members: { user_id: number; email: string; name: string; job_title: string | null; vendor_id: number | null; company_template_id: number | null; project_template_id: number | null }[],
    needed: string[],
    perPersona: number,
    password: string,
  ): Promise<ActivityUser[]> {
    const users: ActivityUser[] = [];
    const http = new ActivityHttp(apiUrl, companyId);
    let admin: string | null = null;
    for (const persona of needed) {
      const base = members.find((m) => m.user_id === personas[persona])!;
      users.push({ persona, member: 1, user_id: base.user_id, email: base.email, generated: false });
      for (let member = 2; member <= perPersona; member++) {
        const [local, domain] = base.email.split('@');
        const email = `${local}+activity${member}@${domain}`.toLowerCase();
        admin ??= await this.signIn(http, companyId, members.find((m) => m.user_id === personas.company_admin)?.email ?? (await this.adminEmail(personas)));
        const id = await this.member(http, admin, companyId, projectId, base, email, `${base.name} (${member})`, password);
        users.push({ persona, member, user_id: id, email, generated: true });
      }
    }
    return users;
  }

  private async adminEmail(personas: Record<string, number>): Promise<string> {
    const [row] = await this.db.query('SELECT email FROM users WHERE id = $1', [personas.company_admin ?? 0]);
    if (!row) throw AppError.field('users_per_persona', 'above 1 needs the company_admin persona, who adds the generated members');
    return row.email;
  }

  private async member(
    http: ActivityHttp,
    admin: string,
    companyId: number,
    projectId: number,
    base: { job_title: string | null; vendor_id: number | null; company_template_id: number | null; project_template_id: number | null },
    email: string,
    name: string,
    password: string,
  ): Promise<number> {
    const [existing] = await this.db.query('SELECT id FROM users WHERE company_id = $1 AND email = $2', [companyId, email]);
    let id: number | undefined = existing?.id;
    if (id === undefined) {
      const made = await http.request('POST', `/rest/v1.0/companies/${companyId}/users`, admin, { name, email, job_title: base.job_title, vendor_id: base.vendor_id, permission_template_id: base.company_template_id, password });
      if (made.status !== 201) throw new AppError('service_unavailable', `Adding the generated member ${email} answered ${made.status} ${made.code ?? ''}`.trim());
      id = (made.body as { id: number }).id;
    }
    const [membership] = await this.db.query('SELECT active FROM project_memberships WHERE user_id = $1 AND project_id = $2', [id, projectId]);
    if (!membership?.active && base.project_template_id) {
      const added = await http.request('POST', `/rest/v1.0/projects/${projectId}/users`, admin, { user_id: id, permission_template_id: base.project_template_id });
      if (added.status >= 300) throw new AppError('service_unavailable', `Adding ${email} to the project answered ${added.status} ${added.code ?? ''}`.trim());
    }
    return id!;
  }

  /** The photo synthetic users upload: a real JPEG, made once per process. */
  private photo(): Promise<Buffer> {
    this.photoBytes ??= sharp({ create: { width: 640, height: 480, channels: 3, background: '#8a7f6e' } }).jpeg({ quality: 80 }).toBuffer();
    return this.photoBytes;
  }

  /** Every sandbox's current run, by outcome, for `/metrics` (from Redis: any process may run its actions). */
  private registerGauge(): void {
    const gauge: Gauge<'company_id' | 'state' | 'outcome'> = new Gauge({
      name: 'sitesim_activity_run_actions',
      help: "Actions of each sandbox's current activity run, by outcome (ok, failed, skipped) and planned, with the run's state",
      labelNames: ['company_id', 'state', 'outcome'] as const,
      registers: [this.metrics.registry],
      collect: async () => {
        gauge.reset();
        const ids = await this.redis.smembers(`${this.config.redisPrefix}:activity:runs`).catch(() => [] as string[]);
        for (const id of ids) {
          const run = await this.runOf(Number(id)).catch(() => null);
          if (!run) continue;
          const counts = await this.redis.hgetall(this.runKey(run, 'counts'));
          const labels = { company_id: id, state: run.state };
          gauge.set({ ...labels, outcome: 'planned' }, run.planned);
          for (const outcome of ['ok', 'failed', 'skipped'] as const) gauge.set({ ...labels, outcome }, Number(counts[outcome] ?? 0));
        }
      },
    });
  }

}
