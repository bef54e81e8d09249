import { readFile } from 'node:fs/promises';
import { parseDuration } from './duration';
import { parsePlan, PlanError } from './plan';
import { runPlan, RunResult } from './runner';

export const USAGE = `usage: npm run load -- <plan.yaml|plan.json> [--duration 5s] [--out DIR] [--target URL] [--quiet]

  --duration  run for this long instead of the plan's duration (a ramping plan's stages are scaled to fit)
  --out       where report.json, report.html and junit.xml go (default: load-results/<plan name>)
  --target    the sitesim URL to load instead of the plan's target.url
  --quiet     no live progress line

exit: 0 every threshold passed, 1 a threshold failed, 2 a bad plan, an unreachable target or a threshold that does not parse (nothing started)`;

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

interface Args {
  plan: string;
  durationMs?: number;
  out?: string;
  target?: string;
  quiet: boolean;
}

function parseArgs(argv: string[]): Args | string {
  const args: Partial<Args> & { quiet: boolean } = { quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => inline ?? argv[++i];
    if (flag === '--duration') {
      const v = value();
      const ms = v === undefined || /^\s*\d+(\.\d+)?\s*$/.test(v) ? null : parseDuration(v);
      if (ms === null || ms <= 0) return `--duration needs a duration such as "5s" (got ${JSON.stringify(v ?? null)})`;
      args.durationMs = ms;
    } else if (flag === '--out') {
      const v = value();
      if (!v) return '--out needs a directory';
      args.out = v;
    } else if (flag === '--target') {
      const v = value();
      if (!v) return '--target needs a URL';
      args.target = v;
    } else if (flag === '--quiet') args.quiet = true;
    else if (flag.startsWith('-')) return `unknown option ${flag}`;
    else if (args.plan) return `one plan at a time (got ${args.plan} and ${a})`;
    else args.plan = a;
  }
  if (!args.plan) return 'name a plan file';
  return args as Args;
}

/** `npm run load -- <plan>`: answers the exit code. */
export async function main(argv: string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr }, stop?: AbortSignal): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    io.stderr.write(`load: ${args}\n${USAGE}\n`);
    return 2;
  }
  let text: string;
  try {
    text = await readFile(args.plan, 'utf8');
  } catch (err) {
    io.stderr.write(`load: cannot read ${args.plan}: ${(err as Error).message}\n`);
    return 2;
  }
  let plan;
  try {
    plan = parsePlan(text, args.plan, { durationMs: args.durationMs, targetUrl: args.target });
  } catch (err) {
    if (!(err instanceof PlanError)) throw err;
    io.stderr.write(`load: the plan cannot run:\n${err.message}\n`);
    return 2;
  }
  if (args.target) {
    try {
      const u = new URL(args.target);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
    } catch {
      io.stderr.write(`load: --target must be an http(s) URL (got ${JSON.stringify(args.target)})\n`);
      return 2;
    }
  }
  const result: RunResult = await runPlan(plan, { outDir: args.out ?? `load-results/${plan.name}`, stdout: io.stdout, stderr: io.stderr, progress: !args.quiet, stop });
  return result.exitCode;
}

if (require.main === module) {
  const stop = new AbortController();
  let interrupts = 0;
  // Ctrl-C, or a CI job cancelled (SIGTERM): finish what is in flight, report, and delete the sandbox made for the run.
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupts++ === 0) {
      process.stderr.write(`\n[load] ${signal}: stopping: finishing the iterations in flight, then reporting (again to quit at once, leaving a sandbox made for the run)\n`);
      stop.abort();
    } else process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  main(process.argv.slice(2), undefined, stop.signal).then(
    (code) => process.exit(code),
    (err: Error) => {
      process.stderr.write(`load: failed: ${err.stack ?? err.message}\n`);
      process.exit(2);
    },
  );
}
