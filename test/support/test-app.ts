import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createApp } from '../../src/bootstrap';
import { JobWorkers } from '../../src/queues/job-workers';
import { AppConfig, loadConfig } from '../../src/config/app-config';
import { stamp, templateDb, testUrls, withDatabase } from './env';
import { ApiClient } from './api-client';

export interface TestAppOptions {
  env?: Record<string, string>;
  /** Another API process on the same database and Redis keys (it does not own the database). */
  sharing?: TestApp;
  /** Run BullMQ workers in the app (default true), as SIM_ROLE=all does. */
  workers?: boolean;
}

/**
 * A real app on a private copy of the migrated database and its own BullMQ
 * prefix, so that test files run in parallel without seeing each other.
 */
export class TestApp {
  private constructor(
    readonly app: NestFastifyApplication,
    readonly config: AppConfig,
    readonly database: string,
    readonly db: Client,
    private readonly ownsDatabase: boolean,
  ) {}

  static async start(options: TestAppOptions = {}): Promise<TestApp> {
    const { databaseUrl, redisUrl } = testUrls();
    const database = options.sharing?.database ?? `sitesim_test_${process.env.JEST_WORKER_ID ?? '0'}_${randomBytes(4).toString('hex')}_${stamp()}`;
    if (!options.sharing) {
      const admin = new Client({ connectionString: withDatabase(databaseUrl, 'postgres') });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE "${database}" TEMPLATE "${templateDb()}"`);
      } finally {
        await admin.end();
      }
    }
    const url = withDatabase(databaseUrl, database);
    const config = loadConfig({
      DATABASE_URL: url,
      REDIS_URL: redisUrl,
      SIM_OPEN_CONTROLS: 'true',
      SIM_REDIS_PREFIX: `t_${database}`,
      SIM_DB_POOL_SIZE: '5',
      // Uploaded files of this database only (a sharing app sees the same files).
      SIM_STORAGE_DIR: options.sharing?.config.storageDir ?? join(tmpdir(), `sitesim-files-${database}`),
      ...options.env,
    });
    const app = await createApp(config, { logger: ['error'] });
    if (options.workers !== false) await app.get(JobWorkers).start();
    const db = new Client({ connectionString: url });
    await db.connect();
    return new TestApp(app, config, database, db, !options.sharing);
  }

  /** The environment of another process (a worker) on this app's database, Redis keys and files. */
  processEnv(extra: Record<string, string> = {}): Record<string, string> {
    return { DATABASE_URL: this.config.databaseUrl, REDIS_URL: this.config.redisUrl, SIM_REDIS_PREFIX: this.config.redisPrefix, SIM_STORAGE_DIR: this.config.storageDir, ...extra };
  }

  /** A client that speaks HTTP to the app in-process (the full Fastify stack, no socket). */
  client(): ApiClient {
    return new ApiClient(this.app);
  }

  async stop(): Promise<void> {
    await this.db.end().catch(() => undefined);
    await this.app.close();
    if (!this.ownsDatabase) return;
    await rm(this.config.storageDir, { recursive: true, force: true });
    const admin = new Client({ connectionString: withDatabase(testUrls().databaseUrl, 'postgres') });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS "${this.database}" WITH (FORCE)`);
    } finally {
      await admin.end();
    }
  }
}
