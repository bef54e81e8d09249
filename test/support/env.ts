/** The test services' addresses, from `scripts/services.sh env` (test mode) or the environment. */
export function testUrls(): { databaseUrl: string; redisUrl: string } {
  const databaseUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  const redisUrl = process.env.TEST_REDIS_URL ?? process.env.REDIS_URL;
  if (!databaseUrl || !redisUrl) {
    throw new Error('DATABASE_URL and REDIS_URL are not set: run the suite with `npm test`, which starts the test services.');
  }
  return { databaseUrl, redisUrl };
}

/**
 * One template database per test run (the run id is set by scripts/test.js).
 * Names carry their creation time so that a later run drops only stale ones,
 * never those of a run still going.
 */
export function templateDb(): string {
  const run = (process.env.SITESIM_TEST_RUN ?? String(process.ppid)).replace(/\W/g, '');
  return `sitesim_template_${run}`;
}

/** Seconds since the epoch, embedded in database names (`_t<seconds>`). */
export function stamp(): string {
  return `t${Math.floor(Date.now() / 1000)}`;
}

export const STALE_AFTER_SECONDS = 3 * 3600;

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
