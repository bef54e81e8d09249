import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { AppConfig } from '../src/config/app-config';
import { AccessService } from '../src/permissions/access.service';
import { rfiViewer, rfiVisibility } from '../src/rfis/rfi-visibility';
import { fmt, load, summarize } from './support';

/**
 * The RFI list for a user with 10,000 RFIs in the project (10% private), first
 * page: the product's route against the same query issued with raw SQL through
 * `pg`, in the same run.
 */
export async function rfiListBench(app: NestFastifyApplication, base: string, companyId: number, projectId: number, userId: number, token: string, seconds: number): Promise<string[]> {
  const db = app.get(DataSource);
  await db.query(
    `INSERT INTO rfis (company_id, project_id, number, subject, question, status, private, rfi_manager_id, created_by_id, due_date, ball_in_court_role, opened_at)
     SELECT $1, $2, 1000 + g, 'Bench RFI ' || g, 'Question ' || g, CASE WHEN g % 5 = 0 THEN 'closed' ELSE 'open' END, g % 10 = 0, $3, $3,
            CURRENT_DATE + (g % 30), CASE WHEN g % 5 = 0 THEN NULL ELSE 'Assignees' END, now()
       FROM generate_series(1, 10000) g`,
    [companyId, projectId, userId],
  );
  await db.query('ANALYZE rfis');
  const headers = { authorization: `Bearer ${token}`, 'procore-company-id': String(companyId) };
  const url = `${base}/rest/v1.0/projects/${projectId}/rfis?per_page=100`;
  const warm = await fetch(url, { headers });
  const total = warm.headers.get('total');
  // The same query, raw: count and first page with the privacy clause, then the page's rows.
  const subject = await app.get(AccessService).load(userId, companyId, projectId);
  const visible = rfiVisibility('r', rfiViewer(subject), 2);
  const where = `r.project_id = $1 AND ${visible.sql}`;
  const params = [projectId, ...visible.params];
  const pool = new Pool({ connectionString: app.get(AppConfig).databaseUrl, max: 20 });
  const latencies: number[] = [];
  let done = 0;
  const rawFor = async (ms: number): Promise<void> => {
    const end = Date.now() + ms;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (Date.now() < end) {
          const t0 = performance.now();
          await pool.query(`SELECT count(*)::int FROM rfis r WHERE ${where}`, params);
          const ids = await pool.query(`SELECT r.id FROM rfis r WHERE ${where} ORDER BY r.id LIMIT 100`, params);
          await pool.query('SELECT * FROM rfis WHERE id = ANY($1)', [ids.rows.map((r: { id: number }) => r.id)]);
          latencies.push(performance.now() - t0);
          done += 1;
        }
      }),
    );
  };
  // The two alternate in rounds, so that a slow spell of a shared machine falls on both alike.
  const rounds = Math.max(1, Math.round(seconds / 2));
  const slice = seconds / rounds;
  const products: Awaited<ReturnType<typeof load>>[] = [];
  for (let i = 0; i < rounds; i++) {
    products.push(await load(url, headers, slice));
    await rawFor(slice * 1000);
  }
  await pool.end();
  const productRate = products.reduce((a, p) => a + p.requestsPerSec, 0) / rounds;
  const raw = summarize(latencies);
  const rawRate = done / (slice * rounds);
  return [
    `RFI list, first page of 100, 10,000 RFIs (10% private) visible to the project manager (Total ${total}), 32 concurrent, ${rounds} alternating rounds of ${fmt(slice, 1)} s`,
    `  sitesim GET /rfis          ${fmt(productRate, 0)} req/s   p50 ${Math.max(...products.map((p) => p.p50ms))} ms  p99 ${Math.max(...products.map((p) => p.p99ms))} ms (worst round)`,
    `  raw SQL through pg         ${fmt(rawRate, 0)} lists/s  p50 ${fmt(raw.p50, 1)} ms  p99 ${fmt(raw.p99, 1)} ms`,
    `  ratio: ${fmt((productRate / rawRate) * 100, 1)}% of raw (goal ≥ 50%)`,
  ];
}
