import { Controller, Get, Query, Req } from '@nestjs/common';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { AppError, FieldError } from '../common/errors';
import { parseId } from '../common/validation/id.pipe';
import { SimControl } from '../permissions/route-access';
import { SimScopes } from '../sandboxes/sim-scopes';
import { Symptom, SYMPTOMS } from './causes';
import { DiagnoseService } from './diagnose.service';

const KNOWN = ['project_id', 'user_id', 'tool', 'item_id', 'symptom', 'action', 'sandbox_id'];

@ApiTags('Simulator: diagnose')
@Controller('_sim/diagnose')
@SimControl()
export class DiagnoseController {
  constructor(
    private readonly diagnoser: DiagnoseService,
    @InjectDataSource() private readonly db: DataSource,
    private readonly scopes: SimScopes,
  ) {}

  @Get()
  @ApiQuery({ name: 'project_id', required: false })
  @ApiQuery({ name: 'user_id', required: false })
  @ApiQuery({ name: 'tool', required: false })
  @ApiQuery({ name: 'item_id', required: false })
  @ApiQuery({ name: 'symptom', required: false, enum: SYMPTOMS })
  @ApiQuery({ name: 'action', required: false, description: 'With symptom=denied: the action that was refused' })
  async diagnose(@Req() req: FastifyRequest, @Query() query: Record<string, unknown>): Promise<Record<string, unknown>> {
    const errors: FieldError[] = Object.keys(query).filter((k) => !KNOWN.includes(k)).map((field) => ({ field, message: 'is not a known parameter' }));
    const id = (name: string): number | null => {
      if (query[name] === undefined) return null;
      const v = parseId(query[name]);
      if (v === null) errors.push({ field: name, message: 'must be a positive integer id' });
      return v;
    };
    const projectId = id('project_id');
    const userId = id('user_id');
    const itemId = id('item_id');
    const sandboxId = id('sandbox_id');
    const symptom = query.symptom === undefined ? null : String(query.symptom);
    if (symptom !== null && !(SYMPTOMS as readonly string[]).includes(symptom)) errors.push({ field: 'symptom', message: `must be one of ${SYMPTOMS.join(', ')}` });
    const str = (name: string): string | null => (typeof query[name] === 'string' ? (query[name] as string).slice(0, 100) : null);
    if (errors.length) throw AppError.validation(errors);

    let companyId: number | null = null;
    if (req.simScope?.kind === 'sandbox' || sandboxId !== null || projectId !== null) {
      companyId = (await this.scopes.target(req.simScope, { sandboxId, projectId })).companyId;
    } else if (userId !== null) {
      const [u] = await this.db.query('SELECT company_id FROM users WHERE id = $1', [userId]);
      companyId = u?.company_id ?? null;
    }
    if (companyId === null) throw AppError.field('project_id', 'or user_id or sandbox_id is required: say where to look');
    return this.diagnoser.diagnose({ companyId, projectId, userId, tool: str('tool'), itemId, symptom: symptom as Symptom | null, action: str('action') });
  }
}
