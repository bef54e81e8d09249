import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 15000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A private Redis server (AOF on), which a test may stop and start again. */
export class PrivateRedis {
  private child: ChildProcess | null = null;
  private readonly dir = mkdtempSync(join(tmpdir(), 'sitesim-redis-'));

  private constructor(readonly port: number) {}

  static async start(): Promise<PrivateRedis> {
    const r = new PrivateRedis(await freePort());
    await r.up();
    return r;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async up(): Promise<void> {
    const bin = execFileSync('bash', ['-lc', 'command -v redis-server || echo /usr/bin/redis-server'], { encoding: 'utf8' }).trim();
    this.child = spawn(bin, ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--appendonly', 'yes', '--save', ''], { stdio: 'ignore' });
    await until(async () => {
      const c = new Redis(this.url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
      try {
        await c.connect();
        return (await c.ping()) === 'PONG';
      } finally {
        c.disconnect();
      }
    }, 'redis to start');
  }

  /** Stops the server the way a crash or restart would (data kept in its AOF). */
  async down(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}

/** A process of the app (src/main.ts or src/worker.ts) running the TypeScript sources, its output kept. */
class AppProcess {
  private readonly exited: Promise<number | null>;
  output = '';

  protected constructor(protected readonly child: ChildProcess) {
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    child.stdout?.on('data', (d: Buffer) => (this.output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.output += d.toString()));
  }

  protected static spawn(entry: string, env: Record<string, string>): ChildProcess {
    return spawn(process.execPath, ['-r', '@swc-node/register', entry], {
      cwd: join(__dirname, '..', '..'),
      env: { ...process.env, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }

  /** Waits until the output shows `pattern`; fails at once if the process ends first. */
  protected async started(pattern: RegExp, what: string, timeoutMs = 60000): Promise<RegExpExecArray> {
    let ended = false;
    void this.exited.then(() => (ended = true));
    const end = Date.now() + timeoutMs;
    for (;;) {
      const found = pattern.exec(this.output);
      if (found) return found;
      if (ended) throw new Error(`${what}: the process ended first\n${this.output.slice(-2000)}`);
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}\n${this.output.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  get pid(): number {
    return this.child.pid!;
  }

  kill(signal: NodeJS.Signals): Promise<number | null> {
    this.child.kill(signal);
    return this.exited;
  }
}

/** A worker process (SIM_ROLE=worker) running the TypeScript sources. */
export class WorkerProcess extends AppProcess {
  static async start(env: Record<string, string>): Promise<WorkerProcess> {
    const w = new WorkerProcess(AppProcess.spawn('src/worker.ts', { ...env, SIM_ROLE: 'worker' }));
    await w.started(/worker ready/, 'the worker process to start');
    return w;
  }
}

/** An API process (SIM_ROLE=api, no job workers) running the TypeScript sources, on a port of its own. */
export class ApiProcess extends AppProcess {
  private base = '';

  static async start(env: Record<string, string>): Promise<ApiProcess> {
    const p = new ApiProcess(AppProcess.spawn('src/main.ts', { HOST: '127.0.0.1', ...env, PORT: '0', SIM_ROLE: 'api' }));
    p.base = (await p.started(/API listening on (http:\/\/[\d.]+:\d+)/, 'the API process to start'))[1];
    return p;
  }

  get url(): string {
    return this.base;
  }
}

/** Whether a process with this pid is still there (signal 0 only checks). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
