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
    // One round trip: the row, and a NOTIFY that listeners receive at commit (never for a rollback).
    const [row]: { id: string }[] = await m.query(
      `WITH job AS (INSERT INTO outbox (company_id, project_id, queue, name, payload) VALUES ($1, $2, $3, $4, $5) RETURNING id)
       SELECT id, pg_notify('${OUTBOX_CHANNEL}', '') FROM job`,
      [payload.companyId, payload.projectId, JOB_SPECS[name].queue, name, JSON.stringify(payload)],
    );
    return Number(row.id);
  }
}
