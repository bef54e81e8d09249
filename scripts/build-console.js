#!/usr/bin/env node
/**
 * Builds the training console (console/, Preact + Vite) into dist/console,
 * which the API serves at /console. Skipped when its sources, its config and
 * the locked versions are those of the last build (a hash kept beside the
 * output); `--force` builds anyway.
 */
const { createHash } = require('node:crypto');
const { existsSync, readdirSync, readFileSync, statSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const source = path.join(root, 'console');
const out = path.join(root, 'dist', 'console');
const stampFile = path.join(out, '.source-hash');

function files(dir) {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const full = path.join(dir, name);
      return statSync(full).isDirectory() ? files(full) : [full];
    });
}

function sourceHash() {
  const hash = createHash('sha256');
  for (const file of [...files(source), path.join(root, 'package-lock.json'), __filename]) {
    hash.update(path.relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

async function main() {
  const hash = sourceHash();
  if (!process.argv.includes('--force') && existsSync(path.join(out, 'index.html')) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === hash) {
    process.stderr.write('[console] up to date\n');
    return;
  }
  const started = performance.now();
  const { build } = await import('vite');
  await build({ configFile: path.join(source, 'vite.config.mjs') });
  writeFileSync(stampFile, hash);
  const bytes = files(out).filter((f) => /\.(js|css)$/.test(f)).reduce((n, f) => n + statSync(f).size, 0);
  process.stderr.write(`[console] built into dist/console in ${Math.round(performance.now() - started)} ms (${Math.round(bytes / 1024)} KiB of scripts and styles)\n`);
}

main().catch((err) => {
  process.stderr.write(`[console] the build failed: ${err.message}\n`);
  process.exit(1);
});
