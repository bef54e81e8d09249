import 'reflect-metadata';
import { createServer } from 'node:net';
import { createApp, drainHttp } from '../bootstrap';
import { AppConfig, ConfigError, loadConfig } from '../config/app-config';
import { runMigrations } from '../database/migrate';
import { stopOnSignals } from '../main';
import { startWorker } from '../worker';
import { banner, baseUrl } from './banner';
import { demoSandbox, prepareDemoSandbox } from './demo-sandbox';
import { isSingleProcess, StartOptions } from './start-options';
import { ChildSpec, Supervisor } from './supervisor';

const say = (line: string) => process.stderr.write(`${line}\n`);

function configOrExit(): AppConfig {
  try {
    return loadConfig({ SIM_OPEN_CONTROLS: 'true', ...process.env });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

/**
 * Whether the API will be able to listen (a port in use, an address this
 * machine does not have): said at once, before migrating, instead of API
 * processes that die at start until the supervisor gives up.
 */
async function listenable(host: string, port: number): Promise<string | null> {
  if (port === 0) return null;
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'EADDRINUSE' ? `${host}:${port} is in use (another process listens there; PORT=… picks another)` : `cannot listen on ${host}:${port}: ${err.message}`));
    probe.listen(port, host, () => probe.close(() => resolve(null)));
  });
}

/**
 * `npm start`: migrate, create or refresh the demo sandbox, start the API and
 * the job workers, print how to use them. One process by default; with
 * `--api N --workers M`, a supervisor and N + M child processes.
 */
export async function launch(options: StartOptions): Promise<void> {
  const config = configOrExit();
  const problem = await listenable(config.host, config.port);
  if (problem) {
    say(`[start] ${problem}`);
    process.exit(1);
  }
  const applied = await runMigrations(config.databaseUrl);
  say(applied.length ? `[start] migrations applied: ${applied.join(', ')}` : '[start] schema is up to date');
  if (isSingleProcess(options)) await runOne(config);
  else await runMany(config, options);
}

/** The API with the job workers in this process (SIM_ROLE=api leaves the jobs to worker processes started elsewhere). */
async function runOne(config: AppConfig): Promise<void> {
  const app = await createApp(config, { logger: ['warn', 'error'] });
  await app.listen({ port: config.port, host: config.host });
  const worker = config.role === 'api' ? null : await startWorker(config, app);
  const view = await demoSandbox(app, (line) => say(`[start] ${line}`));
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  process.stdout.write(banner(baseUrl(config, port), view, config, null));
  stopOnSignals(async () => {
    await drainHttp(app);
    await worker?.close();
    await app.close();
  });
}

/** N API processes on one port and M worker processes, under a supervisor; the sandbox is ready before any starts. */
async function runMany(config: AppConfig, options: StartOptions): Promise<void> {
  const view = await prepareDemoSandbox(config, (line) => say(`[start] ${line}`));
  const shared = { SIM_OPEN_CONTROLS: String(config.openControls) };
  const specs: ChildSpec[] = [
    ...Array.from({ length: options.api }, (_, i) => ({ name: `api-${i + 1}`, role: 'api' as const })),
    ...Array.from({ length: options.workers }, (_, i) => ({ name: `worker-${i + 1}`, role: 'worker' as const })),
  ].map((c) => ({ ...c, env: { ...shared, SIM_ROLE: c.role, SIM_PROCESS_NAME: c.name } }));
  say(`[start] starting ${options.api} API process${options.api === 1 ? '' : 'es'} and ${options.workers} worker process${options.workers === 1 ? '' : 'es'}…`);
  const supervisor = new Supervisor(specs, { log: say });

  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    if (++signals > 1) {
      say(`\n${signal} again: killing every process`);
      supervisor.kill();
      return;
    }
    say(`\n${signal}: stopping ${specs.length} processes…`);
    void supervisor.stop(0);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  void supervisor.done.then((code) => {
    say(code === 0 ? '[start] every process stopped' : '[start] stopped');
    process.exit(code);
  });

  let children;
  try {
    children = await supervisor.start();
  } catch {
    return; // the supervisor said why, and is stopping the rest (done exits)
  }
  const port = children.find((c) => c.role === 'api')?.port ?? config.port;
  process.stdout.write(banner(baseUrl(config, port), view, config, children));
}
