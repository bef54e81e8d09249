import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { JobProcessors } from '../queues/job-processors';
import type { JobOf } from '../queues/job-types';
import { Jobs } from '../queues/jobs.service';
import { SandboxClock } from '../sandboxes/sandbox-clock';
import { COMPONENT_COLUMNS, COMPONENTS_SQL } from './budget-numbers';

/**
 * Advisory lock class of a project's recalculation (with the project id): one
 * rebuild of a project at a time, in every process. In pg_locks, a rebuild
 * running is an advisory lock with this classid and the project id as objid.
 */
export const RECALC_LOCK_CLASS = 0x62756467; // "budg"

/**
 * The budget's asynchronous recalculation. A write the budget must reflect
 * calls `request` in its transaction: the project's budget revision goes up
 * (under the budget row's lock, so revisions follow commit order) and a
 * `budget.recalculate` job is queued with it. The job rebuilds the snapshot
 * from every row as of the newest revision; jobs queued for revisions it
 * already covers skip (many changes, one rebuild), and a snapshot is never
 * written over a newer one.
 */
@Injectable()
export class BudgetRecalc implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly processors: JobProcessors,
    private readonly jobs: Jobs,
    private readonly clock: SandboxClock,
  ) {}

  onModuleInit(): void {
    this.processors.register('budget.recalculate', (payload) => this.rebuild(payload));
    this.processors.register('sync.contracts-to-budget', (payload) => this.arrive(payload));
  }

  /** In the writing transaction: a new revision of the budget, and its recalculation queued. */
  async request(m: EntityManager, companyId: number, projectId: number): Promise<number> {
    const revision = await nextRevision(m, companyId, projectId);
    await this.jobs.enqueue(m, 'budget.recalculate', { companyId, projectId });
    return revision;
  }

  /**
   * In a contracts-side write (commitment, change order, invoice, direct cost):
   * the change travels to the budget by a `sync` job first (the delay between
   * tools), which then asks for the recalculation.
   */
  async carry(m: EntityManager, companyId: number, projectId: number, resource: string, resourceId: number): Promise<void> {
    await this.jobs.enqueue(m, 'sync.contracts-to-budget', { companyId, projectId, resource, resourceId });
  }

  /** `sync.contracts-to-budget`: a contract-side change reaches the budget (after the sync delay). */
  private async arrive(payload: JobOf<'sync.contracts-to-budget'>): Promise<Record<string, unknown>> {
    const revision = await this.clock.transaction(payload.companyId, (m) => this.request(m, payload.companyId, payload.projectId));
    return { revision, resource: payload.resource, resource_id: payload.resourceId };
  }

  /**
   * A snapshot of the project's budget as of `revision`, computed in the
   * caller's transaction (never over a newer one); answers its line count.
   */
  private async write(m: EntityManager, companyId: number, projectId: number, revision: number, asOf: Date): Promise<number> {
    await m.query('DELETE FROM budget_snapshot_lines WHERE project_id = $1', [projectId]);
    await m.query(
      `INSERT INTO budget_snapshots (project_id, company_id, source_revision, as_of, took_ms) VALUES ($1, $2, $3, $4, 0)
       ON CONFLICT (project_id) DO UPDATE SET source_revision = EXCLUDED.source_revision, as_of = EXCLUDED.as_of
       WHERE budget_snapshots.source_revision < EXCLUDED.source_revision`,
      [projectId, companyId, revision, asOf],
    );
    const columns = ['line_item_id', 'cost_code_id', 'cost_code', 'cost_type', 'description', ...COMPONENT_COLUMNS];
    const [{ lines }]: { lines: number }[] = await m.query(
      `WITH written AS (
         INSERT INTO budget_snapshot_lines (project_id, ${columns.join(', ')}) SELECT $1, ${columns.join(', ')} FROM (${COMPONENTS_SQL}) c RETURNING 1
       ) SELECT count(*)::int AS lines FROM written`,
      [projectId],
    );
    return lines;
  }

  /**
   * For seeded data: the budget's first revision and its snapshot, in the
   * seeding transaction, so that a new sandbox opens consistent (no job).
   */
  async seedSnapshot(m: EntityManager, companyId: number, projectId: number, asOf: Date): Promise<void> {
    await this.write(m, companyId, projectId, await nextRevision(m, companyId, projectId), asOf);
  }

  /**
   * `budget.recalculate`: under the project's advisory lock, in one
   * repeatable-read transaction (the revision and every row as of one moment),
   * the snapshot's lines are computed and written with the revision they show.
   */
  async rebuild(payload: JobOf<'budget.recalculate'>): Promise<Record<string, unknown>> {
    const { companyId, projectId } = payload;
    const runner = this.db.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('SELECT pg_advisory_lock($1, $2)', [RECALC_LOCK_CLASS, projectId]);
      try {
        const started = performance.now();
        await runner.startTransaction('REPEATABLE READ');
        try {
          const [budget]: { revision: string }[] = await runner.query('SELECT revision FROM budgets WHERE project_id = $1', [projectId]);
          const revision = Number(budget?.revision ?? 0);
          const [current]: { source_revision: string }[] = await runner.query('SELECT source_revision FROM budget_snapshots WHERE project_id = $1', [projectId]);
          if (current && Number(current.source_revision) >= revision) {
            await runner.commitTransaction();
            return { deduplicated: true, revision, snapshot_revision: Number(current.source_revision) };
          }
          const asOf = await this.clock.now(companyId);
          const lines = await this.write(runner.manager, companyId, projectId, revision, asOf);
          const took = Math.round(performance.now() - started);
          await runner.query('UPDATE budget_snapshots SET took_ms = $2 WHERE project_id = $1', [projectId, took]);
          await runner.commitTransaction();
          return { revision, line_items: lines, took_ms: took, as_of: asOf.toISOString() };
        } catch (err) {
          await runner.rollbackTransaction().catch(() => undefined);
          throw err;
        }
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1, $2)', [RECALC_LOCK_CLASS, projectId]).catch(() => undefined);
      }
    } finally {
      await runner.release();
    }
  }
}

/** The project's budget revision +1 (the budget row created on first use), under the row's lock. */
async function nextRevision(m: EntityManager, companyId: number, projectId: number): Promise<number> {
  const [row]: { revision: string }[] = await m.query(
    `INSERT INTO budgets (project_id, company_id, revision) VALUES ($1, $2, 1)
     ON CONFLICT (project_id) DO UPDATE SET revision = budgets.revision + 1 RETURNING revision`,
    [projectId, companyId],
  );
  return Number(row.revision);
}
