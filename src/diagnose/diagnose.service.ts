import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppError } from '../common/errors';
import { SandboxClock } from '../sandboxes/sandbox-clock';
import { CauseRegistry, DiagnoseContext, Finding, Symptom } from './causes';

/** What a caller asks diagnose about: the context without what diagnose supplies itself. */
export type DiagnoseQuery = Omit<DiagnoseContext, 'now' | 'since' | 'db'>;

export const EVIDENCE_WINDOW_MS = 24 * 3600 * 1000;

/**
 * "Why doesn't X show / update / upload for user U": runs every detector that
 * can explain the symptom against real state and answers their findings, most
 * likely first; an empty list only when nothing explains it.
 */
@Injectable()
export class DiagnoseService {
  private readonly logger = new Logger('Diagnose');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly registry: CauseRegistry,
    private readonly clock: SandboxClock,
  ) {}

  async diagnose(q: DiagnoseQuery): Promise<{ symptom: Symptom | null; findings: Omit<Finding, 'weight'>[]; checked: string[] }> {
    if (q.userId !== null) {
      const [user] = await this.db.query('SELECT company_id FROM users WHERE id = $1', [q.userId]);
      if (!user || user.company_id !== q.companyId) throw AppError.field('user_id', 'is not a user of this sandbox');
    }
    const now = await this.clock.now(q.companyId);
    const ctx: DiagnoseContext = { ...q, now, since: new Date(now.getTime() - EVIDENCE_WINDOW_MS), db: this.db };
    const detectors = this.registry.for(q.symptom);
    const results = await Promise.all(
      detectors.map(async (d) => {
        try {
          return (await d.detect(ctx)).map((f) => ({ ...f, cause: d.cause }) as Finding);
        } catch (err) {
          this.logger.warn(`detector ${d.cause} failed: ${(err as Error).message}`);
          return [];
        }
      }),
    );
    const findings = results
      .flat()
      .sort((a, b) => b.weight - a.weight)
      .map(({ weight: _w, ...f }) => f);
    return { symptom: q.symptom, findings, checked: detectors.map((d) => d.cause) };
  }
}
