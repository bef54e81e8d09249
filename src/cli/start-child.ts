import 'reflect-metadata';
import { configOrExit, main } from '../main';
import type { ReadyMessage } from './supervisor';

/**
 * One process of `npm start -- --api N --workers M`, forked by the supervisor
 * (src/cli/supervisor.ts) with SIM_ROLE and SIM_PROCESS_NAME set: an API
 * process listening on the shared port, or a worker process. It tells the
 * supervisor once it serves, and stops on SIGTERM or when the supervisor is
 * gone. Ctrl-C reaches every process of the terminal; the supervisor alone
 * acts on it, and stops each child with SIGTERM.
 */
process.on('SIGINT', () => undefined);

let stopping = false;
function stopWith(stop: () => Promise<void>): void {
  if (stopping) return;
  stopping = true;
  stop()
    .then(() => process.exit(0))
    .catch((err: Error) => {
      process.stderr.write(`error while stopping: ${err.message}\n`);
      process.exit(1);
    });
}

main(configOrExit(), { logger: ['warn', 'error'] })
  .then((running) => {
    process.on('SIGTERM', () => stopWith(running.stop));
    process.on('disconnect', () => stopWith(running.stop));
    process.send?.({ type: 'sitesim:ready', port: running.port } satisfies ReadyMessage);
  })
  .catch((err: Error) => {
    process.stderr.write(`failed to start: ${err.message}\n`);
    process.exit(1);
  });
