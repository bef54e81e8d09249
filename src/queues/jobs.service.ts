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
    const [row]: { id: string }[] = await m.query(
      `INSERT INTO outbox (company_id, project_id, queue, name, payload) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [payload.companyId, payload.projectId, JOB_SPECS[name].queue, name, JSON.stringify(payload)],
    );
    // Delivered to listeners at commit, never for a rolled-back transaction.
    await m.query(`SELECT pg_notify('${OUTBOX_CHANNEL}', '')`);
    return Number(row.id);
  }
}
