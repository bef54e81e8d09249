import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { InjectEntityManager } from '@nestjs/typeorm';
import { SandboxClock } from '../sandboxes/sandbox-clock';

export interface AuditEntry {
  companyId: number;
  projectId?: number | null;
  userId?: number | null;
  kind: string;
  action?: string | null;
  detail?: Record<string, unknown>;
  requestId?: string | null;
}

@Injectable()
export class AuditService {
  constructor(
    @InjectEntityManager() private readonly manager: EntityManager,
    private readonly clock: SandboxClock,
  ) {}

  /** Records an event at the sandbox's time; pass the transaction's manager to record it atomically with a change. */
  async record(entry: AuditEntry, manager: EntityManager = this.manager): Promise<void> {
    await manager.query(
      `INSERT INTO audit_events (company_id, project_id, user_id, kind, action, detail, request_id, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        entry.companyId,
        entry.projectId ?? null,
        entry.userId ?? null,
        entry.kind,
        entry.action ?? null,
        JSON.stringify(entry.detail ?? {}),
        entry.requestId ?? null,
        await this.clock.at(manager, entry.companyId),
      ],
    );
  }
}
