import { Injectable, OnModuleInit } from '@nestjs/common';
import { CauseDetector, CauseRegistry, DiagnoseContext, Finding } from '../diagnose/causes';
import { JobInspector } from './job-inspector';

type Found = Omit<Finding, 'cause'>;

function ruleIdIn(error: string | null): number | null {
  const m = /rule (\d+)/.exec(error ?? '');
  return m ? Number(m[1]) : null;
}

/** The job behind an update failed: waiting for a retry, exhausted, or dropped. */
@Injectable()
export class JobFailedCause implements CauseDetector {
  readonly cause = 'job_failed' as const;
  readonly symptoms = ['not_updating', 'not_visible', 'not_uploading'] as const;

  constructor(private readonly jobs: JobInspector) {}

  async detect(ctx: DiagnoseContext): Promise<Found[]> {
    const views = await this.jobs.list({ companyId: ctx.companyId, projectId: ctx.projectId }, ['failed', 'delayed', 'completed'], 200);
    const out: Found[] = [];
    for (const j of views) {
      const dropped = j.state === 'completed' && (j.result as { dropped?: boolean } | null)?.dropped === true;
      const retrying = j.state === 'delayed' && j.attempts_made > 0;
      if (j.state !== 'failed' && !dropped && !retrying) continue;
      const injected = dropped || /injected fault/.test(j.error ?? '');
      const rerun = j.state === 'failed' && j.project_id !== null ? RERUN[j.name]?.(j.project_id) : undefined;
      out.push({
        tool: j.queue,
        item: null,
        user: null,
        evidence: {
          job: { id: j.id, name: j.name, queue: j.queue, state: j.state, attempts_made: j.attempts_made, attempts_max: j.attempts_max },
          error: dropped ? 'the job was dropped by a fault rule: it completed without its effect' : j.error,
          injected,
          fault_rule_id: (j.result as { fault_rule_id?: number } | null)?.fault_rule_id ?? ruleIdIn(j.error),
          retrying,
          finished_at: j.finished_at,
        },
        fix: injected
          ? ['Delete the fault rule (DELETE /_sim/faults/{id}); a retrying job then succeeds on its next attempt, a failed one needs the change made again.']
          : retrying
            ? ['Wait for the next retry (exponential backoff), or POST /_sim/settle to wait for it.']
            : ['The job used up its retries: make the change again, or look at its error.'],
        ...(rerun && { fix: [...(injected ? ['Delete the fault rule (DELETE /_sim/faults/{id}).'] : []), rerun] }),
        weight: j.state === 'failed' ? 85 : retrying ? 80 : 75,
      });
    }
    return out;
  }
}

/** The call that redoes what a job failed to do for good, where there is one. */
const RERUN: Partial<Record<string, (projectId: number) => string>> = {
  'budget.recalculate': (p) => `The budget is behind: ask for a recalculation, POST /rest/v1.0/projects/${p}/budget/actions/recalculate`,
  'sync.contracts-to-budget': (p) => `The change has not reached the budget: ask for a recalculation, POST /rest/v1.0/projects/${p}/budget/actions/recalculate`,
};

@Injectable()
export class QueueCauses implements OnModuleInit {
  constructor(
    private readonly registry: CauseRegistry,
    private readonly failed: JobFailedCause,
  ) {}

  onModuleInit(): void {
    this.registry.register(this.failed);
  }
}
