import { AppError, FieldError } from '../common/errors';
import { moneyError } from '../common/validation/money';
import { COST_TYPES, CostType } from './dto/budget.dto';

/** Rows an import may carry (beyond it: 413, split the file). */
export const MAX_IMPORT_ROWS = 10_000;
const MAX_ROWS_TEXT = MAX_IMPORT_ROWS.toLocaleString('en-US');
/** Bytes an import file may have: 10,000 rows of long descriptions in any script fit. */
export const MAX_IMPORT_BYTES = 8 * 1024 * 1024;
/** Bad rows listed in a refusal (the details say how many there are in all). */
const MAX_LISTED = 100;

const REQUIRED = ['cost_code', 'description', 'original_budget_amount'] as const;
const OPTIONAL = ['cost_type'] as const;
type Column = (typeof REQUIRED)[number] | (typeof OPTIONAL)[number];

export interface ImportRow {
  /** Its row in the file (the header is row 1). */
  row: number;
  cost_code_id: number;
  description: string;
  original_budget_amount: string;
  cost_type: CostType;
}

/** A problem with one row: `field` as everywhere (`rows[<row>].<column>`), with the row and column apart for a program to read. */
interface RowError extends FieldError {
  row: number;
  /** Null when the row as a whole is wrong (its number of fields). */
  column: Column | null;
}

/** The project's cost codes by their lower-cased code (the project's codes are unique regardless of case), each with its id. */
export type CostCodes = ReadonlyMap<string, number>;

const fileError = (message: string, details: Record<string, unknown> = {}): AppError => {
  const err = AppError.validation([{ field: 'file', message }], `The file cannot be imported: it ${message}.`);
  Object.assign(err.details, details);
  return err;
};

/** The line (from 1) of a byte of the file, its lines ended as the parser ends them (LF, CRLF or CR). */
function lineAt(bytes: Buffer, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a || (bytes[i] === 0x0d && bytes[i + 1] !== 0x0a)) line++;
  return line;
}

/** The offset of the first byte that does not belong to a UTF-8 sequence (the file is known not to be UTF-8). */
function firstInvalidByte(bytes: Buffer): number {
  let offset = 0;
  // The lossy decoding puts U+FFFD where a sequence breaks; one the file itself holds is its three bytes EF BF BD.
  for (const ch of new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes)) {
    if (ch === '\uFFFD' && !(bytes[offset] === 0xef && bytes[offset + 1] === 0xbf && bytes[offset + 2] === 0xbd)) return offset;
    const cp = ch.codePointAt(0)!;
    offset += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return offset;
}

/**
 * The text of a UTF-8 file, its byte-order mark dropped. 422 naming the byte
 * offset and line of the first byte that is not UTF-8 (a file saved as
 * Latin-1 or Windows-1252; a UTF-16 one, by its byte-order mark), or of a NUL
 * byte (which no text CSV has, and a UTF-16 file without a mark has in every other byte).
 */
export function decodeUtf8(bytes: Buffer): string {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw fileError('is UTF-16 (its byte-order mark says so), not UTF-8; save it as "CSV UTF-8"', { byte_offset: 0, line: 1 });
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const offset = firstInvalidByte(bytes);
    const line = lineAt(bytes, offset);
    const byte = `0x${bytes[offset].toString(16).toUpperCase().padStart(2, '0')}`;
    throw fileError(`is not UTF-8: the byte ${byte} at offset ${offset} (line ${line}) is not; save it as "CSV UTF-8"`, { byte_offset: offset, line });
  }
  // PostgreSQL text cannot hold NUL, and no text CSV has one.
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    const line = lineAt(bytes, nul);
    throw fileError(`has a NUL byte at offset ${nul} (line ${line}), which a text CSV never has (is it UTF-16?); save it as "CSV UTF-8"`, { byte_offset: nul, line });
  }
  return text;
}

/**
 * RFC 4180 records: comma-separated, fields optionally in double quotes (a
 * quote inside doubled, commas and line breaks kept), CRLF, LF or CR line
 * ends; each record with the line it starts on. Blank lines are skipped.
 * Strict where a reading would be a guess: a quoted field must end at its
 * closing quote, and be closed. More than `maxRecords` records: 413, read no further.
 */
