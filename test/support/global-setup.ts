import { Client } from 'pg';
import { runMigrations } from '../../src/database/migrate';
import { templateDb, testUrls, withDatabase } from './env';

/**
 * Migrates the schema once into a template database; each e2e file copies it.
 * Databases left by earlier runs are dropped unless something still uses them.
 */
export default async function globalSetup(): Promise<void> {
  const { databaseUrl } = testUrls();
  const admin = new Client({ connectionString: withDatabase(databaseUrl, 'postgres') });
  await admin.connect();
  try {
    const stale = await admin.query(
      `SELECT d.datname FROM pg_database d
        WHERE (d.datname LIKE 'sitesim\\_test\\_%' OR d.datname LIKE 'sitesim\\_template\\_%')
          AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.datname = d.datname)`,
    );
    for (const { datname } of stale.rows as { datname: string }[]) {
      await admin.query(`DROP DATABASE IF EXISTS "${datname}"`).catch(() => undefined);
    }
    await admin.query(`CREATE DATABASE "${templateDb()}"`);
  } finally {
    await admin.end();
  }
  await runMigrations(withDatabase(databaseUrl, templateDb()));
}
