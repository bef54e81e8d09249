#!/usr/bin/env node
/**
 * `npm run bench [-- guard|resolver]`: starts the test services, builds, and runs
 * the benchmarks in bench/ against a fresh database. Each prints a ratio against
 * a baseline measured in the same process and run.
 */
const { execFileSync, spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const env = { ...process.env, SITESIM_SERVICES_MODE: 'test' };
const services = path.join(root, 'scripts', 'services.sh');
execFileSync(services, ['up'], { stdio: ['ignore', 'inherit', 'inherit'], env });
for (const line of execFileSync(services, ['env'], { env, encoding: 'utf8' }).split('\n')) {
  const m = /^(DATABASE_URL|REDIS_URL)=(.*)$/.exec(line.trim());
  if (m) env[m[1] === 'DATABASE_URL' ? 'BENCH_DATABASE_ADMIN_URL' : 'BENCH_REDIS_URL'] = m[2];
}
const tsc = spawnSync(path.join(root, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
if (tsc.status !== 0) process.exit(1);
const run = spawnSync(process.execPath, [path.join(root, 'dist', 'bench', 'index.js'), ...process.argv.slice(2)], { cwd: root, stdio: 'inherit', env });
process.exit(run.status ?? 1);
