import 'reflect-metadata';
import { configOrExit } from '../main';
import { runMigrations } from '../database/migrate';
import { baseUrl, sandboxLines } from './banner';
import { prepareDemoSandbox } from './demo-sandbox';

const say = (line: string) => process.stderr.write(`${line}\n`);

/**
 * `node dist/src/cli/prepare.js`: what a deployment does once before its API
 * and worker processes start (the `migrate` service of docker-compose.yml):
 * applies the migrations, creates or refreshes the demo training sandbox and
 * prints its logins. Any number of API and worker processes may then start.
 */
export async function prepare(): Promise<void> {
  const config = configOrExit();
  const applied = await runMigrations(config.databaseUrl);
  say(applied.length ? `[prepare] migrations applied: ${applied.join(', ')}` : '[prepare] schema is up to date');
  const view = await prepareDemoSandbox(config, (line) => say(`[prepare] ${line}`));
  process.stdout.write(`\n${sandboxLines(baseUrl(config, config.port), view).join('\n')}\n\n`);
}

if (require.main === module) {
  prepare()
    .then(() => process.exit(0))
    .catch((err: Error) => {
      process.stderr.write(`[prepare] failed: ${err.message}\n`);
      process.exit(1);
    });
}
