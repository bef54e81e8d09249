import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Time in a sandbox comes from its clock (SandboxClock). This finds the strays:
 * the wall clock read in TypeScript (`Date.now()`, `new Date()`) or in SQL
 * (`now()`, `CURRENT_TIMESTAMP`, …) anywhere in `src/` but the clock itself
 * and the few places that measure the server's own real time, each with why.
 * Durations use `performance.now()`, which is not a time of day.
 */
const ROOT = join(__dirname, '..', '..');
const SRC = join(ROOT, 'src');

const ALLOWED: Record<string, string> = {
  'src/sandboxes/sandbox-clock.ts': 'the sandbox clock: real time plus its offset, or its frozen time',
  'src/common/rate-limit/rate-limiter.ts': "rate-limit windows are the server's real hours (they protect it, whatever a sandbox's clock says)",
  'src/simulation/activity/activity-pace.ts': "synthetic users' pace is real time: actions per real minute, BullMQ delays in real ms",
  'src/scenarios/sim-inbox.ts': 'a webhook receiver outside every sandbox records when it really received a call',
  'src/load/wall-clock.ts': 'the load runner is a client outside every sandbox: it stamps its reports and reads HTTP-date Retry-After in real time',
};

const STRAYS: { name: string; pattern: RegExp }[] = [
  { name: 'Date.now()', pattern: /\bDate\.now\(\)/ },
  { name: 'new Date()', pattern: /\bnew Date\(\s*\)/ },
  { name: 'SQL now()', pattern: /(?<![\w.])now\(\)/i },
  { name: 'SQL CURRENT_TIMESTAMP/CURRENT_DATE/LOCALTIMESTAMP', pattern: /\b(CURRENT_TIMESTAMP|CURRENT_DATE|CURRENT_TIME|LOCALTIMESTAMP|LOCALTIME)\b/ },
  { name: 'SQL clock_timestamp()/statement_timestamp()/transaction_timestamp()', pattern: /\b(clock|statement|transaction)_timestamp\(\)/i },
];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return name.endsWith('.ts') && !name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** The code without its comments (a comment may name what it avoids). */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' ')).replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

export function strays(text: string): { line: number; name: string; text: string }[] {
  const out: { line: number; name: string; text: string }[] = [];
  code(text)
    .split('\n')
    .forEach((line, i) => {
      for (const s of STRAYS) if (s.pattern.test(line)) out.push({ line: i + 1, name: s.name, text: line.trim() });
    });
  return out;
}

describe('sandbox time', () => {
  it('finds the wall clock in TypeScript and SQL, and not in comments or in sim_now()', () => {
    expect(strays('const t = Date.now();').map((s) => s.name)).toEqual(['Date.now()']);
    expect(strays('x.at = new Date();').map((s) => s.name)).toEqual(['new Date()']);
    expect(strays('new Date(row.at)')).toEqual([]);
    expect(strays("m.query('UPDATE t SET at = now() WHERE id = $1')").map((s) => s.name)).toEqual(['SQL now()']);
    expect(strays("m.query('UPDATE t SET at = sim_now()')")).toEqual([]);
    expect(strays('performance.now()')).toEqual([]);
    expect(strays('`due_date < CURRENT_DATE`').map((s) => s.name)).toEqual(['SQL CURRENT_TIMESTAMP/CURRENT_DATE/LOCALTIMESTAMP']);
    expect(strays('// never Date.now() here\n/* nor now() */')).toEqual([]);
  });

  it('reads time only through the sandbox clock in src/ (a stray names its file and line)', () => {
    const found: string[] = [];
    for (const path of files(SRC)) {
      const rel = relative(ROOT, path).split('\\').join('/');
      if (ALLOWED[rel]) continue;
      for (const s of strays(readFileSync(path, 'utf8'))) found.push(`${rel}:${s.line} ${s.name}: ${s.text}`);
    }
    expect(found).toEqual([]);
  });

  it('keeps every allowed file real and still reading the wall clock (an exception that is no longer needed goes)', () => {
    for (const rel of Object.keys(ALLOWED)) {
      expect(strays(readFileSync(join(ROOT, rel), 'utf8')).length).toBeGreaterThan(0);
    }
  });
});
