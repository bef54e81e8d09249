import type { TOptional, TString } from '@sinclair/typebox';
import { ArrayOf, Bool, DateTime, Enum, Id, Int, Money, Named, Nullable, Obj, Optional, Str, Type, Version } from '../common/openapi/schema';
import { MAX_IMPORT_BYTES, MAX_IMPORT_ROWS } from './budget-csv';
import { BUDGET_COLUMNS } from './budget-numbers';
import { COST_TYPES } from './dto/budget.dto';

const Amount = { ...Money, pattern: '^-?\\d+\\.\\d{2}$' };

export const CostCode = Named(
  'CostCode',
  Obj({
    id: Id,
    project_id: Id,
    code: Str({ example: '03-300', maxLength: 32 }),
    description: Str({ example: 'Cast-in-place concrete', maxLength: 255 }),
    version: Version,
    created_at: DateTime,
    updated_at: DateTime,
  }),
);

export const BudgetLineItem = Named(
  'BudgetLineItem',
  Obj({
    id: Id,
    project_id: Id,
    cost_code: Obj({ id: Id, code: Str({ example: '03-300' }), description: Str() }),
    cost_type: Enum(COST_TYPES),
    description: Str({ maxLength: 255 }),
    original_budget_amount: Amount,
    version: Version,
    created_at: DateTime,
    updated_at: DateTime,
  }),
);

export const BudgetModification = Named(
  'BudgetModification',
  Obj({
    id: Id,
    from_line_item_id: Id,
    to_line_item_id: Id,
    amount: Amount,
    notes: Str({ maxLength: 1000 }),
    created_by_id: Nullable(Id),
    created_at: DateTime,
  }),
);

export const BudgetLock = Named(
  'BudgetLock',
  Obj({
    project_id: Id,
    locked: Bool(),
    locked_at: Nullable(DateTime),
    locked_by_id: Nullable(Id),
  }),
);

export const RecalculationQueued = Named(
  'BudgetRecalculationQueued',
  Obj({ project_id: Id, revision: Int({ minimum: 1, description: 'The revision the queued recalculation will show' }), queued: Type.Boolean({ enum: [true] } as object) }),
);

/** Every column a reader may be shown (a hidden one is left out). */
const columnValues = Object.fromEntries(BUDGET_COLUMNS.map((c) => [c, Optional(Type.String({ pattern: '^-?\\d+\\.\\d{2}$', example: '1250.00' }))])) as Record<(typeof BUDGET_COLUMNS)[number], TOptional<TString>>;

const ViewFilters = Named(
  'BudgetViewFilters',
  Obj({
    cost_code_ids: ArrayOf(Id, { description: 'Only these cost codes (empty: all)' }),
    cost_types: ArrayOf(Enum(COST_TYPES), { description: 'Only these cost types (empty: all)' }),
    hide_zero: Bool({ description: 'Line items with nothing in the shown columns are left out' }),
  }),
);

export const SavedBudgetView = Named(
  'SavedBudgetView',
  Obj({
    id: Id,
    project_id: Id,
    name: Str({ maxLength: 255, example: 'Cost to date' }),
    columns: ArrayOf(Enum(BUDGET_COLUMNS)),
    filters: ViewFilters,
    default: Bool({ description: "Whether the budget applies it when the reader names no view" }),
    created_by_id: Nullable(Id),
    version: Version,
    created_at: DateTime,
    updated_at: DateTime,
  }),
);

export const BudgetView = Named(
  'BudgetView',
  Obj({
    project_id: Id,
    as_of: Nullable({ ...DateTime, description: 'When the snapshot shown was computed (sandbox time); null before the first recalculation' }),
    stale: Bool({ description: 'True while a recalculation or a contract change is still on its way, or the snapshot shows an older revision' }),
    pending_jobs: Int({ minimum: 0, description: 'Recalculation and contract-to-budget jobs of the project not yet done' }),
    revision: Int({ minimum: 0, description: 'The budget revision: +1 for every write the budget must reflect' }),
    snapshot_revision: Nullable(Int({ minimum: 0, description: 'The revision the snapshot shows' })),
    locked: Bool(),
    columns: ArrayOf(Enum(BUDGET_COLUMNS), { description: 'The columns shown to this reader, in order' }),
    hidden_columns: ArrayOf(Enum(BUDGET_COLUMNS), { description: 'Columns this reader may not see (direct costs without view_direct_cost_details); totals leave them out too' }),
    view: Nullable(
      Obj(
        { id: Id, name: Str(), default: Bool({ description: "Whether it is the project's default view" }), filters: ViewFilters },
        { description: 'The budget view applied (`view_id`, else the project default), or null: every column the reader may see, every line item' },
      ),
    ),
    hidden_by_view: ArrayOf(Enum(BUDGET_COLUMNS), { description: 'Columns the reader may see but the view leaves out' }),
    line_items: ArrayOf(
      Obj({
        id: Id,
        cost_code: Obj({ id: Id, code: Str() }),
        cost_type: Enum(COST_TYPES),
        description: Str(),
        ...columnValues,
      }),
    ),
    totals: Obj(columnValues, { description: 'The sum of each shown column over the line items shown' }),
  }),
);

/** A budget import file: the CSV text as its bytes. */
export const ImportCsv = Type.String({
  format: 'binary',
  description:
    `A UTF-8 CSV file (RFC 4180; a byte-order mark is allowed): a header row naming \`cost_code\`, \`description\`, \`original_budget_amount\` ` +
    `and optionally \`cost_type\` (any order and case), then one line item per row, at most ${MAX_IMPORT_ROWS.toLocaleString('en-US')} rows and ${MAX_IMPORT_BYTES / 1024 / 1024} MiB.`,
  example: 'cost_code,description,original_budget_amount,cost_type\n03-300,Footings,120000.00,subcontract\n26-000,"Panels, feeders",45000.45,material\n',
});

export const BudgetImportForm = Named('BudgetImportForm', Obj({ file: ImportCsv }, { description: 'The CSV file in the part `file`; no other parts' }));

const IMPORT_FIELDS = {
  id: Id,
  project_id: Id,
  status: Enum(['completed'] as const, { description: 'Only complete imports are kept: a refused file imports nothing and leaves no record' }),
  file_name: Nullable(Str({ maxLength: 255, example: 'budget.csv', description: 'The name of the multipart part `file`; null for a `text/csv` body' })),
  rows: Int({ minimum: 1, description: 'Line items created, one per row of the file', example: 30 }),
  bytes: Int({ minimum: 1, description: 'Size of the file' }),
  took_ms: Int({ minimum: 0, description: 'How long checking and writing took' }),
  created_by_id: Nullable(Id),
  created_at: DateTime,
};

export const BudgetImport = Named('BudgetImport', Obj(IMPORT_FIELDS));
export const BudgetImportCreated = Named('BudgetImportCreated', Obj({ ...IMPORT_FIELDS, line_item_ids: ArrayOf(Id, { description: 'The line items created, in the order of the file' }) }));
