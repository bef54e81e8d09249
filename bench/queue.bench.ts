import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Queue, Worker } from 'bullmq';
import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { AppConfig } from '../src/config/app-config';
import { JobWorkers } from '../src/queues/job-workers';
import { Jobs } from '../src/queues/jobs.service';
import { QueueRegistry } from '../src/queues/queue-registry';
import { fmt, summarize } from './support';

const PRODUCERS = 20;
const CONCURRENCY = 50;

async function produce(n: number, make: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: PRODUCERS }, async () => {
      while (next < n) await make(next++);
    }),
  );
}

async function untilCompleted(queue: Queue, target: number, timeoutMs = 120_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const c = await queue.getJobCounts('completed');
    if ((c.completed ?? 0) >= target) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('jobs did not complete in time');
}

/**
 * Queue overhead: jobs/s through the product's queue layer (outbox in a
 * transaction, relay, latency profile, fault and load hooks, JobWorkers) against
 * raw BullMQ (add + no-op worker) on the same Redis, in the same run.
 */
export async function queueBench(app: NestFastifyApplication, companyId: number, n: number): Promise<string[]> {
  const config = app.get(AppConfig);
  const db = app.get(DataSource);
  const jobs = app.get(Jobs);
  const registry = app.get(QueueRegistry);

  // Raw BullMQ: its own queue name, same Redis and prefix.
  const raw = new Queue('bench-raw', { connection: { url: config.redisUrl }, prefix: config.redisPrefix });
  await raw.obliterate({ force: true }).catch(() => undefined);
  const worker = new Worker('bench-raw', async () => undefined, { connection: { url: config.redisUrl, maxRetriesPerRequest: null }, prefix: config.redisPrefix, concurrency: CONCURRENCY });
  await worker.waitUntilReady();
  let t0 = performance.now();
  await produce(n, (i) => raw.add('noop', { i }, { removeOnComplete: { count: n + 10 } }));
  await untilCompleted(raw, n);
  const rawSeconds = (performance.now() - t0) / 1000;
  await worker.close();
  await raw.obliterate({ force: true }).catch(() => undefined);
  await raw.close();

  // The product: one transaction per write, each enqueueing its job through the outbox.
  const sync = registry.get('sync');
  await sync.obliterate({ force: true }).catch(() => undefined);
  const workers = app.get(JobWorkers);
  await workers.start(CONCURRENCY);
  t0 = performance.now();
  await produce(n, () => db.transaction((m) => jobs.enqueue(m, 'sim.synthetic', { companyId, projectId: null, workMs: 0, synthetic: true })));
  const producedSeconds = (performance.now() - t0) / 1000;
  await untilCompleted(sync, n);
  const productSeconds = (performance.now() - t0) / 1000;
  await workers.close();

  // The same through the product, with writes that each fan out to 10 jobs (a change with 10 hooks or devices).
  await sync.obliterate({ force: true }).catch(() => undefined);
  await workers.start(CONCURRENCY);
  t0 = performance.now();
  await produce(n / 10, () =>
    db.transaction(async (m) => {
      for (let k = 0; k < 10; k++) await jobs.enqueue(m, 'sim.synthetic', { companyId, projectId: null, workMs: 0, synthetic: true });
    }),
  );
  await untilCompleted(sync, n);
  const fanOutSeconds = (performance.now() - t0) / 1000;
  await workers.close();

  // The queue layer alone: n committed outbox rows (one transaction), relayed, delayed by profile, run through the hooks.
  await sync.obliterate({ force: true }).catch(() => undefined);
  await workers.start(CONCURRENCY);
  t0 = performance.now();
  await db.transaction(async (m) => {
    for (let k = 0; k < n; k++) await jobs.enqueue(m, 'sim.synthetic', { companyId, projectId: null, workMs: 0, synthetic: true });
  });
  const committedAt = performance.now();
  await untilCompleted(sync, n);
  const layerSeconds = (performance.now() - committedAt) / 1000;
  await workers.close();
  void t0;

  const rawRate = n / rawSeconds;
  const productRate = n / productSeconds;
  const fanOutRate = n / fanOutSeconds;
  const layerRate = n / layerSeconds;
  return [
    `queue overhead: ${n} no-op jobs, ${PRODUCERS} producers, worker concurrency ${CONCURRENCY}, same Redis`,
    `  raw BullMQ (add + no-op worker)                      ${fmt(rawRate, 0)} jobs/s`,
    `  sitesim, 1 job per write transaction                 ${fmt(productRate, 0)} jobs/s`,
    `  ratio (1 job per transaction): ${fmt((productRate / rawRate) * 100, 1)}% of raw (goal ≥ 80%)`,
    `  (the ${n} write transactions alone took ${fmt(producedSeconds, 2)} s: ${fmt(n / producedSeconds, 0)} commits/s — the commits bound it)`,
    `  sitesim, 10 jobs per write transaction                ${fmt(fanOutRate, 0)} jobs/s = ${fmt((fanOutRate / rawRate) * 100, 1)}% of raw`,
    `  sitesim queue layer from committed outbox rows         ${fmt(layerRate, 0)} jobs/s = ${fmt((layerRate / rawRate) * 100, 1)}% of raw (relay + profile + fault/load hooks + worker)`,
  ];
}

