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

  /** The sandbox named by the call, or by its project; 422 when none is named, 403 for another sandbox's. */
  async target(scope: SimScope | undefined, named: { sandboxId?: number | null; projectId?: number | null }): Promise<SimTarget> {
    if (scope?.kind === 'sandbox' && named.sandboxId != null && named.sandboxId !== scope.sandboxId) {
      throw new AppError('permission_denied', 'This sandbox token belongs to another sandbox.', { layer: 'sim_control' });
    }
    let sandboxId = scope?.kind === 'sandbox' ? scope.sandboxId : (named.sandboxId ?? null);
    if (named.projectId != null) {
      const [project] = await this.db.query('SELECT s.id FROM projects p JOIN sandboxes s ON s.company_id = p.company_id WHERE p.id = $1', [named.projectId]);
      if (!project || (sandboxId !== null && project.id !== sandboxId)) throw AppError.field('project_id', 'is not a project of this sandbox');
      sandboxId = project.id;
    }
    if (sandboxId === null) throw AppError.field('sandbox_id', 'is required: name the sandbox (or a project of it)');
    const [sandbox] = await this.db.query('SELECT company_id, seed FROM sandboxes WHERE id = $1', [sandboxId]);
    if (!sandbox) throw AppError.notFound('Sandbox');
    return { sandboxId, companyId: sandbox.company_id, seed: sandbox.seed };
  }
}
