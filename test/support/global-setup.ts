import { Client } from 'pg';
import { runMigrations } from '../../src/database/migrate';
import { STALE_AFTER_SECONDS, stamp, templateDb, testUrls, withDatabase } from './env';

/**
 * Migrates the schema once into a template database; each e2e file copies it.
 * Databases left by earlier runs are dropped once they are stale.
 */
export default async function globalSetup(): Promise<void> {
  const { databaseUrl } = testUrls();
  process.env.SITESIM_TEST_RUN = `${(process.env.SITESIM_TEST_RUN ?? String(process.pid)).replace(/\W/g, '')}_${stamp()}`;
  const admin = new Client({ connectionString: withDatabase(databaseUrl, 'postgres') });
  await admin.connect();
  try {
    const old = await admin.query(`SELECT datname FROM pg_database WHERE datname LIKE 'sitesim\\_test\\_%' OR datname LIKE 'sitesim\\_template\\_%'`);
    const now = Math.floor(Date.now() / 1000);
    for (const { datname } of old.rows as { datname: string }[]) {
      const created = Number(/_t(\d+)(?:_|$)/.exec(datname)?.[1] ?? 0);
      if (now - created > STALE_AFTER_SECONDS) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`).catch(() => undefined);
    }
    await admin.query(`CREATE DATABASE "${templateDb()}"`);
  } finally {
    await admin.end();
  }
  await runMigrations(withDatabase(databaseUrl, templateDb()));
}
