import { Injectable } from '@nestjs/common';
import { CauseDetector, DiagnoseContext, Finding } from '../diagnose/causes';
import { JobInspector } from '../queues/job-inspector';
import { LoadService } from './load.service';

/** Queues are backed up, workers are slowed, or requests are refused: updates wait or fail under load. */
@Injectable()
export class SystemLoadCause implements CauseDetector {
  readonly cause = 'system_load' as const;
  readonly symptoms = ['not_updating', 'not_loading', 'not_uploading', 'not_visible'] as const;
  static readonly BACKLOG = 100;

  constructor(
    private readonly jobs: JobInspector,
    private readonly load: LoadService,
  ) {}

  async detect(ctx: DiagnoseContext): Promise<Omit<Finding, 'cause'>[]> {
    const [counts, state] = await Promise.all([this.jobs.backlog(), this.load.stateOf(ctx.companyId)]);
    const waiting = Object.values(counts).reduce((n, c) => n + c, 0);
    if (waiting < SystemLoadCause.BACKLOG && !state) return [];
    return [
      {
        tool: null,
        item: null,
        user: null,
        evidence: {
          queued_or_delayed: counts,
          total: waiting,
          simulated_load: state ? { worker_slowdown: state.worker_slowdown, http_503_rate: state.http_503_rate, since: state.started_at } : null,
        },
        fix: ['Updates arrive once the backlog drains; DELETE /_sim/load ends simulated load and its backlog.'],
        weight: 40 + Math.min(40, waiting / 50) + (state ? 10 : 0),
      },
    ];
  }
}
