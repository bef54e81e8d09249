import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type Redis from 'ioredis';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { setWriteTime, writeTimeOf } from '../database/write-time';
import { permissionEpochKey, randomEpochBase } from '../permissions/permission-epoch';
import { REDIS } from '../redis/redis.module';

/**
 * A sandbox's clock, as stored on its row: real time plus `offsetMs`, or
 * `frozenAt` (epoch ms) while frozen. The one place that reads the wall clock
 * for sandbox time; everything time-dependent in a sandbox asks `SandboxClock`.
 */
export interface ClockState {
  offsetMs: number;
  frozenAt: number | null;
}

/** A new or reset sandbox, and a company that is no sandbox. */
export const REAL_TIME: ClockState = { offsetMs: 0, frozenAt: null };

/**
 * A frozen clock's jobs that fire early are looked at again this often (real
 * time); resume and advance reschedule them exactly.
 */
export const FROZEN_HOLD_MS = 60_000;

/**
 * The server's real time (epoch ms): for what is not a sandbox's time, such as
 * comparing with BullMQ's own timestamps. A sandbox's time is `clockNow`.
 */
export function realTime(): number {
  return Date.now();
}

/** Sandbox time (epoch ms) under a clock state. */
export function clockNow(state: ClockState, real: number = Date.now()): number {
  return state.frozenAt ?? real + state.offsetMs;
}

/** The clock read once: sandbox time and how far it is from real time (ms; grows more negative while frozen). */
export function readClock(state: ClockState, real: number = Date.now()): { now: number; offsetMs: number } {
  const now = clockNow(state, real);
  return { now, offsetMs: now - real };
}

/** The state under which the sandbox clock shows `sandboxMs` now (frozen stays frozen). */
export function showing(state: ClockState, sandboxMs: number, real: number = Date.now()): ClockState {
  return state.frozenAt !== null ? { offsetMs: state.offsetMs, frozenAt: sandboxMs } : { offsetMs: sandboxMs - real, frozenAt: null };
}

/** Stops time where it stands. */
export function frozen(state: ClockState, real: number = Date.now()): ClockState {
  return { offsetMs: state.offsetMs, frozenAt: clockNow(state, real) };
}

/** Time flows again from where it stood: the offset keeps what was frozen. */
export function resumed(state: ClockState, real: number = Date.now()): ClockState {
  return state.frozenAt === null ? state : { offsetMs: state.frozenAt - real, frozenAt: null };
}

/** Moves time forward by `ms`. */
export function advanced(state: ClockState, ms: number): ClockState {
  return state.frozenAt !== null ? { offsetMs: state.offsetMs, frozenAt: state.frozenAt + ms } : { offsetMs: state.offsetMs + ms, frozenAt: null };
}

/**
 * Real ms until the sandbox clock shows `sandboxMs` (0 when it already does).
 * A frozen clock never gets there by itself: `FROZEN_HOLD_MS`, to look again.
 */
export function realDelayUntil(state: ClockState, sandboxMs: number, real: number = Date.now()): number {
  const ahead = sandboxMs - clockNow(state, real);
  if (ahead <= 0) return 0;
  return state.frozenAt !== null ? FROZEN_HOLD_MS : ahead;
}

/** The real epoch ms at which to look at something due at `sandboxMs` again (BullMQ takes real timestamps). */
export function realTimeFor(state: ClockState, sandboxMs: number, real: number = Date.now()): number {
  return real + realDelayUntil(state, sandboxMs, real);
}

interface ClockRow {
  clock_offset_ms: string | number;
  clock_frozen_at: Date | null;
}

export function stateOfRow(row: ClockRow | undefined): ClockState {
  if (!row) return REAL_TIME;
  return { offsetMs: Number(row.clock_offset_ms), frozenAt: row.clock_frozen_at ? row.clock_frozen_at.getTime() : null };
}

const CACHE_LIMIT = 10_000;

/**
 * The sandbox clock as every process sees it. Its state is cached per process
 * under the company's permission epoch (the change-publish mechanism of the
 * permission caches): a clock change bumps the epoch after it commits, so any
 * API or worker process reads the new time on its next request or job.
 */
@Injectable()
export class SandboxClock {
  private readonly cache = new Map<number, { state: ClockState; epoch: number }>();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {}

  /**
   * The company's clock state. `epoch` is the company's permission epoch when
   * the caller has just read it (the permission guard does, for every request);
   * otherwise it is read here.
   */
  async state(companyId: number, epoch?: number | null): Promise<ClockState> {
    const current = epoch === undefined ? await this.epochOf(companyId) : epoch;
    const hit = this.cache.get(companyId);
    if (hit && current !== null && hit.epoch === current) return hit.state;
    const [row]: ClockRow[] = await this.db.query('SELECT clock_offset_ms, clock_frozen_at FROM sandboxes WHERE company_id = $1', [companyId]);
    const state = stateOfRow(row);
    if (current !== null) {
      if (this.cache.size >= CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value as number);
      this.cache.set(companyId, { state, epoch: current });
    }
    return state;
  }

  /** Now in the company's sandbox. */
  async now(companyId: number, epoch?: number | null): Promise<Date> {
    return new Date(clockNow(await this.state(companyId, epoch)));
  }

  /** Today in the sandbox (UTC, YYYY-MM-DD). */
  async today(companyId: number): Promise<string> {
    return (await this.now(companyId)).toISOString().slice(0, 10);
  }

  /** The time of a unit of work: the transaction's own (see `transaction`), or now in the company's sandbox. */
  async at(m: EntityManager | null, companyId: number): Promise<Date> {
    return (m && writeTimeOf(m)) ?? this.now(companyId);
  }

  /**
   * A transaction at the sandbox's time: every row it inserts or updates
   * through the ORM gets that time as created_at / updated_at (see
   * `write-time.ts`), column defaults and `sim_now()` in its SQL answer it,
   * and `work` gets it for the columns it sets itself.
   */
  async transaction<T>(companyId: number, work: (m: EntityManager, now: Date) => Promise<T>): Promise<T> {
    const now = await this.now(companyId);
    return this.db.transaction(async (m) => {
      await this.enter(m, now);
      return work(m, now);
    });
  }

  /**
   * Declares `now` as the time of a transaction already open: the ORM's
   * created/updated dates, column defaults and `sim_now()` in its SQL take it.
   */
  async enter(m: EntityManager, now: Date): Promise<void> {
    setWriteTime(m, now);
    await m.query(`SELECT set_config('sitesim.now', $1, true)`, [now.toISOString()]);
  }

  private async epochOf(companyId: number): Promise<number | null> {
    const key = permissionEpochKey(this.config.redisPrefix, companyId);
    try {
      const raw = await this.redis.get(key);
      if (raw !== null) return Number(raw);
      // As the guard does: start the epoch, and read this once without the cache.
      await this.redis.set(key, String(randomEpochBase()), 'NX');
      return null;
    } catch {
      return null;
    }
  }
}
