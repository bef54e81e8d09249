import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppError } from '../common/errors';
import type { SimScope } from './sim-access';

export interface SimTarget {
  sandboxId: number;
  companyId: number;
  seed: number;
}

/**
 * Which sandbox a `/_sim` call acts on: a sandbox token names its own; the
 * operator (or open controls) names one with `sandbox_id` or a `project_id` of
 * it. A sandbox token never reaches another sandbox.
 */
@Injectable()
export class SimScopes {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The company a sandbox token is limited to; null for the operator and open controls. */
  async companyOf(scope: SimScope | undefined): Promise<number | null> {
    if (scope?.kind !== 'sandbox') return null;
    const [row] = await this.db.query('SELECT company_id FROM sandboxes WHERE id = $1', [scope.sandboxId]);
    return row?.company_id ?? -1;
  }

  /**
   * The sandbox named by the call: by the sandbox token, `sandbox_id`, or the
   * sandbox a `project_id` or `user_id` belongs to. Everything named must agree;
   * 422 when nothing names one, 403 for another sandbox's.
   */
  async target(scope: SimScope | undefined, named: { sandboxId?: number | null; projectId?: number | null; userId?: number | null }): Promise<SimTarget> {
    if (scope?.kind === 'sandbox' && named.sandboxId != null && named.sandboxId !== scope.sandboxId) {
      throw new AppError('permission_denied', 'This sandbox token belongs to another sandbox.', { layer: 'sim_control' });
    }
    let sandboxId = scope?.kind === 'sandbox' ? scope.sandboxId : (named.sandboxId ?? null);
    const owners: { field: string; id: number | null | undefined; sql: string; what: string }[] = [
      { field: 'project_id', id: named.projectId, sql: 'SELECT s.id FROM projects p JOIN sandboxes s ON s.company_id = p.company_id WHERE p.id = $1', what: 'a project' },
      { field: 'user_id', id: named.userId, sql: 'SELECT s.id FROM users u JOIN sandboxes s ON s.company_id = u.company_id WHERE u.id = $1', what: 'a user' },
    ];
    for (const owner of owners) {
      if (owner.id == null) continue;
      const [row] = await this.db.query(owner.sql, [owner.id]);
      if (!row || (sandboxId !== null && row.id !== sandboxId)) throw AppError.field(owner.field, `is not ${owner.what} of this sandbox`);
      sandboxId = row.id;
    }
    if (sandboxId === null) throw AppError.field('sandbox_id', 'is required: name the sandbox (or a project or user of it), or call with its sandbox token');
    const [sandbox] = await this.db.query('SELECT company_id, seed FROM sandboxes WHERE id = $1', [sandboxId]);
    if (!sandbox) throw AppError.notFound('Sandbox');
    return { sandboxId, companyId: sandbox.company_id, seed: sandbox.seed };
  }
}
