import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { JobName, JobOf, JOB_NAMES } from './job-types';

export type Processor<N extends JobName> = (payload: JobOf<N>, job: Job) => Promise<unknown>;
/** Runs once a job has failed its last attempt (whatever failed it: its processor, a fault rule, a stall). */
export type ExhaustedHandler<N extends JobName> = (payload: JobOf<N>, error: Error) => Promise<void>;

/** Processors, registered by the feature that owns each job; exactly one per job name. */
@Injectable()
export class JobProcessors {
  private readonly processors = new Map<JobName, Processor<JobName>>();
  private readonly exhausted = new Map<JobName, ExhaustedHandler<JobName>>();

  register<N extends JobName>(name: N, processor: Processor<N>, onExhausted?: ExhaustedHandler<N>): void {
    if (this.processors.has(name)) throw new Error(`job ${name} has two processors`);
    this.processors.set(name, processor as unknown as Processor<JobName>);
    if (onExhausted) this.exhausted.set(name, onExhausted as unknown as ExhaustedHandler<JobName>);
  }

  /** The job's handler for a final failure, if its feature keeps one (e.g. an upload becomes `failed`). */
  exhaustedHandler(name: string): ExhaustedHandler<JobName> | undefined {
    return this.exhausted.get(name as JobName);
  }

  get(name: string): Processor<JobName> | undefined {
    return this.processors.get(name as JobName);
  }

  /** Startup check: every job name has its processor. */
  assertComplete(): void {
    const missing = JOB_NAMES.filter((n) => !this.processors.has(n));
    if (missing.length) throw new Error(`jobs without a processor: ${missing.join(', ')}`);
  }
}
