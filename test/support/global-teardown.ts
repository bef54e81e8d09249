import { existsSync, readFileSync, rmSync } from 'node:fs';
import { Client } from 'pg';
import { contractLog } from './contract';
import { templateDb, testUrls, withDatabase } from './env';

/** Prints how many answers were validated against the OpenAPI document, over every e2e file. */
function reportContract(): void {
  const log = contractLog();
  if (!existsSync(log)) return;
  let validated = 0;
  const operations = new Set<string>();
  for (const line of readFileSync(log, 'utf8').split('\n').filter(Boolean)) {
    const entry = JSON.parse(line) as { validated: number; operations: string[] };
    validated += entry.validated;
    for (const o of entry.operations) operations.add(o);
  }
  rmSync(log, { force: true });
  process.stdout.write(`\n[contract] ${validated} responses validated against the OpenAPI document (${operations.size} operation/status pairs)\n`);
}

/** Drops this run's template database, and reports the contract tally. */
export default async function globalTeardown(): Promise<void> {
  reportContract();
  const admin = new Client({ connectionString: withDatabase(testUrls().databaseUrl, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${templateDb()}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
