import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { CauseDetector, DiagnoseContext, Finding } from '../diagnose/causes';
import { userRef } from '../diagnose/evidence';
import { loadSettings } from '../sandboxes/sandbox-settings';
import { REDIS } from '../redis/redis.module';
import { EdgeCache } from './edge-cache';

/** The edge cache holds answers for the user older than the latest change of the project. */
@Injectable()
export class StaleCacheCause implements CauseDetector {
  readonly cause = 'stale_cache' as const;
  readonly symptoms = ['not_updating', 'not_visible'] as const;

  constructor(
    private readonly cache: EdgeCache,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  async detect(ctx: DiagnoseContext): Promise<Omit<Finding, 'cause'>[]> {
    if (ctx.userId === null) return [];
    const settings = await loadSettings(ctx.db, ctx.companyId);
    if (!settings.edge_cache.enabled) return [];
    const [latest] = await ctx.db.query(
      `SELECT max(created_at) AS at FROM change_log WHERE company_id = $1 AND ($2::int IS NULL OR project_id = $2 OR project_id IS NULL)`,
      [ctx.companyId, ctx.projectId],
    );
    const changedAt: Date | null = latest?.at ?? null;
    if (!changedAt) return [];
    const stale: { url: string; cached_at: string; age_seconds: number }[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', this.cache.pattern(ctx.companyId, ctx.userId), 'COUNT', 200);
      cursor = next;
      for (const key of keys) {
        const raw = await this.redis.get(key);
        if (!raw) continue;
        const at = (JSON.parse(raw) as { at: number }).at;
        const url = key.slice(key.indexOf(':/rest/') + 1);
        if (at < changedAt.getTime() && (ctx.projectId === null || url.includes(`/projects/${ctx.projectId}`))) {
          stale.push({ url, cached_at: new Date(at).toISOString(), age_seconds: Math.floor((ctx.now.getTime() - at) / 1000) });
        }
      }
    } while (cursor !== '0' && stale.length < 20);
    if (!stale.length) return [];
    return [
      {
        tool: null,
        item: null,
        user: await userRef(ctx.db, ctx.userId),
        evidence: { cached_answers: stale, changed_since: changedAt.toISOString(), ttl_seconds: settings.edge_cache.ttl_seconds },
        fix: ['Refresh without the cache (send Cache-Control: no-cache, a hard refresh), or wait for the cached copy to expire.'],
        weight: 88,
      },
    ];
  }
}