export function parseCsv(text: string, maxRecords: number, tooMany: () => AppError): { line: number; fields: string[] }[] {
  const records: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  /** The field was quoted and its closing quote read: only a comma or a line end may follow. */
  let closed = false;
  let line = 1;
  let start = 1;
  const endField = () => {
    fields.push(field);
    field = '';
    closed = false;
  };
  const endRecord = () => {
    const blank = fields.length === 0 && field === '' && !closed;
    endField();
    if (!blank) {
      records.push({ line: start, fields });
      if (records.length > maxRecords) throw tooMany();
    }
    fields = [];
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
        closed = true;
      } else {
        if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) line++;
        field += c;
      }
    } else if (c === ',') {
      endField();
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      start = line;
    } else if (closed) {
      throw fileError(`has text after the closing quote of a field on line ${line}; a quoted field ends at its quote (a quote inside one is written twice: "")`, { line });
    } else if (c === '"' && field === '') {
      quoted = true;
    } else {
      field += c;
    }
  }
  if (quoted) throw fileError(`has a quoted field opened on line ${start} that is never closed`, { line: start });
  if (field !== '' || fields.length || closed) endRecord();
  return records;
}

const tooManyRows = (): AppError =>
  new AppError('file_too_large', `The file has more than ${MAX_ROWS_TEXT} rows; an import takes at most ${MAX_ROWS_TEXT}: split it.`, { max_rows: MAX_IMPORT_ROWS });

/** The columns of the header row, by name; 422 listing every unknown, repeated or missing one. */
function readHeader(fields: string[]): Column[] {
  const names = fields.map((h) => h.trim().toLowerCase());
  const known: readonly string[] = [...REQUIRED, ...OPTIONAL];
  const problems = [
    ...names.filter((n) => !known.includes(n)).map((n) => (n ? `unknown column "${n}"` : 'a column has no name')),
    ...names.filter((n, i) => known.includes(n) && names.indexOf(n) !== i).map((n) => `column "${n}" appears twice`),
    ...REQUIRED.filter((r) => !names.includes(r)).map((r) => `missing column "${r}"`),
  ];
  if (problems.length) {
    throw AppError.validation(
      problems.map((message) => ({ field: 'header', message })),
      `The header row must name ${REQUIRED.join(', ')} (and optionally ${OPTIONAL.join(', ')}), in any order: ${problems.join('; ')}.`,
    );
  }
  return names as Column[];
}

/**
 * The rows of a budget CSV, every one checked: the header must name
 * cost_code, description and original_budget_amount (cost_type optional, in
 * any order and case); each row a cost code of the project (in any case), a description of
 * 1–255 characters, an amount, a known cost type (empty: `other`). Any bad
 * row: 422 listing each problem (the first 100, with the counts).
 */
export function readBudgetCsv(bytes: Buffer, codes: CostCodes): ImportRow[] {
  if (!bytes.length) throw new AppError('empty_file', 'The file is empty: send a CSV with a header row and at least one line item.');
  const [header, ...data] = parseCsv(decodeUtf8(bytes), MAX_IMPORT_ROWS + 1, tooManyRows);
  if (!header) throw new AppError('empty_file', 'The file has no rows: send a CSV with a header row and at least one line item.');
  const columns = readHeader(header.fields);
  if (!data.length) throw new AppError('empty_file', 'The file has a header but no line items.');
  const errors: RowError[] = [];
  const rows: ImportRow[] = [];
  for (const { line: row, fields } of data) {
    const bad = (column: Column | null, message: string) => errors.push({ field: column ? `rows[${row}].${column}` : `rows[${row}]`, row, column, message });
    if (fields.length !== columns.length) {
      bad(null, `has ${fields.length} field${fields.length === 1 ? '' : 's'}; the header has ${columns.length}`);
      continue;
    }
    const cell = (column: Column) => (columns.includes(column) ? fields[columns.indexOf(column)].trim() : '');
    const before = errors.length;
    const code = cell('cost_code');
    const costCode = codes.get(code.toLowerCase());
    if (costCode === undefined) bad('cost_code', code ? `"${code}" is not a cost code of this project` : 'is empty');
    const description = cell('description');
    if (!description) bad('description', 'is empty');
    else if ([...description].length > 255) bad('description', 'is longer than 255 characters');
    const amount = cell('original_budget_amount');
    const amountError = moneyError(amount, 'any');
    if (amountError) bad('original_budget_amount', amountError);
    const costType = (cell('cost_type').toLowerCase() || 'other') as CostType;
    if (!COST_TYPES.includes(costType)) bad('cost_type', `"${cell('cost_type')}" is not one of ${COST_TYPES.join(', ')}`);
    if (errors.length === before) rows.push({ row, cost_code_id: costCode!, description, original_budget_amount: amount, cost_type: costType });
  }
  if (errors.length) {
    const badRows = data.length - rows.length;
    const err = AppError.validation(
      errors.slice(0, MAX_LISTED),
      `${badRows} of ${data.length} rows cannot be imported; nothing was imported. Fix the rows listed${errors.length > MAX_LISTED ? ` (the first ${MAX_LISTED} of ${errors.length} problems)` : ''} and send the file again.`,
    );
    Object.assign(err.details, { bad_rows: badRows, rows: data.length, problems: errors.length, listed: Math.min(errors.length, MAX_LISTED) });
    throw err;
  }
  return rows;
}
