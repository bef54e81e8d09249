#!/usr/bin/env node
/**
 * `npm start [-- --api N --workers M]`: builds, checks the flags (src/cli/start-options.ts),
 * starts PostgreSQL and Redis when DATABASE_URL / REDIS_URL are not given
 * (scripts/services.sh, idempotent), migrates, creates or refreshes the demo
 * sandbox, starts the API and the job workers (in one process, or N + M under a
 * supervisor) and prints how to use them.
 */
const { execFileSync, spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');

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
const cli = require(path.join(root, 'dist', 'src', 'cli', 'start.js'));
const options = cli.optionsOrExit(process.argv.slice(2));

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

cli
  .run(options)
  .catch((err) => {
    process.stderr.write(`[start] failed: ${err.message}\n`);
    process.exit(1);
  });
