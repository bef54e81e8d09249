import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Job } from 'bullmq';
import { UnrecoverableError } from 'bullmq';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { ChangeLog } from '../changes/change-log.service';
import { JobProcessors } from '../queues/job-processors';
import type { JobOf } from '../queues/job-types';
import { simBackoff } from '../queues/job-workers';
import { SandboxClock } from '../sandboxes/sandbox-clock';
import { checkDestination } from './destination';
import { DeliveryAttempt, WebhookDelivery, WebhookHook } from './webhook.entities';
import { WebhooksService } from './webhooks.service';

export const DELIVERY_TIMEOUT_MS = 5000;
export const DISCARD_AFTER_MS = 12 * 3600 * 1000;

function logEntry(attempt: number, at: Date, responseStatus: number | null, error: string | null): DeliveryAttempt {
  return { attempt, at: at.toISOString(), response_status: responseStatus, error };
}

/**
 * `webhooks.deliver`: a real HTTP POST of the event to the hook's destination.
 * Idempotent: a delivered delivery is not sent again; a failure is recorded and
 * thrown so that BullMQ retries it with backoff; past 12 h (or the last
 * attempt) the delivery is discarded. Its times are the sandbox clock's.
 */
@Injectable()
export class WebhookDeliveryProcessor implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly processors: JobProcessors,
    private readonly changes: ChangeLog,
    private readonly webhooks: WebhooksService,
    private readonly config: AppConfig,
    private readonly clock: SandboxClock,
  ) {}

  onModuleInit(): void {
    this.processors.register('webhooks.deliver', (payload, job) => this.deliver(payload, job));
    this.changes.listen({ onChanges: (m, changes) => this.webhooks.fanOut(m, changes) });
  }

  async deliver(payload: JobOf<'webhooks.deliver'>, job: Job): Promise<Record<string, unknown>> {
    const delivery = await this.db.getRepository(WebhookDelivery).findOneBy({ id: String(payload.deliveryId) });
    if (!delivery) return { skipped: 'delivery no longer exists' };
    if (delivery.status === 'delivered' || delivery.status === 'discarded') return { skipped: `already ${delivery.status}` };
    const hook = await this.db.getRepository(WebhookHook).findOneBy({ id: delivery.hookId });
    if (!hook) return { skipped: 'hook deleted' };
    const attempt = delivery.attempts + 1;
    const started = await this.clock.now(payload.companyId);
    if (started.getTime() - delivery.createdAt.getTime() > DISCARD_AFTER_MS) {
      await this.finish(delivery.id, started, 'discarded', attempt - 1, null, null, 'not delivered within 12 hours');
      return { discarded: true };
    }
    const destination = checkDestination(hook.destinationUrl, this.config.webhookAllow);
    if (!destination.ok) {
      await this.finish(delivery.id, started, 'discarded', attempt, null, null, `destination refused: ${destination.reason}`, started);
      throw new UnrecoverableError(`destination refused: ${destination.reason}`);
    }
    let status: number | null = null;
    let body: string | null = null;
    let error: string | null = null;
    try {
      const res = await fetch(destination.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'sitesim-webhooks/1', ...hook.destinationHeaders },
        body: JSON.stringify(delivery.payload),
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
        redirect: 'manual',
      });
      status = res.status;
      body = (await res.text().catch(() => '')).slice(0, 1000);
      if (status < 200 || status >= 300) error = `destination answered ${status}`;
    } catch (err) {
      const e = err as Error;
      error = e.name === 'TimeoutError' ? `no answer within ${DELIVERY_TIMEOUT_MS / 1000} s` : `could not connect: ${e.message}`;
    }
    // The answer came at the sandbox's time now (an advance may have moved it while the request was out).
    const answered = await this.clock.now(payload.companyId);
    if (!error) {
      await this.finish(delivery.id, answered, 'delivered', attempt, status, body, null, started);
      return { delivered: true, status, attempt };
    }
    const last = attempt >= (job.opts.attempts ?? 1);
    const next = last ? null : new Date(answered.getTime() + simBackoff(attempt, 'sim', undefined, job));
    await this.db.query(
      `UPDATE webhook_deliveries SET status = $2, attempts = $3, response_status = $4, response_body = $5, last_error = $6,
              next_attempt_at = $7, updated_at = $8, attempt_log = attempt_log || $9::jsonb WHERE id = $1`,
      [delivery.id, last ? 'discarded' : 'retrying', attempt, status, body, error, next, answered, JSON.stringify([logEntry(attempt, started, status, error)])],
    );
    throw new Error(`webhook delivery ${delivery.id}: ${error}`);
  }

  /** The delivery's end; `attemptAt` when this call made an attempt (its start, for the log). */
  private async finish(id: string, at: Date, status: 'delivered' | 'discarded', attempts: number, responseStatus: number | null, body: string | null, error: string | null, attemptAt?: Date): Promise<void> {
    const logged = attemptAt ? [logEntry(attempts, attemptAt, responseStatus, error)] : [];
    await this.db.query(
      `UPDATE webhook_deliveries SET status = $2::varchar, attempts = $3, response_status = $4, response_body = $5, last_error = $6,
              next_attempt_at = NULL, delivered_at = CASE WHEN $2::varchar = 'delivered' THEN $7 ELSE delivered_at END, updated_at = $7,
              attempt_log = attempt_log || $8::jsonb
        WHERE id = $1`,
      [id, status, attempts, responseStatus, body, error, at, JSON.stringify(logged)],
    );
  }
}
