import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { Worker } from 'bullmq';
import { AppConfig } from './config/app-config';
import { QUEUE_NAMES } from './queues/queue-names';

export interface WorkerHandle {
  close(): Promise<void>;
}

/**
 * The worker process: one BullMQ worker per queue. Processors are registered
 * by the features that own each job; a job with no processor fails loudly.
 */
export async function startWorker(config: AppConfig): Promise<WorkerHandle> {
  const logger = new Logger('Worker');
  const workers = QUEUE_NAMES.map(
    (name) =>
      new Worker(
        name,
        async (job) => {
          throw new Error(`no processor for job ${job.name} on queue ${name}`);
        },
        { connection: { url: config.redisUrl, maxRetriesPerRequest: null }, prefix: config.redisPrefix, autorun: true },
      ),
  );
  for (const w of workers) w.on('error', (err) => logger.warn(`${w.name}: ${err.message}`));
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  logger.log(`worker ready on queues ${QUEUE_NAMES.join(', ')}`);
  return { close: async () => void (await Promise.all(workers.map((w) => w.close()))) };
}

if (require.main === module) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { configOrExit, stopOnSignals } = require('./main') as typeof import('./main');
  startWorker(configOrExit())
    .then((handle) => stopOnSignals(() => handle.close()))
    .catch((err: Error) => {
      process.stderr.write(`worker failed to start: ${err.message}\n`);
      process.exit(1);
    });
}
