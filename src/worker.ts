import 'reflect-metadata';
import type { INestApplicationContext } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { AppConfig } from './config/app-config';
import { JobWorkers } from './queues/job-workers';
import { OutboxRelay } from './queues/outbox-relay';
import { QUEUE_NAMES } from './queues/queue-names';

export interface WorkerHandle {
  close(): Promise<void>;
}

/**
 * The worker side: BullMQ workers for every queue and an outbox relay. With an
 * API application (SIM_ROLE=all) they run in its container; otherwise the
 * worker builds its own application context (no HTTP).
 */
export async function startWorker(config: AppConfig, host?: INestApplicationContext): Promise<WorkerHandle> {
  const context = host ?? (await NestFactory.createApplicationContext(AppModule.forRoot(config), { logger: ['warn', 'error'] }));
  if (!host) context.enableShutdownHooks();
  await context.get(OutboxRelay).start();
  await context.get(JobWorkers).start();
  if (host) new Logger('Worker').log(`worker ready on queues ${QUEUE_NAMES.join(', ')}`);
  else process.stderr.write(`[worker] worker ready on queues ${QUEUE_NAMES.join(', ')} (pid ${process.pid})\n`);
  return {
    close: async () => {
      await context.get(JobWorkers).close();
      if (!host) await context.close();
    },
  };
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
