import { Injectable, Logger } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { AppError } from '../common/errors';
import { Metrics } from '../observability/metrics';

export interface DenialRecord {
  companyId: number | null;
  projectId: number | null;
  userId: number | null;
  action: string | null;
  error: AppError;
  requestId: string;
  route: string;
  method: string;
}

/** Every denial is counted (metrics, by code and layer) and written to the audit table. */
@Injectable()
export class DenialsService {
  private readonly logger = new Logger('Denials');

  constructor(
    private readonly audit: AuditService,
    private readonly metrics: Metrics,
  ) {}

  async record(d: DenialRecord): Promise<void> {
    const layer = typeof d.error.details.layer === 'string' ? d.error.details.layer : 'none';
    this.metrics.denials.inc({ code: d.error.code, layer });
    if (d.companyId === null) return;
    try {
      await this.audit.record({
        companyId: d.companyId,
        projectId: d.projectId,
        userId: d.userId,
        kind: 'permission_denied',
        action: d.action,
        requestId: d.requestId,
        detail: { code: d.error.code, message: d.error.message, ...d.error.details, route: d.route, method: d.method },
      });
    } catch (err) {
      this.logger.warn(`could not record denial: ${(err as Error).message}`);
    }
  }
}
