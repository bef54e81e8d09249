import { Controller, Get, Param, Post, Query, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { actorOf, companyOf, projectOf } from '../common/http/request-helpers';
import { Doc } from '../common/openapi/doc.decorator';
import { Type } from '../common/openapi/schema';
import { Page, parseListQuery } from '../common/pagination';
import { IdPipe } from '../common/validation/id.pipe';
import { Can } from '../permissions/route-access';
import { MAX_IMPORT_ROWS } from './budget-csv';
import { BudgetImportsService } from './budget-imports.service';
import { BudgetImport, BudgetImportCreated } from './budget.schemas';

const PAGE_ONLY = { filters: {}, sorts: ['id'] as const, defaultSort: 'id' as const };

const CSV = Type.String({
  format: 'binary',
  description: `A UTF-8 CSV file (RFC 4180): a header row naming \`cost_code\`, \`description\`, \`original_budget_amount\` and optionally \`cost_type\` (any order and case), then one line item per row, at most ${MAX_IMPORT_ROWS}.`,
  example: 'cost_code,description,original_budget_amount,cost_type\n03-300,Footings,120000.00,subcontract\n',
});

@ApiTags('Budget')
@Controller('rest/v1.0/projects/:project_id/budget/imports')
export class BudgetImportsController {
  constructor(private readonly imports: BudgetImportsService) {}

  @Post()
  @Can('budget.import')
  @Doc({
    summary: 'Import budget line items from a CSV file',
    description:
      "The file is the body (`Content-Type: text/csv`). Every row is checked first: a bad header, a cost code that is not the project's, an empty description, an amount that is not a decimal with at most 2 places below 10^13, or an unknown cost type answers 422 listing each bad row (`rows[<line>].<column>`), and nothing is imported. A file that is not UTF-8 answers 422, an empty one 422 `empty_file`, one with too many rows 413. Refused with 423 while the budget is locked. Queues one recalculation.",
    body: { schema: CSV, media: ['text/csv'] },
    ok: { description: 'The import, with the line items it created', schema: BudgetImportCreated },
    errors: ['budget_locked', 'empty_file', 'request_too_large', 'invalid_request'],
  })
  create(@Req() req: FastifyRequest): Promise<Record<string, unknown>> {
    return this.imports.import(companyOf(req), projectOf(req), req.body, actorOf(req));
  }

  @Get()
  @Can('budget.view')
  @Doc({ summary: 'List budget imports', description: 'Newest first.', list: PAGE_ONLY, ok: { description: 'A page of imports', schema: BudgetImport }, errors: ['validation_failed'] })
  list(@Req() req: FastifyRequest, @Query() query: Record<string, unknown>): Promise<Page<Record<string, unknown>>> {
    return this.imports.list(projectOf(req), parseListQuery(query, PAGE_ONLY));
  }

  @Get(':import_id')
  @Can('budget.view')
  @Doc({ summary: 'Read a budget import', ok: { description: 'The import', schema: BudgetImport } })
  get(@Req() req: FastifyRequest, @Param('import_id', IdPipe) id: number): Promise<Record<string, unknown>> {
    return this.imports.get(projectOf(req), id);
  }
}
