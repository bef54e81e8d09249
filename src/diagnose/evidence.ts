import type { DataSource } from 'typeorm';
import type { AuthContext } from '../common/http/request-context';
import { withDefaults } from '../sandboxes/sandbox-settings';
import type { UserRef } from './causes';

export async function userRef(db: DataSource, id: number | null): Promise<UserRef | null> {
  if (id === null) return null;
  const [u] = await db.query('SELECT id, name, email FROM users WHERE id = $1', [id]);
  return u ? { id: u.id, name: u.name, login: u.email } : null;
}

/** A caller that stands for the simulator when diagnose evaluates someone's access. */
export function diagnoseCaller(companyId: number, userId: number): AuthContext {
  return {
    tokenId: 0,
    appId: null,
    appClientId: null,
    tokenCreatedAt: 0,
    userId,
    companyId,
    expiresAt: new Date(8.64e15),
    epoch: null,
    settings: withDefaults(null, 0),
    user: { id: userId, name: '', login: '', vendorId: null },
  };
}

/** Recency weight: newer evidence ranks higher (1 now, 0 at the edge of the window). */
export function recency(at: Date, window: { since: Date; now: Date }): number {
  const now = window.now.getTime();
  const span = now - window.since.getTime();
  return Math.max(0, Math.min(1, 1 - (now - at.getTime()) / span));
}

export interface AuditRow {
  id: string;
  kind: string;
  action: string | null;
  user_id: number | null;
  project_id: number | null;
  detail: Record<string, unknown>;
  request_id: string | null;
  created_at: Date;
}

/** Audit events of a kind in the diagnose window, newest first. */
export async function auditEvents(
  db: DataSource,
  kinds: string[],
  companyId: number,
  since: Date,
  filters: { userId?: number | null; projectId?: number | null; subjectUserId?: number | null },
): Promise<AuditRow[]> {
  return db.query(
    `SELECT id, kind, action, user_id, project_id, detail, request_id, created_at FROM audit_events
      WHERE company_id = $1 AND kind = ANY($2) AND created_at >= $3
        AND ($4::int IS NULL OR user_id = $4)
        AND ($5::int IS NULL OR project_id = $5 OR project_id IS NULL)
        AND ($6::int IS NULL OR (detail->>'user_id')::int = $6)
      ORDER BY id DESC LIMIT 50`,
    [companyId, kinds, since, filters.userId ?? null, filters.projectId ?? null, filters.subjectUserId ?? null],
  );
}
