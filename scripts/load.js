#!/usr/bin/env node
/**
 * `npm run load -- <plan.yaml|json> [--duration 5s] [--out DIR] [--target URL]`:
 * builds, then runs the load runner (src/load) against a running sitesim.
 * Exit 0: thresholds passed; 1: one failed; 2: the plan or target is unusable.
 */
const { spawn, spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const tsc = spawnSync(path.join(root, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
if (tsc.status !== 0) {
  process.stderr.write('[load] the build failed (see above)\n');
  process.exit(2);
}
// The runner stops gracefully on SIGINT or SIGTERM (it reports, and deletes the sandbox it made):
// this wrapper passes a signal sent to it alone on, and waits for the runner's own exit code.
const run = spawn(process.execPath, [path.join(root, 'dist', 'src', 'load', 'cli.js'), ...process.argv.slice(2)], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    // Ctrl-C in a terminal reaches the runner too (same process group); a signal to this process alone is passed on.
    if (signal === 'SIGTERM') run.kill(signal);
  });
}
run.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + 2 : 2)));
