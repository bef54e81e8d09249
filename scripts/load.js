#!/usr/bin/env node
/**
 * `npm run load -- <plan.yaml|json> [--duration 5s] [--out DIR] [--target URL]`:
 * builds, then runs the load runner (src/load) against a running sitesim.
 * Exit 0: thresholds passed; 1: one failed; 2: the plan or target is unusable.
 */
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const tsc = spawnSync(path.join(root, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
if (tsc.status !== 0) {
  process.stderr.write('[load] the build failed (see above)\n');
  process.exit(2);
}
const run = spawnSync(process.execPath, [path.join(root, 'dist', 'src', 'load', 'cli.js'), ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(run.status ?? 2);
