import { Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';

/** The stable cause keys of SCENARIOS.md. */
export const CAUSE_KEYS = [
  'change_order_not_approved',
  'commitment_not_approved',
  'invoice_not_processed',
  'recalculation_pending',
  'sync_delay_between_tools',
  'system_load',
  'column_hidden_by_permission',
  'hidden_by_budget_view',
  'budget_locked',
  'workflow_step_incomplete',
  'response_not_submitted',
  'item_in_draft',
  'awaiting_manager_review',
  'filtered_out',
  'attachment_processing',
  'upload_rejected',
  'upload_interrupted',
  'device_not_synced',
  'weak_connection',
  'stale_cache',
  'edit_conflict',
  'permission_denied',
  'removed_from_project',
  'template_changed',
  'tool_inactive',
  'direct_link_no_access',
  'markups_not_published',
  'markup_layer_personal',
  'account_locked',
  'session_expired',
  'job_failed',
] as const;
export type CauseKey = (typeof CAUSE_KEYS)[number];

export const SYMPTOMS = ['not_updating', 'not_visible', 'not_uploading', 'not_loading', 'denied'] as const;
export type Symptom = (typeof SYMPTOMS)[number];

/** What a diagnosis is about. */
export interface DiagnoseContext {
  companyId: number;
  projectId: number | null;
  userId: number | null;
  tool: string | null;
  itemId: number | null;
  symptom: Symptom | null;
  action: string | null;
  /** Now in the sandbox (its clock): what the detectors judge expiry, overdue and age by. */
  now: Date;
  /** Evidence older than this is not considered. */
  since: Date;
  db: DataSource;
}

export interface UserRef {
  id: number;
  name: string;
  login: string;
}

/** One finding, in the API.md shape; `weight` orders findings (most likely first) and is not answered. */
export interface Finding {
  cause: CauseKey;
  tool: string | null;
  item: { id: number; type?: string } | null;
  user: UserRef | null;
  evidence: Record<string, unknown>;
  fix: string[];
  weight: number;
}

/** One small detector per cause key, registered by the module that owns the mechanism. */
export interface CauseDetector {
  readonly cause: CauseKey;
  /** Symptoms this cause can explain. */
  readonly symptoms: readonly Symptom[];
  detect(ctx: DiagnoseContext): Promise<Omit<Finding, 'cause'>[]>;
}

@Injectable()
export class CauseRegistry {
  private readonly detectors: CauseDetector[] = [];

  register(...detectors: CauseDetector[]): void {
    for (const d of detectors) {
      if (this.detectors.some((x) => x.cause === d.cause)) throw new Error(`two detectors for ${d.cause}`);
      this.detectors.push(d);
    }
  }

  for(symptom: Symptom | null): CauseDetector[] {
    return this.detectors.filter((d) => symptom === null || d.symptoms.includes(symptom));
  }

  causes(): CauseKey[] {
    return this.detectors.map((d) => d.cause);
  }
}
