import { Global, Module } from '@nestjs/common';
import { JobHooks } from './job-hooks';
import { JobClock } from './job-clock';
import { JobInspector } from './job-inspector';
import { JobProcessors } from './job-processors';
import { JobWorkers } from './job-workers';
import { Jobs } from './jobs.service';
import { OutboxRelay } from './outbox-relay';
import { QueueRegistry } from './queue-registry';
import { JobFailedCause, QueueCauses } from './queues.causes';
import { SimJobsController } from './sim-jobs.controller';

@Global()
@Module({
  providers: [QueueRegistry, Jobs, OutboxRelay, JobProcessors, JobHooks, JobWorkers, JobInspector, JobClock, JobFailedCause, QueueCauses],
  controllers: [SimJobsController],
  exports: [QueueRegistry, Jobs, OutboxRelay, JobProcessors, JobHooks, JobWorkers, JobInspector, JobClock],
})
export class QueuesModule {}

