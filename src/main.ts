import 'reflect-metadata';
import { Logger, LogLevel } from '@nestjs/common';
import { createApp, drainHttp } from './bootstrap';
import { AppConfig, ConfigError, loadConfig } from './config/app-config';
import { startWorker, WorkerHandle } from './worker';

/** A started process: the port its API listens on (null for a worker), and how to stop it. */
export interface Running {
  port: number | null;
  stop(): Promise<void>;
}

/** Starts the API (and the worker too with SIM_ROLE=all). */
export async function main(config: AppConfig, options: { logger?: LogLevel[] } = {}): Promise<Running> {
  const logger = new Logger('Main');
  let worker: WorkerHandle | null = null;
  if (config.role === 'worker') {
    worker = await startWorker(config);
    return { port: null, stop: () => worker!.close() };
  }
  const app = await createApp(config, options);
  await app.listen({ port: config.port, host: config.host });
  if (config.role === 'all') worker = await startWorker(config, app);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.log(`API listening on http://${config.host}:${port} (role ${config.role}, pid ${process.pid})`);
  return {
    port,
    stop: async () => {
      await drainHttp(app);
      await worker?.close();
      await app.close();
    },
  };
}

export function configOrExit(): AppConfig {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

export function stopOnSignals(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    process.stderr.write(`\n${signal}: stopping…\n`);
    stop()
      .then(() => process.exit(0))
      .catch((err: Error) => {
        process.stderr.write(`error while stopping: ${err.message}\n`);
        process.exit(1);
      });
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}

if (require.main === module) {
  main(configOrExit())
    .then((running) => stopOnSignals(running.stop))
    .catch((err: Error) => {
      process.stderr.write(`failed to start: ${err.message}\n`);
      process.exit(1);
    });
}
