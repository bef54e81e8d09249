#!/usr/bin/env node
/**
 * `npm test`: starts the test PostgreSQL and Redis (scripts/services.sh, test
 * mode), type-checks, builds the console and makes sure Chromium is there for
 * its browser tests, then runs every unit, e2e and browser test with jest.
 * Extra arguments go to jest (e.g. `npm test -- test/e2e/auth`).
 */
const { execFileSync, spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const env = { ...process.env, SITESIM_SERVICES_MODE: 'test' };
const services = path.join(root, 'scripts', 'services.sh');

if (!process.env.TEST_DATABASE_URL || !process.env.TEST_REDIS_URL) {
  execFileSync(services, ['up'], { stdio: ['ignore', 'inherit', 'inherit'], env });
  const out = execFileSync(services, ['env'], { env, encoding: 'utf8' });
  for (const line of out.split('\n')) {
    const m = /^(DATABASE_URL|REDIS_URL)=(.*)$/.exec(line.trim());
    if (m) env[`TEST_${m[1]}`] = m[2];
  }
}
env.SITESIM_TEST_RUN = String(process.pid);

const bin = (name) => path.join(root, 'node_modules', '.bin', name);
process.stderr.write('[test] type-checking…\n');
const tsc = spawnSync(bin('tsc'), ['-p', 'tsconfig.json', '--noEmit'], { cwd: root, stdio: 'inherit', env });
if (tsc.status !== 0) {
  process.stderr.write('[test] type errors: fix them first (npx tsc -p tsconfig.json --noEmit)\n');
  process.stdout.write('Tests:       1 failed, 0 passed, 1 total\n');
  process.exit(1);
}
const consoleTsc = spawnSync(bin('tsc'), ['-p', 'console/tsconfig.json'], { cwd: root, stdio: 'inherit', env });
if (consoleTsc.status !== 0) {
  process.stderr.write('[test] type errors in the console: fix them first (npx tsc -p console/tsconfig.json)\n');
  process.stdout.write('Tests:       1 failed, 0 passed, 1 total\n');
  process.exit(1);
}

// The browser tests load the built console in the system Chromium: build it (skipped when unchanged) and make sure Chromium is there.
const args = process.argv.slice(2);
const files = args.filter((a) => !a.startsWith('-'));
if (!files.length || files.some((f) => /browser|console/.test(f))) {
  const prereqs = path.join(root, 'scripts', 'ci-prereqs.sh');
  const have = spawnSync(prereqs, ['--check'], { stdio: 'ignore', env });
  if (have.status !== 0) {
    const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
    const installed = isRoot ? spawnSync(prereqs, [], { stdio: 'inherit', env }) : null;
    if (!installed || installed.status !== 0) {
      process.stderr.write('[test] the browser tests need Chromium: as root run scripts/ci-prereqs.sh (apt-get install -y chromium), or set SITESIM_CHROMIUM to a Chromium binary\n');
      process.stdout.write('Tests:       1 failed, 0 passed, 1 total\n');
      process.exit(1);
    }
  }
  const built = spawnSync(process.execPath, [path.join(root, 'scripts', 'build-console.js')], { cwd: root, stdio: 'inherit', env });
  if (built.status !== 0) {
    process.stdout.write('Tests:       1 failed, 0 passed, 1 total\n');
    process.exit(1);
  }
}
const jest = spawnSync(bin('jest'), ['--ci', ...args], { cwd: root, stdio: 'inherit', env });
process.exit(jest.status ?? 1);
