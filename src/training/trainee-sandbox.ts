import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppError } from '../common/errors';

/** The training sandbox a signed-in persona belongs to: drills and challenges are a trainee's, in their own sandbox. */
@Injectable()
export class TraineeSandboxes {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async of(companyId: number): Promise<{ id: number; companyId: number }> {
    const [row]: { id: number; template: string }[] = await this.db.query('SELECT id, template FROM sandboxes WHERE company_id = $1', [companyId]);
    if (!row || row.template !== 'training') {
      throw new AppError('permission_denied', 'Drills and challenges are for the personas of a training sandbox.', { layer: 'sim_control' });
    }
    return { id: row.id, companyId };
  }
}
