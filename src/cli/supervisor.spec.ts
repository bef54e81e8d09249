import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChildSpec, Supervisor } from './supervisor';
import { isAlive } from '../../test/support/processes';

/**
 * The supervisor with real child processes of a tiny script: CHILD_MODE=serve
 * says it is ready and stops on SIGTERM, `crash` dies at once, `slow-crash`
 * dies after a slow boot, never ready, `stubborn` ignores SIGTERM.
 */
const entry = join(mkdtempSync(join(tmpdir(), 'sitesim-supervisor-')), 'child.js');
writeFileSync(
  entry,
  `const mode = process.env.CHILD_MODE;
if (mode === 'crash') process.exit(3);
if (mode === 'slow-crash') setTimeout(() => process.exit(4), 300);
else {
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => { if (mode !== 'stubborn') setTimeout(() => process.exit(0), 20); });
process.on('disconnect', () => { if (mode !== 'stubborn') process.exit(0); });
process.send({ type: 'sitesim:ready', port: null });
setInterval(() => undefined, 1000);
}
`,
);

const rules = { baseDelayMs: 100, maxDelayMs: 300, fastExitMs: 10_000, maxFastExits: 4 };
const child = (name: string, mode: string): ChildSpec => ({ name, role: 'worker', env: { CHILD_MODE: mode } });

async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('the process supervisor', () => {
  it('starts every child, starts a killed one again and reports it, and stops them all with SIGTERM', async () => {
    const log: string[] = [];
    const supervisor = new Supervisor([child('a', 'serve'), child('b', 'serve')], { log: (l) => log.push(l), entry, rules });
    const started = await supervisor.start();
    expect(started.map((c) => c.name)).toEqual(['a', 'b']);
    expect(started.every((c) => isAlive(c.pid))).toBe(true);

    process.kill(started[0].pid, 'SIGKILL');
    await until('a to be back', () => log.some((l) => l.startsWith('[start] a is back')));
    expect(log[0]).toMatch(new RegExp(`^\\[start\\] a \\(pid ${started[0].pid}\\) was killed by SIGKILL after [\\d.]+ s; starting it again in 0\\.1 s$`));
    const again = supervisor.children();
    expect(again[0].pid).not.toBe(started[0].pid);
    expect(again[1].pid).toBe(started[1].pid);
    expect(log[1]).toBe(`[start] a is back (pid ${again[0].pid})`);

    expect(await supervisor.stop()).toBe(0);
    expect(await supervisor.done).toBe(0);
    expect(again.some((c) => isAlive(c.pid))).toBe(false);
    expect(log).toHaveLength(2);
  });

  it('counts a death before ready as a quick one, however long the boot took, and gives up on it', async () => {
    const log: string[] = [];
    // Quick deaths are those within 100 ms of being ready; this child boots for 300 ms and dies without being ready.
    const supervisor = new Supervisor([child('slow', 'slow-crash')], { log: (l) => log.push(l), entry, rules: { ...rules, fastExitMs: 100, maxFastExits: 2 } });
    await expect(supervisor.start()).rejects.toThrow('slow kept crashing at start');
    expect(await supervisor.done).toBe(1);
    expect(log.filter((l) => l.startsWith('[start] slow')).map((l) => / exited with code 4 before it was ready/.test(l))).toEqual([true, true]);
  });

  it('gives up on a child that keeps dying at start, with doubling delays up to the cap, and stops the others', async () => {
    const log: string[] = [];
    const supervisor = new Supervisor([child('steady', 'serve'), child('broken', 'crash')], { log: (l) => log.push(l), entry, rules });
    await expect(supervisor.start()).rejects.toThrow('broken kept crashing at start');
    expect(await supervisor.done).toBe(1);
    const deaths = log.filter((l) => l.startsWith('[start] broken'));
    expect(deaths.map((l) => /starting it again in ([\d.]+) s$/.exec(l)?.[1] ?? 'gave up')).toEqual(['0.1', '0.2', '0.3', 'gave up']);
    expect(deaths.every((l) => / exited with code 3 before it was ready/.test(l))).toBe(true);
    expect(deaths[3]).toMatch(/It died 4 times in a row, each within 10\.0 s of starting, so it is not started again \(its own output above says why\)\. Stopping the other processes\.$/);
    expect(supervisor.children().every((c) => c.pid === 0)).toBe(true);
  });

  it('kills a child that does not stop in time, and exits 1', async () => {
    const log: string[] = [];
    const supervisor = new Supervisor([child('stubborn', 'stubborn')], { log: (l) => log.push(l), entry, rules, stopTimeoutMs: 300 });
    const [started] = await supervisor.start();
    expect(await supervisor.stop()).toBe(1);
    expect(log).toEqual(['[start] stubborn did not stop in time: killing']);
    expect(isAlive(started.pid)).toBe(false);
  });
});
