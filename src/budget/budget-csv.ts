import { AppError, FieldError } from '../common/errors';
import { moneyError } from '../common/validation/money';
import { COST_TYPES, CostType } from './dto/budget.dto';

/** Rows an import may carry (beyond it: 413, split the file). */
export const MAX_IMPORT_ROWS = 5_000;
/** Bad rows listed in a refusal (the count says how many there are in all). */
const MAX_LISTED = 100;

const REQUIRED = ['cost_code', 'description', 'original_budget_amount'] as const;
const OPTIONAL = ['cost_type'] as const;
type Column = (typeof REQUIRED)[number] | (typeof OPTIONAL)[number];

export interface ImportRow {
  /** Its line in the file (the header is line 1). */
  line: number;
  cost_code: string;
  description: string;
  original_budget_amount: string;
  cost_type: CostType;
}

const fileError = (message: string): AppError => AppError.validation([{ field: 'file', message }], `The file cannot be imported: ${message}`);

/** The text of a UTF-8 file (a byte-order mark dropped); 422 naming the line of the first byte that is not UTF-8. */
export function decodeUtf8(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    const lossy = new TextDecoder('utf-8').decode(bytes);
    const line = lossy.slice(0, lossy.indexOf('\uFFFD')).split('\n').length;
    throw fileError(`it is not UTF-8 (line ${line} has a byte that is not); save it as "CSV UTF-8"`);
  }
}

/**
 * RFC 4180 records: comma-separated, fields optionally in double quotes (a
 * quote inside doubled), CRLF or LF line ends; each record with the line it
 * starts on. Blank lines are skipped.
 */
export function parseCsv(text: string, maxRecords: number): { line: number; fields: string[] }[] {
  const records: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  let any = false;
  const end = () => {
    fields.push(field);
    if (any || fields.length > 1 || field !== '') {
      records.push({ line: start, fields });
      if (records.length > maxRecords) throw new AppError('request_too_large', `The file has more than ${maxRecords - 1} rows; an import takes at most ${maxRecords - 1}: split it.`, { max_rows: maxRecords - 1 });
    }
    fields = [];
    field = '';
    any = false;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        if (c === '\n') line++;
        field += c;
      }
    } else if (c === '"' && field === '') {
      quoted = true;
      any = true;
    } else if (c === ',') {
      fields.push(field);
      field = '';
      any = true;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      end();
      line++;
      start = line;
    } else {
      field += c;
    }
  }
  if (quoted) throw fileError(`a quoted field opened on line ${start} is never closed`);
  if (field !== '' || fields.length) end();
  return records;
}

/**
 * The rows of a budget CSV, every one checked: the header must name
 * cost_code, description and original_budget_amount (cost_type optional, in
 * any order and case); each row its cost code among the project's, a
 * description, an amount, a known cost type. Any bad row: 422 listing each.
 */
export function readBudgetCsv(bytes: Buffer, costCodes: ReadonlyMap<string, number>): ImportRow[] {
  if (!bytes.length) throw new AppError('empty_file', 'The file is empty: send a CSV with a header row and at least one line item.');
  const records = parseCsv(decodeUtf8(bytes), MAX_IMPORT_ROWS + 1);
  const [header, ...data] = records;
  if (!header) throw new AppError('empty_file', 'The file has no rows: send a CSV with a header row and at least one line item.');
  const names = header.fields.map((h) => h.trim().toLowerCase());
  const known: readonly string[] = [...REQUIRED, ...OPTIONAL];
  const problems = [
    ...names.filter((n) => !known.includes(n)).map((n) => `unknown column "${n}"`),
    ...names.filter((n, i) => names.indexOf(n) !== i).map((n) => `column "${n}" appears twice`),
    ...REQUIRED.filter((r) => !names.includes(r)).map((r) => `missing column "${r}"`),
  ];
  if (problems.length) {
    throw AppError.validation(problems.map((message) => ({ field: 'header', message })), `The header row must name ${REQUIRED.join(', ')} (and optionally ${OPTIONAL.join(', ')}): ${problems.join('; ')}.`);
  }
  if (!data.length) throw new AppError('empty_file', 'The file has a header but no line items.');
  const at = (fields: string[], column: Column) => (names.indexOf(column) < 0 ? '' : (fields[names.indexOf(column)] ?? '').trim());
  const errors: FieldError[] = [];
  const rows: ImportRow[] = [];
  for (const { line, fields } of data) {
    const bad = (column: string, message: string) => errors.push({ field: `rows[${line}].${column}`, message });
    if (fields.length !== names.length) {
      bad('*', `has ${fields.length} fields; the header has ${names.length}`);
      continue;
    }
    const row: ImportRow = { line, cost_code: at(fields, 'cost_code'), description: at(fields, 'description'), original_budget_amount: at(fields, 'original_budget_amount'), cost_type: (at(fields, 'cost_type').toLowerCase() || 'other') as CostType };
    const before = errors.length;
    if (!costCodes.has(row.cost_code.toLowerCase())) bad('cost_code', row.cost_code ? `"${row.cost_code}" is not a cost code of this project` : 'is empty');
    if (!row.description) bad('description', 'is empty');
    else if (row.description.length > 255) bad('description', 'is longer than 255 characters');
    const amount = moneyError(row.original_budget_amount, 'any');
    if (amount) bad('original_budget_amount', amount);
    if (!(COST_TYPES as readonly string[]).includes(row.cost_type)) bad('cost_type', `must be one of ${COST_TYPES.join(', ')}`);
    if (errors.length === before) rows.push(row);
  }
  if (errors.length) {
    const badRows = new Set(errors.map((e) => e.field.slice(0, e.field.indexOf(']')))).size;
    const err = AppError.validation(errors.slice(0, MAX_LISTED), `${badRows} of ${data.length} rows cannot be imported; nothing was imported. Fix the rows listed and send the file again.`);
    Object.assign(err.details, { bad_rows: badRows, rows: data.length, listed: Math.min(errors.length, MAX_LISTED), problems: errors.length });
    throw err;
  }
  return rows;
}
