#!/usr/bin/env node
/**
 * `npm test`: starts the test PostgreSQL and Redis (scripts/services.sh, test
 * mode), type-checks, then runs every unit and e2e test with jest.
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
const jest = spawnSync(bin('jest'), ['--ci', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit', env });
process.exit(jest.status ?? 1);
