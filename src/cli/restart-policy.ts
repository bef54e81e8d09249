/**
 * When a child process that died is started again. A child that ran for a
 * while is restarted at once (after `baseDelayMs`); one that dies soon after
 * it started (`fastExitMs`) waits twice as long each time, and after
 * `maxFastExits` such deaths in a row it is not started again: it would only
 * crash again (a port taken, a database refusing connections, a bug at start).
 */
export interface RestartRules {
  baseDelayMs: number;
  maxDelayMs: number;
  fastExitMs: number;
  maxFastExits: number;
}

export const DEFAULT_RESTART_RULES: RestartRules = { baseDelayMs: 500, maxDelayMs: 8000, fastExitMs: 10_000, maxFastExits: 5 };

export type RestartDecision =
  | { restart: true; delayMs: number; fastExits: number }
  | { restart: false; fastExits: number };

/** One child's restart history (each child slot has its own). */
export class RestartPolicy {
  private fastExits = 0;

  constructor(readonly rules: RestartRules = DEFAULT_RESTART_RULES) {}

  /** The child died after running `uptimeMs`: start it again (after how long), or give up. */
  exited(uptimeMs: number): RestartDecision {
    if (uptimeMs >= this.rules.fastExitMs) {
      this.fastExits = 0;
      return { restart: true, delayMs: this.rules.baseDelayMs, fastExits: 0 };
    }
    this.fastExits += 1;
    if (this.fastExits >= this.rules.maxFastExits) return { restart: false, fastExits: this.fastExits };
    return { restart: true, delayMs: Math.min(this.rules.maxDelayMs, this.rules.baseDelayMs * 2 ** (this.fastExits - 1)), fastExits: this.fastExits };
  }
}
