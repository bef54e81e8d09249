/**
 * The flags of `npm start`: how many API processes share the port and how
 * many job worker processes run beside them. No flags: one process runs the
 * API and the job workers (SIM_ROLE=all), as `npm start` always has.
 */
export interface StartOptions {
  api: number;
  workers: number;
}

export const MAX_PROCESSES = 32;

export const USAGE = `usage: npm start [-- [--api N] [--workers M]]

  --api N       API processes answering on the one port (1-${MAX_PROCESSES}, default 1)
  --workers M   job worker processes beside them (0-${MAX_PROCESSES}; default 0 with one
                API process, which then runs the jobs itself, and 1 with several)
  --help        this text

With no flags one process runs the API and the job workers. With several
processes the API processes run no jobs: the worker processes do.
`;

/** A command line that cannot be run: the message says what to change. */
export class UsageError extends Error {}

/** One process (the API with its jobs inside) or a supervisor with separate API and worker processes. */
export function isSingleProcess(options: StartOptions): boolean {
  return options.api === 1 && options.workers === 0;
}

function count(flag: string, raw: string | undefined, min: number): number {
  if (raw === undefined || raw === '' || raw.startsWith('--')) throw new UsageError(`${flag} needs a number, as in ${flag} 2`);
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > MAX_PROCESSES) {
    throw new UsageError(`${flag} must be a whole number from ${min} to ${MAX_PROCESSES} (got "${raw}")`);
  }
  return Number(raw);
}

/** Reads the flags (`--api 2`, `--api=2`); 'help' for `--help`. Throws UsageError naming what is wrong. */
export function parseStartArgs(argv: readonly string[]): StartOptions | 'help' {
  const given: { api?: number; workers?: number } = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') return 'help';
    const m = /^(--[a-z-]+)(?:=(.*))?$/.exec(arg);
    const flag = m?.[1];
    if (flag !== '--api' && flag !== '--workers') {
      throw new UsageError(arg.startsWith('-') ? `unknown flag ${arg.split('=')[0]}` : `unexpected argument "${arg}"`);
    }
    const key = flag === '--api' ? 'api' : 'workers';
    if (given[key] !== undefined) throw new UsageError(`${flag} is given twice`);
    const value = m?.[2] !== undefined ? m[2] : argv[++i];
    given[key] = count(flag, value, key === 'api' ? 1 : 0);
  }
  const api = given.api ?? 1;
  const workers = given.workers ?? (api > 1 ? 1 : 0);
  if (api > 1 && workers === 0) {
    throw new UsageError(`--workers 0 with --api ${api} would leave every job unrun: several API processes run no jobs themselves; give --workers 1 or more`);
  }
  return { api, workers };
}
