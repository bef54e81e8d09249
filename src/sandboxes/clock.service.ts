import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppError } from '../common/errors';
import { PermissionChanges } from '../permissions/permission-changes';
import { JobClock, RanJob } from '../queues/job-clock';
import { advanced, ClockState, clockNow, frozen, readClock, resumed, showing, stateOfRow } from './sandbox-clock';

/** `GET /_sim/sandboxes/{id}/clock`. */
export interface ClockView {
  now: string;
  frozen: boolean;
  /** Sandbox time minus real time, in seconds (ms precision). */
  offset_seconds: number;
}

/** Advisory lock class of clock changes (with the sandbox id): one change of a sandbox's clock at a time, in every process. */
const LOCK_CLASS = 0x636c6f63; // "cloc"

export function viewOf(state: ClockState): ClockView {
  const { now, offsetMs } = readClock(state);
  return { now: new Date(now).toISOString(), frozen: state.frozenAt !== null, offset_seconds: offsetMs / 1000 };
}

interface SandboxClockRow {
  company_id: number;
  version: number;
  clock_offset_ms: string;
  clock_frozen_at: Date | null;
}

/**
 * The sandbox test clock's controls: freeze, resume, advance (running, in due
 * order, the sandbox's jobs whose time comes) and back to real time on reset.
 * The state lives on the sandbox row (versioned: every change is a write with
 * `version + 1`), and every change is published to the other processes
 * through the company's permission epoch.
 */
@Injectable()
export class ClockService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly changes: PermissionChanges,
    private readonly jobs: JobClock,
  ) {}

  async get(sandboxId: number): Promise<ClockView> {
    return viewOf(stateOfRow(await this.row(sandboxId)));
  }

  freeze(sandboxId: number): Promise<ClockView> {
    return this.exclusive(sandboxId, async () => viewOf((await this.write(sandboxId, (s) => frozen(s))).state));
  }

  resume(sandboxId: number): Promise<ClockView> {
    return this.exclusive(sandboxId, async () => {
      const { companyId, state } = await this.write(sandboxId, (s) => resumed(s));
      await this.jobs.reschedule(companyId);
      return viewOf(state);
    });
  }

  /**
   * Moves the clock forward by `seconds`. The sandbox's delayed jobs whose due
   * time falls within run first, in due order, each at its own time (the clock
   * stops at each due time while the job's attempt runs, so retries follow one
   * another on their schedule); then the clock shows exactly the old time plus
   * `seconds` (plus the real time the advance took, unless frozen).
   */
  advance(sandboxId: number, seconds: number): Promise<ClockView & { jobs_run: RanJob[] }> {
    return this.exclusive(sandboxId, async () => {
      const row = await this.row(sandboxId);
      const start = stateOfRow(row);
      const ms = Math.round(seconds * 1000);
      const ran = await this.jobs.runDue(row.company_id, clockNow(start) + ms, async (dueAt) => {
        await this.write(sandboxId, (s) => showing(s, Math.max(clockNow(s), dueAt)));
      });
      const { state } = await this.write(sandboxId, () => advanced(start, ms));
      await this.jobs.reschedule(row.company_id);
      return { ...viewOf(state), jobs_run: ran };
    });
  }

  /**
   * Runs a reset of the sandbox (which writes its row back with the clock on
   * real time), then reschedules its delayed jobs so that each still waits the
   * time it had left.
   */
  async reset<T>(sandboxId: number, work: () => Promise<T>): Promise<T> {
    return this.exclusive(sandboxId, async () => {
      const before = await this.row(sandboxId);
      const result = await work();
      const after = await this.row(sandboxId);
      // Every process (this one's rescheduling first) reads the clock back on real time.
      await this.changes.publish(after.company_id);
      await this.jobs.reschedule(after.company_id, clockNow(stateOfRow(after)) - clockNow(stateOfRow(before)));
      return result;
    });
  }

  private async row(sandboxId: number): Promise<SandboxClockRow> {
    const [row]: SandboxClockRow[] = await this.db.query('SELECT company_id, version, clock_offset_ms, clock_frozen_at FROM sandboxes WHERE id = $1', [sandboxId]);
    if (!row) throw AppError.notFound('Sandbox');
    return row;
  }

  /**
   * Writes the clock: the new state is computed from the row as it stands
   * under its row lock (a settings change waits, or is waited for), the
   * sandbox's version goes up, and the change is published to every process.
   */
  private async write(sandboxId: number, next: (current: ClockState) => ClockState): Promise<{ companyId: number; state: ClockState }> {
    const written = await this.db.transaction(async (m) => {
      const [row]: SandboxClockRow[] = await m.query(
        'SELECT company_id, version, clock_offset_ms, clock_frozen_at FROM sandboxes WHERE id = $1 FOR UPDATE',
        [sandboxId],
      );
      if (!row) throw AppError.notFound('Sandbox');
      const state = next(stateOfRow(row));
      await m.query('UPDATE sandboxes SET clock_offset_ms = $2, clock_frozen_at = $3, version = version + 1 WHERE id = $1', [
        sandboxId,
        Math.round(state.offsetMs),
        state.frozenAt === null ? null : new Date(state.frozenAt),
      ]);
      return { companyId: row.company_id, state };
    });
    await this.changes.publish(written.companyId);
    return written;
  }

  /** One clock change per sandbox at a time, across processes (a session advisory lock, released if the process dies). */
  private async exclusive<T>(sandboxId: number, work: () => Promise<T>): Promise<T> {
    const runner = this.db.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('SELECT pg_advisory_lock($1, $2)', [LOCK_CLASS, sandboxId]);
      try {
        return await work();
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_CLASS, sandboxId]).catch(() => undefined);
      }
    } finally {
      await runner.release();
    }
  }
}
