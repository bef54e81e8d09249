import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { JobName, JobOf, JOB_SPECS } from './job-types';

export const OUTBOX_CHANNEL = 'sitesim_outbox';

/**
 * Enqueues jobs through the transactional outbox: the job is a row written in
 * the caller's transaction, so a rolled-back write leaves no job, and the relay
 * moves it to BullMQ after the commit (a crash in between loses nothing: the
 * row waits for the next sweep).
 */
@Injectable()
export class Jobs {
  /** `dueAt` (sandbox time) is when a timer job (`JobSpec.timer`) runs; other jobs run after the latency profile's delay. */
  async enqueue<N extends JobName>(m: EntityManager, name: N, payload: JobOf<N>, options: { dueAt?: Date } = {}): Promise<number> {
    const [id] = await this.enqueueMany(m, name, [payload], options);
    return id;
  }

  /** Jobs of one name in one round trip (a write that makes thousands of changes queues their deliveries at once); their ids, in order. */
  async enqueueMany<N extends JobName>(m: EntityManager, name: N, payloads: readonly JobOf<N>[], options: { dueAt?: Date } = {}): Promise<number[]> {
    if (!payloads.length) return [];
    if ((options.dueAt !== undefined) !== (JOB_SPECS[name].timer === true)) throw new Error(`job ${name}: a due time is ${JOB_SPECS[name].timer ? 'required (a timer)' : 'only for timers'}`);
    // The rows, and a NOTIFY that listeners receive at commit (never for a rollback; repeats in one transaction arrive once).
    const rows: { id: string }[] = await m.query(
      `WITH job AS (
         INSERT INTO outbox (company_id, project_id, queue, name, payload, due_at)
         SELECT (p->>'companyId')::int, (p->>'projectId')::int, $2, $3, p, $4 FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS t(p, n) ORDER BY n
         RETURNING id)
       SELECT id, pg_notify('${OUTBOX_CHANNEL}', '') FROM job ORDER BY id`,
      [JSON.stringify(payloads), JOB_SPECS[name].queue, name, options.dueAt ?? null],
    );
    return rows.map((r) => Number(r.id));
  }
}
