import { ChildProcess, spawn } from 'node:child_process';
import { get } from 'node:http';
import { AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { ApiClient } from '../support/api-client';
import { ApiProcess, isAlive } from '../support/processes';
import { TrainingSandbox } from '../support/sandbox';
import { TestApp } from '../support/test-app';

/** `npm start` as run from the sources (`src/cli/start.ts`, what scripts/start.js runs once built), its output kept. */
class Start {
  output = '';
  readonly exited: Promise<number | null>;

  private constructor(private readonly child: ChildProcess) {
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    child.stdout?.on('data', (d: Buffer) => (this.output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.output += d.toString()));
  }

  static run(args: string[], env: Record<string, string>): Start {
    return new Start(
      spawn(process.execPath, ['-r', '@swc-node/register', 'src/cli/start.ts', ...args], {
        cwd: join(__dirname, '..', '..'),
        // Only what the run needs: no DATABASE_URL of the test runner's unless given.
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', NO_COLOR: '1', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
  }

  get pid(): number {
    return this.child.pid!;
  }

  async shows(pattern: RegExp, what: string, timeoutMs = 90_000): Promise<RegExpExecArray> {
    const end = performance.now() + timeoutMs;
    let ended = false;
    void this.exited.then(() => (ended = true));
    for (;;) {
      const found = pattern.exec(this.output);
      if (found) return found;
      if (ended || performance.now() > end) throw new Error(`${ended ? 'ended' : 'timed out'} waiting for ${what}:\n${this.output.slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  kill(signal: NodeJS.Signals): Promise<number | null> {
    this.child.kill(signal);
    return this.exited;
  }
}

/** GET /health on a connection of its own, so that each request may reach another API process. */
function health(port: number): Promise<{ status: number; process: { name: string; pid: number }; header: string }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path: '/health', agent: false, headers: { connection: 'close' } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, process: JSON.parse(text).process, header: String(res.headers['x-sim-process']) }));
    }).on('error', reject);
  });
}


async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const end = performance.now() + timeoutMs;
  for (;;) {
    const found = await check().catch(() => undefined);
    if (found !== undefined) return found;
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('npm start -- --api N --workers M', () => {
  it.each([
    [['--api', '0'], '--api must be a whole number from 1 to 32 (got "0")'],
    [['--api', 'x'], '--api must be a whole number from 1 to 32 (got "x")'],
    [['--api', '2', '--workrs', '1'], 'unknown flag --workrs'],
  ])('refuses %j with a clear message and exit code 2, before anything starts', async (args, message) => {
    // No database or Redis given: the flags are checked first.
    const start = Start.run(args, {});
    expect(await start.exited).toBe(2);
    expect(start.output.split('\n')[0]).toBe(`npm start: ${message}`);
    expect(start.output).toContain('usage: npm start');
  });

  describe('on a database of its own', () => {
    let t: TestApp;
    let env: Record<string, string>;
    const runs: Start[] = [];

    beforeAll(async () => {
      t = await TestApp.start({ workers: false });
      env = { ...t.processEnv(), PORT: '0', HOST: '127.0.0.1', SIM_DB_POOL_SIZE: '3' };
    });
    afterAll(async () => {
      await Promise.all(runs.map((r) => r.kill('SIGKILL').catch(() => undefined)));
      await t.stop();
    });

    it('runs 2 API processes on one port and a worker, prepared once, restarts one that dies, and stops them all on SIGTERM', async () => {
      const start = Start.run(['--api', '2', '--workers', '1'], env);
      runs.push(start);
      await start.shows(/Ctrl-C stops\./, 'the banner');
      const [, port] = (await start.shows(/API\s+http:\/\/127\.0\.0\.1:(\d+)\/rest\/v1\.0/, 'the API address')).map(String);
      const [, supervisor] = await start.shows(/Processes\s+4: supervisor \(pid (\d+)\)/, 'the process count');
      const [, api1, api2] = await start.shows(/2 API on one port: api-1 \(pid (\d+)\), api-2 \(pid (\d+)\)/, 'the API pids');
      const [, worker1] = await start.shows(/1 job worker: worker-1 \(pid (\d+)\)/, 'the worker pid');
      expect(Number(supervisor)).toBe(start.pid);
      // Migrations and the demo sandbox happened once, before the children started; one banner.
      expect(start.output.match(/sitesim is running/g)).toHaveLength(1);
      expect(start.output.match(/\[start\] (schema is up to date|migrations applied)/g)).toHaveLength(1);
      expect((await t.db.query(`SELECT count(*)::int AS n FROM sandboxes WHERE name = 'Demo training sandbox'`)).rows[0].n).toBe(1);
      // The worker process is one of ours (it takes jobs): it is running.
      expect(isAlive(Number(worker1))).toBe(true);

      // One port, two processes answering it in turn.
      const answers = await Promise.all(Array.from({ length: 6 }, () => health(Number(port))));
      for (const a of answers) expect({ status: a.status, header: a.header.split('@')[0] }).toEqual({ status: 200, header: `${a.process.name}/${a.process.pid}` });
      expect(new Set(answers.map((a) => `${a.process.name}:${a.process.pid}`))).toEqual(new Set([`api-1:${api1}`, `api-2:${api2}`]));

      // A child that dies is reported and started again; the port keeps answering meanwhile.
      process.kill(Number(api1), 'SIGKILL');
      await start.shows(new RegExp(`\\[start\\] api-1 \\(pid ${api1}\\) was killed by SIGKILL after [\\d.]+ s; starting it again in [\\d.]+ s`), 'the death report');
      const [, api1Again] = await start.shows(/\[start\] api-1 is back \(pid (\d+)\)/, 'api-1 back');
      expect(api1Again).not.toBe(api1);
      await until('the new api-1 to answer', async () => ((await health(Number(port))).process.pid === Number(api1Again) ? true : undefined));

      // SIGTERM stops every child, gracefully: the supervisor exits 0 and no child is left.
      expect(await start.kill('SIGTERM')).toBe(0);
      expect(start.output).toContain('[start] every process stopped');
      for (const pid of [api1Again, api2, worker1]) expect(isAlive(Number(pid))).toBe(false);
    }, 180_000);

    it('answers the requests it has taken before it stops on SIGTERM, then exits 0', async () => {
      const api = await ApiProcess.start({ ...env, SIM_OPEN_CONTROLS: 'true', SIM_PROCESS_NAME: 'api-draining' });
      try {
        const client = ApiClient.over(api.url);
        const sb = await TrainingSandbox.create(client, 'draining');
        await sb.relaxLimits();
        // Every vendor list of the sandbox waits 1.5 s inside the app, then reads the database.
        const route = '/rest/v1.0/companies/:company_id/vendors';
        const rule = await client.post('/_sim/faults', { target: 'http', route, method: 'GET', effect: 'delay', delay_ms: 1500, probability: 1, sandbox_id: sb.info.id });
        expect(rule.status).toBe(201);
        const admin = await sb.as('company_admin');
        const vendors = `/rest/v1.0/companies/${sb.companyId}/vendors`;
        const expected = (await t.db.query('SELECT count(*)::int AS n FROM vendors WHERE company_id = $1', [sb.companyId])).rows[0].n;
        const slow = Promise.all([admin.get(vendors), admin.get(vendors)]);
        await until('both requests to be in the app', async () => {
          const { rows } = await t.db.query('SELECT evaluations FROM fault_rules WHERE id = $1', [rule.body.id]);
          return rows[0].evaluations >= 2 ? true : undefined;
        });
        const exited = api.kill('SIGTERM');
        expect((await slow).map((r) => ({ status: r.status, vendors: r.body.length }))).toEqual([
          { status: 200, vendors: expected },
          { status: 200, vendors: expected },
        ]);
        expect(await exited).toBe(0);
      } finally {
        await api.kill('SIGKILL');
      }
    }, 120_000);

    it('says at once that the port is taken, before migrating or starting any process', async () => {
      const taken = createServer();
      await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
      const port = (taken.address() as AddressInfo).port;
      try {
        const start = Start.run(['--api', '2'], { ...env, PORT: String(port) });
        runs.push(start);
        expect(await start.exited).toBe(1);
        expect(start.output.trim()).toBe(`[start] 127.0.0.1:${port} is in use (another process listens there; PORT=… picks another)`);
      } finally {
        taken.close();
      }
    });
  });
});
