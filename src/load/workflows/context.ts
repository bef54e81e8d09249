import { setTimeout as sleep } from 'node:timers/promises';
import { HttpAnswer, HttpEngine, HttpRequest, Interrupted, StepFailure } from '../http-engine';
import { Metrics } from '../metrics';
import { Sessions } from '../sessions';
import { PersonaKey } from '../target';
import { Rng } from '../rng';
import { ConsistencyKind, WorkflowName } from './catalog';

/** What the workflows find in the sandbox before the run starts. */
export interface Fixtures {
  companyId: number;
  /** The first project of the training sandbox: every persona but the company admin is on it. */
  projectId: number;
  users: Record<PersonaKey, number>;
  /** A public album of the project, for photos. */
  albumId: number;
  /** The owner agreement (prime contract) change orders are written against. */
  primeContractId: number;
  /** A cost code for the budget lines change orders go to. */
  costCodeId: number;
  /** A small real JPEG (made with sharp) for photo uploads. */
  jpeg: Buffer;
  /** Tells this run's records from others' in a shared sandbox. */
  runTag: string;
}

/** What one virtual user keeps between its iterations. */
export interface VirtualUser {
  id: number;
  state: Record<string, unknown>;
}

export interface RunEnv {
  engine: HttpEngine;
  metrics: Metrics;
  sessions: Sessions;
  fixtures: Fixtures;
  rng: Rng;
  consistency: { timeoutMs: number; pollIntervalMs: number };
  thinkTimeMs: number;
  signal: AbortSignal;
}

/** One iteration of a workflow on one virtual user: its steps are measured calls as personas. */
export class Iteration {
  private static counter = 0;
  /** A tag unique in the run, for subjects and titles. */
  readonly tag: string;

  constructor(
    readonly vu: VirtualUser,
    readonly workflow: WorkflowName,
    private readonly env: RunEnv,
  ) {
    this.tag = `${env.fixtures.runTag}-${++Iteration.counter}`;
  }

  get fixtures(): Fixtures {
    return this.env.fixtures;
  }

  get rng(): Rng {
    return this.env.rng;
  }

  /** A step: one request as the persona, measured under the step's name; a token the API stops taking is renewed once. */
  async call<T = any>(step: string, persona: PersonaKey, req: Omit<HttpRequest, 'token' | 'company'>, opts: { think?: boolean } = {}): Promise<HttpAnswer<T>> {
    const stats = this.env.metrics.step(step, this.workflow);
    for (let attempt = 0; ; attempt++) {
      const token = await this.env.sessions.token(persona, this.vu.id);
      try {
        const answer = await this.env.engine.send<T>(stats, { ...req, token, company: this.env.fixtures.companyId });
        if (opts.think !== false) await this.pause(this.env.thinkTimeMs);
        return answer;
      } catch (err) {
        if (err instanceof StepFailure && err.status === 401 && attempt === 0) {
          this.env.sessions.forget(persona, this.vu.id, token);
          continue;
        }
        throw err;
      }
    }
  }

  /**
   * Polls `check` until it holds and records the time since `since` (when the
   * write was acknowledged) as consistency of `kind`; past the timeout records
   * a consistency timeout and answers false.
   */
  async waitFor(kind: ConsistencyKind, since: number, check: () => Promise<boolean>): Promise<boolean> {
    const { timeoutMs, pollIntervalMs } = this.env.consistency;
    for (;;) {
      if (await check()) {
        this.env.metrics.consistent(kind, performance.now() - since);
        return true;
      }
      if (performance.now() - since + pollIntervalMs > timeoutMs) {
        this.env.metrics.inconsistent(kind);
        return false;
      }
      await this.pause(pollIntervalMs);
    }
  }

  private async pause(ms: number): Promise<void> {
    if (ms <= 0) return;
    try {
      await sleep(ms, undefined, { signal: this.env.signal });
    } catch {
      throw new Interrupted();
    }
  }
}

export type WorkflowRun = (it: Iteration) => Promise<void>;
