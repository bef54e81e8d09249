import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import type { AccessSubject } from '../src/permissions/access-subject';
import { AccessService } from '../src/permissions/access.service';
import { ACTIONS, ruleOf } from '../src/permissions/matrix/action-matrix';
import { GRANULAR_KEYS, LEVELS, PROJECT_TOOLS } from '../src/permissions/permission.types';
import { decide, isCompanyTool } from '../src/permissions/resolver';
import { fmt, summarize } from './support';

/** Deterministic pseudo-random numbers, so that every run builds the same directory. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Resolver cost with 1,000 users on 50 templates: the pure decision, the
 * decision with the cached subject (every request), and a cold subject load
 * from PostgreSQL (the first request after a permission change).
 */
export async function resolverBench(app: NestFastifyApplication, companyId: number, projectId: number): Promise<string[]> {
  const db = app.get(DataSource);
  const access = app.get(AccessService);
  const random = rng(7);
  const templateIds: number[] = [];
  for (let i = 0; i < 50; i++) {
    const levels = Object.fromEntries(PROJECT_TOOLS.map((t) => [t, LEVELS[Math.floor(random() * LEVELS.length)]]));
    const granular = PROJECT_TOOLS.flatMap((t) => (GRANULAR_KEYS[t] as readonly string[]).filter(() => random() < 0.3).map((k) => `${t}.${k}`));
    const [row] = await db.query(
      `INSERT INTO permission_templates (company_id, name, scope, levels, granular) VALUES ($1, $2, 'project', $3, $4) RETURNING id`,
      [companyId, `Bench template ${i}`, JSON.stringify(levels), granular],
    );
    templateIds.push(row.id);
  }
  const users: number[] = await db
    .query(
      `INSERT INTO users (company_id, email, name) SELECT $1, 'bench' || g || '@bench.sitesim.test', 'Bench User ' || g
         FROM generate_series(1, 1000) g RETURNING id`,
      [companyId],
    )
    .then((rows: { id: number }[]) => rows.map((r) => r.id));
  await db.query(
    `INSERT INTO project_memberships (company_id, project_id, user_id, template_id)
     SELECT $1, $2, u, ($4::int[])[1 + (u % 50)] FROM unnest($3::int[]) u`,
    [companyId, projectId, users, templateIds],
  );
  const [{ permission_version: version }] = await db.query('SELECT permission_version FROM companies WHERE id = $1', [companyId]);

  const projectActions = ACTIONS.filter((a) => !isCompanyTool(ruleOf(a).tool));
  // Cold loads (PostgreSQL), which also fill the cache.
  const cold: number[] = [];
  const subjects: AccessSubject[] = [];
  for (const userId of users) {
    const t0 = performance.now();
    subjects.push(await access.subject(userId, companyId, projectId, version));
    cold.push(performance.now() - t0);
  }
  // Pure decisions.
  const pure: number[] = [];
  for (let i = 0; i < 200_000; i++) {
    const s = subjects[Math.floor(random() * subjects.length)];
    const a = projectActions[Math.floor(random() * projectActions.length)];
    const t0 = performance.now();
    decide(a, s);
    pure.push(performance.now() - t0);
  }
  // What the guard does per request: cached subject + decision.
  const warm: number[] = [];
  for (let i = 0; i < 100_000; i++) {
    const userId = users[Math.floor(random() * users.length)];
    const a = projectActions[Math.floor(random() * projectActions.length)];
    const t0 = performance.now();
    decide(a, await access.subject(userId, companyId, projectId, version));
    warm.push(performance.now() - t0);
  }
  const p = summarize(pure.slice(20_000));
  const w = summarize(warm.slice(10_000));
  const c = summarize(cold);
  return [
    `resolver: 1,000 users on 50 project templates, ${projectActions.length} project actions, random pairs`,
    `  decide() alone              p50 ${fmt(p.p50, 4)} ms  p99 ${fmt(p.p99, 4)} ms  (n=${p.n})`,
    `  cached subject + decide()   p50 ${fmt(w.p50, 4)} ms  p99 ${fmt(w.p99, 4)} ms  (n=${w.n}; goal p99 < 0.2 ms)`,
    `  cold subject load (SQL)     p50 ${fmt(c.p50, 3)} ms  p99 ${fmt(c.p99, 3)} ms  (n=${c.n}; after a permission change)`,
  ];
}
