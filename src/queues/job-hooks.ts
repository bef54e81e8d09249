import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';

/** What a hook decides before a job runs: run it (after any wait it imposed) or answer without running. */
export type HookVerdict = { run: true } | { run: false; result: unknown };

/** Runs around every job (fault injection, simulated load); registered by the simulation module. */
export interface JobHook {
  before(job: Job): Promise<HookVerdict>;
}

@Injectable()
export class JobHooks {
  private readonly hooks: JobHook[] = [];

  register(hook: JobHook): void {
    this.hooks.push(hook);
  }

  async before(job: Job): Promise<HookVerdict> {
    for (const hook of this.hooks) {
      const verdict = await hook.before(job);
      if (!verdict.run) return verdict;
    }
    return { run: true };
  }
}
