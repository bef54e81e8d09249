import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism } from 'node:os';
import { ChildSpec, Supervisor } from '../src/cli/supervisor';
import { fmt, load, Rate } from './support';

export interface ScaleBenchInput {
  /** The environment of the API processes: the bench's database, Redis prefix and files. */
  env: Record<string, string>;
  companyId: number;
  token: string;
  seconds: number;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** CPU seconds used so far by the machine (busy, all cores) and by the given processes (Linux /proc). */
function cpu(pids: number[]): { machine: number; processes: number } {
  const tick = 100; // USER_HZ
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  const busy = fields.reduce((a, b) => a + b, 0) - fields[3] - fields[4]; // all but idle and iowait
  const processes = pids.reduce((sum, pid) => {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return sum + Number(after[11]) + Number(after[12]); // utime, stime
  }, 0);
  return { machine: busy / tick, processes: processes / tick };
}

/** `n` API processes on one port under the supervisor `npm start -- --api n` uses (this process is the cluster primary). */
async function group(n: number, env: Record<string, string>): Promise<{ url: string; supervisor: Supervisor }> {
  const port = await freePort();
  const specs: ChildSpec[] = Array.from({ length: n }, (_, i) => ({
    name: `bench-api-${n}-${i + 1}`,
    role: 'api',
    env: { ...env, SIM_ROLE: 'api', SIM_PROCESS_NAME: `bench-api-${n}-${i + 1}`, HOST: '127.0.0.1', PORT: String(port) },
  }));
  const supervisor = new Supervisor(specs, { log: (line) => process.stderr.write(`${line}\n`) });
  await supervisor.start();
  return { url: `http://127.0.0.1:${port}`, supervisor };
}

/**
 * Requests per second on an authenticated, permission-checked read (the
 * company's project list, as the guard bench) from 2 API processes sharing a
 * port against 1, in alternating rounds of the same run. Both groups run the
 * whole time; only the one under load does work.
 */
export async function scaleBench(input: ScaleBenchInput): Promise<string[]> {
  const { env, companyId, token, seconds } = input;
  const path = `/rest/v1.0/companies/${companyId}/projects`;
  const headers = { authorization: `Bearer ${token}`, 'procore-company-id': String(companyId), 'content-type': 'application/json' };
  const groups = { one: await group(1, env), two: await group(2, env) };
  try {
    for (const g of Object.values(groups)) {
      const warm = await fetch(`${g.url}${path}`, { headers });
      if (warm.status !== 200) throw new Error(`warm-up failed: ${warm.status} ${await warm.text()}`);
    }
    const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
    const results: Record<keyof typeof groups, Rate[]> = { one: [], two: [] };
    // Cores in use during each run: the whole machine, and the API processes of the group under load.
    const cores: Record<keyof typeof groups, { machine: number; api: number; generator: number }[]> = { one: [], two: [] };
    for (let round = 0; round < rounds; round++) {
      for (const name of ['one', 'two'] as const) {
        const url = `${groups[name].url}${path}`;
        await load(url, headers, 1, 32); // warm every process's caches and JIT
        const pids = groups[name].supervisor.children().map((c) => c.pid);
        const before = cpu(pids);
        const generatorBefore = process.cpuUsage(); // this process: the load generator's thread (and the idle primary)
        const started = performance.now();
        results[name].push(await load(url, headers, seconds, 32));
        const generator = process.cpuUsage(generatorBefore);
        const after = cpu(pids);
        const elapsed = (performance.now() - started) / 1000;
        cores[name].push({
          machine: (after.machine - before.machine) / elapsed,
          api: (after.processes - before.processes) / elapsed,
          generator: (generator.user + generator.system) / 1e6 / elapsed,
        });
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const rps = (name: keyof typeof groups) => results[name].map((r) => r.requestsPerSec);
    const ratios = rps('two').map((two, i) => two / rps('one')[i]);
    const failures = [...results.one, ...results.two].reduce((n, r) => n + r.errors + r.non2xx, 0);
    const line = (label: string, name: keyof typeof groups) =>
      `  ${label.padEnd(20)}${fmt(median(rps(name)), 0).padStart(6)} req/s (rounds: ${rps(name).map((x) => fmt(x, 0)).join(', ')})  p50 ${median(results[name].map((r) => r.p50ms))} ms  p99 ${median(results[name].map((r) => r.p99ms))} ms  cores busy: ${fmt(median(cores[name].map((c) => c.machine)), 2)} (API ${fmt(median(cores[name].map((c) => c.api)), 2)}, load generator ${fmt(median(cores[name].map((c) => c.generator)), 2)}, the rest: PostgreSQL, Redis, other load)`;
    return [
      `scale: GET /rest/v1.0/companies/{company_id}/projects (signed in, permission-checked), 32 connections, ${rounds} × ${seconds} s per group, ${availableParallelism()} cores for the load generator, the API processes, PostgreSQL and Redis`,
      line('1 API process', 'one'),
      line('2 API processes', 'two'),
      `  2 / 1                ${fmt(median(ratios), 2)}× (rounds: ${ratios.map((r) => fmt(r, 2)).join(', ')})${failures ? `  (${failures} errors or non-2xx answers)` : ''}`,
    ];
  } finally {
    await new Promise((resolve) => setTimeout(resolve, 500)); // let the last load's requests finish
    await Promise.all(Object.values(groups).map((g) => g.supervisor.stop()));
  }
}
