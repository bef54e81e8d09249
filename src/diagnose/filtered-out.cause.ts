import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import type { FilterClause } from '../common/pagination';
import { AppConfig } from '../config/app-config';
import type { AccessSubject } from '../permissions/access-subject';
import { AccessService } from '../permissions/access.service';
import { REDIS } from '../redis/redis.module';
import { CauseDetector, DiagnoseContext, Finding } from './causes';
import { recency, userRef } from './evidence';

/** A filtered list of a tool (RFIs, submittals): how its filters and its privacy read as SQL. */
export interface FilteredList {
  tool: string;
  itemType: string;
  /** The table, read as `r`. */
  table: string;
  /** The columns shown as evidence: at least id, status and updated_at. */
  columns: string;
  /** The list's filter clauses, `today` being the sandbox's day (YYYY-MM-DD). */
  clauses(filters: Record<string, unknown>, today: string): FilterClause[];
  visibility(subject: AccessSubject, first: number): { sql: string; params: unknown[] };
}

type Found = Omit<Finding, 'cause'>;

/** Within this time, the same filters of the same list are not written again. */
const REMEMBER_REWRITE_MS = 5_000;

/**
 * The filters each user last listed each tool with (kept a day in Redis), and
 * the `filtered_out` cause: an item the user may see that their own filters
 * hide, naming the filter.
 */
@Injectable()
export class FilteredOutCause implements CauseDetector {
  readonly cause = 'filtered_out' as const;
  readonly symptoms = ['not_visible', 'not_updating'] as const;
  private readonly lists = new Map<string, FilteredList>();
  /** What this process last wrote per key, and when. */
  private readonly written = new Map<string, { value: string; at: number }>();

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
    private readonly access: AccessService,
  ) {}

  register(list: FilteredList): void {
    if (this.lists.has(list.tool)) throw new Error(`two filtered lists for ${list.tool}`);
    this.lists.set(list.tool, list);
  }

  private key(tool: string, companyId: number, userId: number, projectId: number): string {
    return `${this.config.redisPrefix}:lastlist:${tool}:${companyId}:${userId}:${projectId}`;
  }

  /** Remembers a list's filters (best effort: a list never fails because Redis does). */
  /**
   * Keeps the filters for a day. A list asked again with the same filters within
   * a few seconds is not written again (a client polling its list costs no write).
   */
  remember(tool: string, subject: AccessSubject, projectId: number, filters: Record<string, unknown>): void {
    const key = this.key(tool, subject.companyId, subject.userId, projectId);
    const value = JSON.stringify(filters);
    const last = this.written.get(key);
    if (last && last.value === value && performance.now() - last.at < REMEMBER_REWRITE_MS) return;
    if (this.written.size > 10_000) this.written.clear();
    this.written.set(key, { value, at: performance.now() });
    this.redis.set(key, value, 'EX', 86_400).catch(() => this.written.delete(key));
  }

  /** What `remember` kept for the user's last look at the tool in the project (null when nothing, or Redis cannot say). */
  async recall(tool: string, companyId: number, userId: number, projectId: number): Promise<Record<string, unknown> | null> {
    const raw = await this.redis.get(this.key(tool, companyId, userId, projectId)).catch(() => null);
    return raw ? (JSON.parse(raw) as Record<string, unknown>) : null;
  }

  async detect(ctx: DiagnoseContext): Promise<Found[]> {
    if (ctx.userId === null || ctx.projectId === null) return [];
    const out: Found[] = [];
    for (const list of this.lists.values()) {
      if (ctx.tool === null || ctx.tool === list.tool) out.push(...(await this.detectIn(list, ctx, ctx.userId, ctx.projectId)));
    }
    return out;
  }

  private async detectIn(list: FilteredList, ctx: DiagnoseContext, userId: number, projectId: number): Promise<Found[]> {
    const filters = (await this.recall(list.tool, ctx.companyId, userId, projectId)) ?? {};
    const clauses = list.clauses(filters, ctx.now.toISOString().slice(0, 10));
    if (!clauses.length) return [];
    const subject = await this.access.load(userId, ctx.companyId, projectId);
    const visible = list.visibility(subject, 3);
    const candidates: ({ id: number; status: string; updated_at: Date } & Record<string, unknown>)[] = await ctx.db.query(
      `SELECT ${list.columns} FROM ${list.table} r
        WHERE r.project_id = $1 AND ($2::int IS NULL OR r.id = $2) AND ${visible.sql}
        ORDER BY r.updated_at DESC LIMIT 50`,
      [projectId, ctx.itemId, ...visible.params],
    );
    if (!candidates.length) return [];
    const ids = candidates.map((c) => c.id);
    const hiddenBy = new Map<number, { filter: string; value: unknown }[]>();
    for (const clause of clauses) {
      const matched: { id: number }[] = await ctx.db.query(`SELECT r.id FROM ${list.table} r WHERE r.id = ANY($1) AND ${clause.sql('$2')}`, [ids, clause.value]);
      const ok = new Set(matched.map((m) => m.id));
      for (const id of ids) if (!ok.has(id)) hiddenBy.set(id, [...(hiddenBy.get(id) ?? []), { filter: clause.name, value: filters[clause.name] }]);
    }
    const user = await userRef(ctx.db, userId);
    return candidates
      .filter((c) => hiddenBy.has(c.id))
      .slice(0, 5)
      .map((c) => {
        const hidden = hiddenBy.get(c.id)!;
        const { updated_at: updatedAt, ...item } = c;
        return {
          tool: list.tool,
          item: { id: c.id, type: list.itemType },
          user,
          evidence: { [list.itemType.toLowerCase()]: { ...item, updated_at: updatedAt.toISOString() }, hidden_by: hidden, your_filters: filters },
          fix: [`Clear or change the filter${hidden.length > 1 ? 's' : ''} ${hidden.map((h) => `filters[${h.filter}]`).join(', ')}: the ${list.itemType} is there, it just no longer matches.`],
          weight: ctx.itemId === c.id ? 94 : 55 + 30 * recency(updatedAt, ctx),
        };
      });
  }
}
