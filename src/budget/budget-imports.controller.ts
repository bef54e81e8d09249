import { Controller, Get, Param, Post, Query, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../common/errors';
import { actorOf, companyOf, projectOf } from '../common/http/request-helpers';
import { Doc } from '../common/openapi/doc.decorator';
import { Page, parseListQuery } from '../common/pagination';
import { IdPipe } from '../common/validation/id.pipe';
import { Can } from '../permissions/route-access';
import { TakesFile } from '../uploads/multipart-form';
import { MAX_IMPORT_BYTES, MAX_IMPORT_ROWS } from './budget-csv';
import { BudgetImportsService, ImportFile } from './budget-imports.service';
import { BudgetImport, BudgetImportCreated, BudgetImportForm, ImportCsv } from './budget.schemas';

const IMPORT_LIST = { filters: {}, sorts: ['id'] as const, defaultSort: '-id' as const };

/** The file of an import request: the multipart part `file`, or a `text/csv` body. */
function importFileOf(req: FastifyRequest): ImportFile {
  if (req.receivedFile) return req.receivedFile;
  if (Buffer.isBuffer(req.body)) return { fileName: null, bytes: req.body };
  throw new AppError('invalid_request', 'Send the CSV file as multipart/form-data in the part `file`, or as the body with Content-Type: text/csv.', {
    content_type: req.headers['content-type'] ?? null,
  });
}

@ApiTags('Budget')
@Controller('rest/v1.0/projects/:project_id/budget/imports')
export class BudgetImportsController {
  constructor(private readonly imports: BudgetImportsService) {}

  @Post()
  @Can('budget.import')
  @TakesFile(MAX_IMPORT_BYTES, 'a budget import')
  @Doc({
    summary: 'Import budget line items from a CSV file',
    description:
      'The file in the multipart part `file`, or as the body with `Content-Type: text/csv`. Every row is checked first: a cost code that is not the project’s ' +
      '(matched as written, or in another case when only one code reads so), an empty description or one over 255 characters, an amount that is not a decimal ' +
      'with at most 2 places below 10^13, or an unknown cost type (empty: `other`) answers 422 `validation_failed` listing each problem in `details.fields` ' +
      '(`field: rows[<row>].<column>`, with `row`, the row in the file counting the header as 1, and `column`; the first 100, with `bad_rows`, `rows` and `problems` counted), ' +
      'and nothing is imported. A wrong header (unknown, repeated or missing column) answers 422 naming each; a file that is not UTF-8 (or has a NUL byte) 422 with its ' +
      `\`byte_offset\` and \`line\`; an empty file or one with only the header 422 \`empty_file\`; more than ${MAX_IMPORT_ROWS.toLocaleString('en-US')} rows 413 \`file_too_large\` ` +
      `(\`max_rows\`), as does a part over ${MAX_IMPORT_BYTES / 1024 / 1024} MiB (a \`text/csv\` body over it: 413 \`request_too_large\`). ` +
      'Refused with 423 while the budget is locked. All good: one transaction creates every line item (a `Budget Line Items` create event each), queues one recalculation and records the import.',
    body: { content: { 'multipart/form-data': BudgetImportForm, 'text/csv': ImportCsv } },
    ok: { description: 'The import, with the line items it created', schema: BudgetImportCreated },
    errors: ['budget_locked', 'empty_file', 'file_too_large', 'unsafe_file_name', 'upload_interrupted'],
  })
  create(@Req() req: FastifyRequest): Promise<Record<string, unknown>> {
    return this.imports.import(companyOf(req), projectOf(req), importFileOf(req), actorOf(req));
  }

  @Get()
  @Can('budget.view')
  @Doc({ summary: 'List budget imports', description: 'Newest first (`sort=id` for oldest first).', list: IMPORT_LIST, ok: { description: 'A page of imports', schema: BudgetImport }, errors: ['validation_failed'] })
  list(@Req() req: FastifyRequest, @Query() query: Record<string, unknown>): Promise<Page<Record<string, unknown>>> {
    return this.imports.list(projectOf(req), parseListQuery(query, IMPORT_LIST));
  }

  @Get(':import_id')
  @Can('budget.view')
  @Doc({ summary: 'Read a budget import', ok: { description: 'The import', schema: BudgetImport } })
  get(@Req() req: FastifyRequest, @Param('import_id', IdPipe) id: number): Promise<Record<string, unknown>> {
    return this.imports.get(projectOf(req), id);
  }
}
