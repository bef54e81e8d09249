import { setTimeout as sleep } from 'node:timers/promises';
import { Arrival } from './plan';
import { Metrics } from './metrics';
import { VirtualUser } from './workflows/context';

/**
 * When iteration `k` (from 0) starts, in ms from the start, for an arrival
 * rate: constant, or ramping linearly through stages (each stage from the rate
 * before it to its target). Infinity when the schedule has no such iteration.
 */
export function startTimeOf(arrival: Exclude<Arrival, { model: 'vus' }>, k: number): number {
  if (arrival.model === 'constant_arrival_rate') return (k * arrival.timeUnitMs) / arrival.rate;
  let before = 0;
  let elapsed = 0;
  let from = arrival.startRate;
  for (const stage of arrival.stages) {
    const a = from / arrival.timeUnitMs; // iterations per ms at the stage's start
    const b = (stage.target - from) / arrival.timeUnitMs / stage.durationMs; // change of that per ms
    const inStage = a * stage.durationMs + (b * stage.durationMs * stage.durationMs) / 2;
    if (k < before + inStage) {
      const need = k - before;
      const u = Math.abs(b) < 1e-15 ? need / a : (-a + Math.sqrt(Math.max(0, a * a + 2 * b * need))) / b;
      return elapsed + Math.min(stage.durationMs, Math.max(0, u));
    }
    before += inStage;
    elapsed += stage.durationMs;
    from = stage.target;
  }
  return Infinity;
}

/**
 * Starts iterations on a pool of virtual users until the duration is over:
 * at the arrival rate (an iteration due while every user up to `max_vus` is
 * busy is dropped and counted, as k6 does), or on N users each looping.
 * Answers the iterations still running when starting stops.
 */
export async function schedule(
  arrival: Arrival,
  durationMs: number,
  metrics: Metrics,
  run: (vu: VirtualUser) => Promise<void>,
  signal: AbortSignal,
): Promise<Promise<void>[]> {
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  const inflight = new Set<Promise<void>>();
  const wait = async (ms: number) => {
    // Stopped: no iteration starts any more, even one that is overdue.
    if (signal.aborted) return false;
    if (ms <= 0) return true;
    try {
      await sleep(ms, undefined, { signal });
      return true;
    } catch {
      return false;
    }
  };

  if (arrival.model === 'vus') {
    metrics.activeVus(arrival.vus);
    const loops = Array.from({ length: arrival.vus }, async (_, i) => {
      const vu: VirtualUser = { id: i + 1, state: {} };
      while (elapsed() < durationMs && !signal.aborted) {
        await run(vu);
        if (!(await wait(Math.min(arrival.pauseMs, durationMs - elapsed())))) break;
      }
    });
    // the loops end on their own once the duration is over (their last iteration finishes first)
    await wait(durationMs - elapsed());
    return loops;
  }

  const all: VirtualUser[] = [];
  const free: VirtualUser[] = [];
  let busy = 0;
  for (let k = 0; ; k++) {
    const at = startTimeOf(arrival, k);
    if (!(at < durationMs)) break;
    if (!(await wait(at - elapsed()))) break;
    let vu = free.pop();
    if (!vu && all.length < arrival.maxVus) {
      vu = { id: all.length + 1, state: {} };
      all.push(vu);
    }
    if (!vu) {
      metrics.droppedIteration();
      continue;
    }
    const user = vu;
    busy++;
    metrics.activeVus(busy);
    const p: Promise<void> = run(user).finally(() => {
      busy--;
      free.push(user);
      inflight.delete(p);
    });
    inflight.add(p);
  }
  await wait(durationMs - elapsed());
  return [...inflight];
}