export function startWorkers(count: number, env: Record<string, string>): Promise<ChildProcess[]> {
  return Promise.all(
    Array.from({ length: count }, () => {
      const child = spawn(process.execPath, [join(__dirname, '..', 'src', 'worker.js')], { env: { ...process.env, ...env, SIM_ROLE: 'worker' }, stdio: ['ignore', 'ignore', 'pipe'] });
      return new Promise<ChildProcess>((resolve, reject) => {
        let out = '';
        child.stderr?.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('worker ready')) resolve(child);
        });
        child.once('exit', (code) => reject(new Error(`worker exited ${code}: ${out}`)));
      });
    }),
  );
}

/** Writes at a fixed offered rate (an open model: each starts at its time, whether or not the ones before have finished). */
async function atRate(n: number, perSecond: number, make: (i: number) => Promise<unknown>): Promise<void> {
  const t0 = Date.now();
  const pending: Promise<unknown>[] = [];
  for (let i = 0; i < n; i++) {
    const wait = t0 + (i * 1000) / perSecond - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    pending.push(make(i));
  }
  await Promise.all(pending);
}

/** Commit → job done of every write the producer makes (BullMQ's `finishedOn`, same machine clock). */
async function commitToDone(
  db: DataSource,
  jobs: Jobs,
  sync: ReturnType<QueueRegistry['get']>,
  companyId: number,
  producer: (write: () => Promise<void>) => Promise<void>,
): Promise<number[]> {
  const committed = new Map<string, number>();
  await producer(async () => {
    const id = await db.transaction((m) => jobs.enqueue(m, 'sim.synthetic', { companyId, projectId: null, workMs: 0, synthetic: true }));
    committed.set(`ob-${id}`, Date.now());
  });
  const samples: number[] = [];
  const end = Date.now() + 60_000;
  for (const [jobId, at] of committed) {
    for (;;) {
      const job = await sync.getJob(jobId);
      if (job?.finishedOn) {
        samples.push(job.finishedOn - at);
        break;
      }
      if (Date.now() > end) throw new Error(`job ${jobId} not done`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }
  return samples;
}

/** Writes a second offered below capacity, for the fixed-rate measure. */
const OFFERED_RATE = 50;

/**
 * Time to consistency under `instant`: from a write's commit to its job being
 * done, with 1 and with 4 worker processes (the API process runs none): in a
 * saturating burst, and at a fixed offered rate below capacity.
 */
export async function consistencyBench(app: NestFastifyApplication, companyId: number, writes: number): Promise<string[]> {
  const config = app.get(AppConfig);
  const db = app.get(DataSource);
  const jobs = app.get(Jobs);
  const sync = app.get(QueueRegistry).get('sync');
  const lines = [`time to consistency (instant profile): ${writes} writes, commit → job done`];
  const line = (what: string, samples: number[]) => {
    const s = summarize(samples);
    return `  ${what}: median ${fmt(s.p50, 0)} ms, p99 ${fmt(s.p99, 0)} ms (n=${s.n})`;
  };
  for (const processes of [1, 4]) {
    const children = await startWorkers(processes, { DATABASE_URL: config.databaseUrl, REDIS_URL: config.redisUrl, SIM_REDIS_PREFIX: config.redisPrefix });
    const workers = `${processes} worker process${processes > 1 ? 'es' : ''}`;
    try {
      const burst = await commitToDone(db, jobs, sync, companyId, (write) => produce(writes, write));
      lines.push(line(`burst, ${PRODUCERS} writers at a time, ${workers}`, burst));
      const steady = await commitToDone(db, jobs, sync, companyId, (write) => atRate(writes, OFFERED_RATE, write));
      lines.push(line(`fixed ${OFFERED_RATE} writes/s, ${workers}`, steady));
    } finally {
      for (const c of children) c.kill('SIGTERM');
    }
  }
  return lines;
}
