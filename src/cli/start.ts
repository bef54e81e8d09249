import { parseStartArgs, StartOptions, UsageError, USAGE } from './start-options';

/**
 * `npm start [-- --api N --workers M]` (scripts/start.js runs it once built).
 * The flags are read before anything else is loaded, so that a wrong command
 * line is answered at once.
 */

/** The flags, or the process ends: 2 with a message for a wrong command line, 0 after `--help`. */
export function optionsOrExit(argv: readonly string[]): StartOptions {
  try {
    const parsed = parseStartArgs(argv);
    if (parsed !== 'help') return parsed;
    process.stdout.write(USAGE);
    process.exit(0);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`npm start: ${err.message}\n\n${USAGE}`);
    process.exit(2);
  }
}

/** Migrates, prepares the demo sandbox and starts the processes (src/cli/launch.ts). */
export async function run(options: StartOptions = { api: 1, workers: 0 }): Promise<void> {
  const { launch } = await import('./launch');
  await launch(options);
}

if (require.main === module) {
  const options = optionsOrExit(process.argv.slice(2));
  run(options).catch((err: Error) => {
    process.stderr.write(`failed to start: ${err.message}\n`);
    process.exit(1);
  });
}
