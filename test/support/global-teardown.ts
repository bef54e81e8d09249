import { Client } from 'pg';
import { templateDb, testUrls, withDatabase } from './env';

/** Drops this run's template database. */
export default async function globalTeardown(): Promise<void> {
  const admin = new Client({ connectionString: withDatabase(testUrls().databaseUrl, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${templateDb()}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
