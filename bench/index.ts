import 'reflect-metadata';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../src/bootstrap';
import { loadConfig } from '../src/config/app-config';
import { runMigrations } from '../src/database/migrate';
import { SandboxesService } from '../src/sandboxes/sandboxes.service';
import { budgetBench } from './budget.bench';
import { guardBench } from './guard.bench';
import { consistencyBench, queueBench } from './queue.bench';
import { resolverBench } from './resolver.bench';
import { rfiListBench } from './rfis.bench';
import { runnerBench } from './runner.bench';
import { scaleBench } from './scale.bench';
import { serializeBench } from './serialize.bench';
import { uploadsBench } from './uploads.bench';
import { freshDatabase } from './support';

/** `npm run bench`: every benchmark, each a ratio against a baseline measured in this same run. */
async function main(): Promise<void> {
  const adminUrl = process.env.BENCH_DATABASE_ADMIN_URL!;
  const redisUrl = process.env.BENCH_REDIS_URL!;
  const seconds = Number(process.env.BENCH_SECONDS ?? 5);
  const only = process.argv.slice(2);
  const databaseUrl = await freshDatabase(adminUrl, 'sitesim_bench');
  await runMigrations(databaseUrl);
  // Uploaded files go to the same disk as the uploads bench's baseline writes (and are gone after the run).
  const storageDir = await mkdtemp(join(tmpdir(), 'sitesim-bench-files-'));
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    SIM_OPEN_CONTROLS: 'true',
    // a prefix of its own per run: job ids restart with the fresh database, and an old job of the same id would swallow a new one
    SIM_REDIS_PREFIX: `bench_${Date.now().toString(36)}`,
    SIM_DB_POOL_SIZE: '20',
    PORT: '0',
    SIM_STORAGE_DIR: storageDir,
  });
  const app = await createApp(config, { logger: ['error'] });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const sandboxes = app.get(SandboxesService);
  const sb = (await sandboxes.create('bench', 'training', 1)) as {
    id: number;
    company_id: number;
    personas: { key: string; email: string; password: string }[];
    projects: { key: string; id: number }[];
  };
  await sandboxes.updateSettings(sb.id, { rate_limit: { hourly: 10_000_000, spike_10s: 1_000_000 } });
  const pm = sb.personas.find((p) => p.key === 'gc_project_manager')!;
  const login = await fetch(`${base}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'password', username: pm.email, password: pm.password }),
  }).then((r) => r.json() as Promise<{ access_token: string }>);

  const out: string[] = [`sitesim bench — node ${process.version}, ${new Date().toISOString()}`, ''];
  const want = (name: string) => only.length === 0 || only.includes(name);
  if (want('guard')) {
    out.push(...(await guardBench({ app, base, companyId: sb.company_id, token: login.access_token, seconds })), '');
    process.stdout.write(`${out.join('\n')}\n`);
    out.length = 0;
  }
  if (want('resolver')) {
    out.push(...(await resolverBench(app, sb.company_id, sb.projects[0].id)), '');
    process.stdout.write(`${out.join('\n')}\n`);
    out.length = 0;
  }
  if (want('rfis')) {
    const pmUser = (sb as unknown as { personas: { key: string; user_id: number }[] }).personas.find((p) => p.key === 'gc_project_manager')!.user_id;
    out.push(...(await rfiListBench(app, base, sb.company_id, sb.projects[1].id, pmUser, login.access_token, seconds)), '');
    process.stdout.write(`${out.join('\n')}\n`);
    out.length = 0;
  }
  if (want('scale')) {
    const env = { DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, SIM_REDIS_PREFIX: config.redisPrefix, SIM_STORAGE_DIR: storageDir, SIM_DB_POOL_SIZE: '10' };
    out.push(...(await scaleBench({ env, companyId: sb.company_id, token: login.access_token, seconds })), '');
    process.stdout.write(`${out.join('\n')}\n`);
    out.length = 0;
  }
  if (want('serialize')) {
    out.push(...(await serializeBench(base, sb.company_id, sb.projects[want('rfis') ? 1 : 0].id, login.access_token, seconds)), '');
    process.stdout.write(`${out.join('\n')}\n`);
    out.length = 0;
  }
  await sandboxes.updateSettings(sb.id, { latency_profile: 'instant' });
  if (want('budget')) {
    const pmUser = (sb as unknown as { personas: { key: string; user_id: number }[] }).personas.find((p) => p.key === 'gc_project_manager')!.user_id;
    out.push(...(await budgetBench(app, base, sb.company_id, { small: sb.projects[0].id, large: sb.projects[1].id }, pmUser, login.access_token, Number(process.env.BENCH_ROUNDS ?? 10))), '');
    process.stdout.write(`${out.join('\n')}\n`);
    out.length = 0;
  }
  if (want('uploads')) {
    out.push(...(await uploadsBench(app, base, sb.id, sb.company_id, sb.projects[1].id, login.access_token)), '');
    process.stdout.write(`${out.join('\n')}\n`);
    out.length = 0;
  }
  if (want('queue')) {
    out.push(...(await queueBench(app, sb.company_id, Number(process.env.BENCH_JOBS ?? 3000))), '');
    process.stdout.write(`${out.join('\n')}\n`);
    out.length = 0;
  }
  if (want('runner')) {
    out.push(...(await runnerBench({ app, base, companyId: sb.company_id, token: login.access_token, seconds })), '');
    process.stdout.write(`${out.join('\n')}\n`);
    out.length = 0;
  }
  if (want('consistency')) {
    out.push(...(await consistencyBench(app, sb.company_id, Number(process.env.BENCH_WRITES ?? 500))), '');
    process.stdout.write(`${out.join('\n')}\n`);
  }
  await new Promise((resolve) => setTimeout(resolve, 500)); // let the last load's requests finish
  await app.close();
  await rm(storageDir, { recursive: true, force: true });
}

main().catch((err: Error) => {
  process.stderr.write(`bench failed: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
