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
  async enqueue<N extends JobName>(m: EntityManager, name: N, payload: JobOf<N>): Promise<number> {
    const [id] = await this.enqueueMany(m, name, [payload]);
    return id;
  }

  /** Jobs of one name in one round trip (a write that makes thousands of changes queues their deliveries at once); their ids, in order. */
  async enqueueMany<N extends JobName>(m: EntityManager, name: N, payloads: readonly JobOf<N>[]): Promise<number[]> {
    if (!payloads.length) return [];
    // The rows, and a NOTIFY that listeners receive at commit (never for a rollback; repeats in one transaction arrive once).
    const rows: { id: string }[] = await m.query(
      `WITH job AS (
         INSERT INTO outbox (company_id, project_id, queue, name, payload)
         SELECT (p->>'companyId')::int, (p->>'projectId')::int, $2, $3, p FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS t(p, n) ORDER BY n
         RETURNING id)
       SELECT id, pg_notify('${OUTBOX_CHANNEL}', '') FROM job ORDER BY id`,
      [JSON.stringify(payloads), JOB_SPECS[name].queue, name],
    );
    return rows.map((r) => Number(r.id));
  }
}
