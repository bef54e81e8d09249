import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options';

/** Applies every pending migration; answers the names of those it ran. */
export async function runMigrations(databaseUrl: string): Promise<string[]> {
  const source = new DataSource({ ...dataSourceOptions(databaseUrl, 2), logging: false });
  await source.initialize();
  try {
    const ran = await source.runMigrations({ transaction: 'each' });
    return ran.map((m) => m.name);
  } finally {
    await source.destroy();
  }
}

if (require.main === module) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { loadConfig } = require('../config/app-config') as typeof import('../config/app-config');
  runMigrations(loadConfig().databaseUrl)
    .then((names) => {
      process.stdout.write(names.length ? `applied: ${names.join(', ')}\n` : 'schema is up to date\n');
    })
    .catch((err: Error) => {
      process.stderr.write(`migration failed: ${err.message}\n`);
      process.exit(1);
    });
}
