#!/usr/bin/env node
/**
 * `npm start`: starts PostgreSQL and Redis when DATABASE_URL / REDIS_URL are not
 * given (scripts/services.sh, idempotent), builds, migrates, starts the API and
 * the worker, creates or refreshes the demo sandbox and prints how to use it.
 */
const { execFileSync, spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');

if (!process.env.DATABASE_URL || !process.env.REDIS_URL) {
  const env = { ...process.env, SITESIM_SERVICES_MODE: 'dev' };
  const services = path.join(root, 'scripts', 'services.sh');
  try {
    execFileSync(services, ['up'], { stdio: ['ignore', 'inherit', 'inherit'], env });
  } catch {
    process.stderr.write('[start] could not start PostgreSQL and Redis (see above); or set DATABASE_URL and REDIS_URL to your own.\n');
    process.exit(1);
  }
  const out = execFileSync(services, ['env'], { env, encoding: 'utf8' });
  for (const line of out.split('\n')) {
    const m = /^(DATABASE_URL|REDIS_URL)=(.*)$/.exec(line.trim());
    if (m && !process.env[m[1]]) process.env[m[1]] = m[2];
  }
}

process.stderr.write('[start] building…\n');
const tsc = spawnSync(path.join(root, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
if (tsc.status !== 0) {
  process.stderr.write('[start] the build failed (see above)\n');
  process.exit(1);
}
const consoleBuild = spawnSync(process.execPath, [path.join(root, 'scripts', 'build-console.js')], { cwd: root, stdio: 'inherit' });
if (consoleBuild.status !== 0) {
  process.stderr.write('[start] the console build failed (see above)\n');
  process.exit(1);
}
require(path.join(root, 'dist', 'src', 'cli', 'start.js'))
  .run()
  .catch((err) => {
    process.stderr.write(`[start] failed: ${err.message}\n`);
    process.exit(1);
  });
