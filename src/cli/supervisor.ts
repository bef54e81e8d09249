import cluster, { type Worker } from 'node:cluster';
import { extname, join } from 'node:path';
import { DEFAULT_RESTART_RULES, RestartPolicy, RestartRules } from './restart-policy';

/** One child process the supervisor keeps running: its name (`api-2`), role and environment. */
export interface ChildSpec {
  name: string;
  role: 'api' | 'worker';
  env: Record<string, string>;
}

export interface ChildView {
  name: string;
  role: 'api' | 'worker';
  pid: number;
  /** The port an API process answers on (every API process shares it); null for a worker. */
  port: number | null;
}

/** What a child sends its supervisor once it serves (src/cli/start-child.ts). */
export interface ReadyMessage {
  type: 'sitesim:ready';
  port: number | null;
}

export function isReadyMessage(m: unknown): m is ReadyMessage {
  return typeof m === 'object' && m !== null && (m as { type?: unknown }).type === 'sitesim:ready';
}

/** The child's entry point, beside this file (`.ts` under the test runner, `.js` once built). */
export const CHILD_ENTRY = join(__dirname, `start-child${extname(__filename)}`);

export interface SupervisorOptions {
  log: (line: string) => void;
  /** The children's entry point (default: src/cli/start-child). */
  entry?: string;
  rules?: RestartRules;
  /** How long the children have to stop after SIGTERM before they are killed. */
  stopTimeoutMs?: number;
}

interface Slot {
  spec: ChildSpec;
  policy: RestartPolicy;
  worker: Worker | null;
  startedAt: number;
  ready: boolean;
  served: boolean;
  port: number | null;
  timer: NodeJS.Timeout | null;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function death(code: number | null, signal: string | null): string {
  return signal ? `was killed by ${signal}` : `exited with code ${code}`;
}

/**
 * Runs child processes with node:cluster, so that every API process listens on
 * the one port (the supervisor holds the socket and hands each connection to
 * one of them in turn); worker processes are children of the same kind that
 * do not listen. A child that dies is reported and started again under its
 * restart policy; one that keeps dying at start stops the whole group.
 */
export class Supervisor {
  private readonly slots: Slot[];
  private stopping: Promise<number> | null = null;
  private startup!: { resolve: () => void; reject: (err: Error) => void };
  private finish!: (code: number) => void;
  /** The exit code once every child has stopped (after `stop`, or after one kept crashing). */
  readonly done = new Promise<number>((resolve) => (this.finish = resolve));

  constructor(
    specs: readonly ChildSpec[],
    private readonly options: SupervisorOptions,
  ) {
    this.slots = specs.map((spec) => ({ spec, policy: new RestartPolicy(options.rules ?? DEFAULT_RESTART_RULES), worker: null, startedAt: 0, ready: false, served: false, port: null, timer: null }));
  }

  /** Starts every child; resolves once each has said it serves, rejects if one keeps crashing before. */
  start(): Promise<ChildView[]> {
    if (!cluster.isPrimary) throw new Error('the supervisor runs in the primary process');
    cluster.setupPrimary({ exec: this.options.entry ?? CHILD_ENTRY, args: [] });
    const started = new Promise<void>((resolve, reject) => (this.startup = { resolve, reject }));
    for (const slot of this.slots) this.fork(slot);
    return started.then(() => this.children());
  }

  children(): ChildView[] {
    return this.slots.map((s) => ({ name: s.spec.name, role: s.spec.role, pid: s.worker?.process.pid ?? 0, port: s.port }));
  }

  /** SIGTERM to every child, SIGKILL to those still running after the stop timeout; resolves with the exit code. */
  stop(code = 0): Promise<number> {
    if (this.stopping) return this.stopping;
    this.stopping = (async () => {
      for (const slot of this.slots) {
        if (slot.timer) clearTimeout(slot.timer);
        slot.timer = null;
      }
      const alive = this.slots.map((s) => s.worker).filter((w): w is Worker => w !== null && !w.isDead());
      const exited = Promise.all(alive.map((w) => new Promise<void>((resolve) => (w.isDead() ? resolve() : w.once('exit', () => resolve())))));
      for (const w of alive) w.process.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const late = await Promise.race([
        exited.then(() => false),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), this.options.stopTimeoutMs ?? 20_000))),
      ]);
      clearTimeout(timer);
      if (late) {
        const stuck = this.slots.filter((s) => s.worker && !s.worker.isDead());
        this.options.log(`[start] ${stuck.map((s) => s.spec.name).join(', ')} did not stop in time: killing`);
        for (const s of stuck) s.worker?.process.kill('SIGKILL');
        await exited;
        return code || 1;
      }
      return code;
    })();
    void this.stopping.then((c) => this.finish(c));
    return this.stopping;
  }

  /** Kills every child at once (a second Ctrl-C). */
  kill(): void {
    for (const s of this.slots) if (s.worker && !s.worker.isDead()) s.worker.process.kill('SIGKILL');
  }

  private fork(slot: Slot): void {
    slot.timer = null;
    slot.ready = false;
    slot.startedAt = performance.now();
    const worker = cluster.fork(slot.spec.env);
    slot.worker = worker;
    worker.on('message', (m: unknown) => {
      if (!isReadyMessage(m) || slot.worker !== worker) return;
      slot.ready = true;
      // Its uptime counts from ready: a child slow to boot that dies soon after serving still counts as a quick death.
      slot.startedAt = performance.now();
      slot.port = m.port;
      if (slot.served) this.options.log(`[start] ${slot.spec.name} is back (pid ${worker.process.pid})`);
      slot.served = true;
      if (this.slots.every((s) => s.ready)) this.startup.resolve();
    });
    worker.on('exit', (code, signal) => this.exited(slot, worker, code, signal));
  }

  private exited(slot: Slot, worker: Worker, code: number | null, signal: string | null): void {
    if (slot.worker !== worker) return;
    const wasReady = slot.ready;
    slot.worker = null;
    slot.ready = false;
    if (this.stopping) return;
    // A death before it was ever ready is a quick one, however long the boot took.
    const uptime = wasReady ? performance.now() - slot.startedAt : 0;
    const decision = slot.policy.exited(uptime);
    const what = `[start] ${slot.spec.name} (pid ${worker.process.pid}) ${death(code, signal)} ${wasReady ? `after ${seconds(uptime)}` : 'before it was ready'}`;
    if (decision.restart) {
      this.options.log(`${what}; starting it again in ${seconds(decision.delayMs)}`);
      slot.timer = setTimeout(() => this.fork(slot), decision.delayMs);
      return;
    }
    const rules = slot.policy.rules;
    this.options.log(
      `${what}. It died ${decision.fastExits} times in a row, each within ${seconds(rules.fastExitMs)} of starting, so it is not started again (its own output above says why). Stopping the other processes.`,
    );
    this.startup.reject(new Error(`${slot.spec.name} kept crashing at start`));
    void this.stop(1);
  }
}
