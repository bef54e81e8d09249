import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import { atMost } from '../common/sleep';
import { AppConfig } from '../config/app-config';
import { QUEUE_NAMES, QueueName } from './queue-names';

/** One BullMQ queue per name, sharing the configured Redis and key prefix. */
@Injectable()
export class QueueRegistry implements OnApplicationShutdown {
  private readonly queues: Map<QueueName, Queue>;

  constructor(config: AppConfig) {
    this.queues = new Map(
      QUEUE_NAMES.map((name) => [
        name,
        new Queue(name, {
          connection: { url: config.redisUrl, maxRetriesPerRequest: null, enableOfflineQueue: false },
          prefix: config.redisPrefix,
        }),
      ]),
    );
    for (const q of this.queues.values()) q.on('error', () => undefined);
  }

  get(name: QueueName): Queue {
    return this.queues.get(name)!;
  }

  all(): Queue[] {
    return [...this.queues.values()];
  }

  /** Job counts per state for every queue. */
  async counts(): Promise<Record<QueueName, Record<string, number>>> {
    const entries = await Promise.all(
      [...this.queues.entries()].map(async ([name, q]) => [name, await q.getJobCounts('waiting', 'delayed', 'active', 'completed', 'failed', 'paused', 'prioritized')] as const),
    );
    return Object.fromEntries(entries) as Record<QueueName, Record<string, number>>;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.all().map((q) => atMost(q.close().catch(() => undefined), 3000)));
  }
}
