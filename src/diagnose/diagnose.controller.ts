import { Controller, Get, Query, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { AppError, FieldError } from '../common/errors';
import { Doc } from '../common/openapi/doc.decorator';
import { Enum, Int, Str } from '../common/openapi/schema';
import { parseId } from '../common/validation/id.pipe';
import { SimControl } from '../permissions/route-access';
import { SimScopes } from '../sandboxes/sim-scopes';
import { Symptom, SYMPTOMS } from './causes';
import { Diagnosis } from './diagnose.schemas';
import { DiagnoseService } from './diagnose.service';

const KNOWN = ['project_id', 'user_id', 'tool', 'item_id', 'symptom', 'action', 'sandbox_id'];
const ID_QUERY = Int({ minimum: 1, maximum: 2_147_483_647 });

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
  @Doc({
    summary: 'Diagnose a symptom',
    description:
      "\"Why doesn't X show, update or upload for user U?\": every detector that can explain the symptom looks at real state (the audit log, jobs, memberships, devices, the cache, the last 24 hours of evidence) and the findings answer with their evidence and fix, most likely first; an empty list only when nothing explains it. Say where to look with `project_id`, `user_id` or `sandbox_id` (a sandbox token implies its sandbox); everything named must be of one sandbox. An unknown query parameter answers 422.",
    query: {
      project_id: { schema: ID_QUERY, description: 'The project (of the sandbox)' },
      user_id: { schema: ID_QUERY, description: 'The affected user (of the sandbox)' },
      sandbox_id: { schema: ID_QUERY, description: 'The sandbox (implied by a sandbox token, `project_id` or `user_id`)' },
      tool: { schema: Str({ maxLength: 100, example: 'submittals' }), description: 'The tool the symptom is in (e.g. `rfis`, `submittals`)' },
      item_id: { schema: ID_QUERY, description: 'The item the symptom is about (with `tool`)' },
      symptom: { schema: Enum(SYMPTOMS), description: 'What the user sees; without it every cause is looked for' },
      action: { schema: Str({ maxLength: 100, example: 'rfis.create_open' }), description: 'With `symptom=denied`: the permission action that was refused' },
    },
    ok: { description: 'The findings, most likely first', schema: Diagnosis },
    errors: ['validation_failed', 'not_found'],
  })
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
