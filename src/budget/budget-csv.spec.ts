import { AppError } from '../common/errors';
import { decodeUtf8, MAX_IMPORT_ROWS, parseCsv, readBudgetCsv } from './budget-csv';

const tooMany = () => new AppError('file_too_large', 'too many');
const parse = (text: string, max = 100) => parseCsv(text, max, tooMany);
const refusal = (fn: () => unknown): AppError => {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
};

describe('parseCsv: RFC 4180 records with the line each starts on', () => {
  it.each([
    ['LF', 'a,b\nc,d\n', [[1, ['a', 'b']], [2, ['c', 'd']]]],
    ['CRLF, no final line end', 'a,b\r\nc,d', [[1, ['a', 'b']], [2, ['c', 'd']]]],
    ['CR alone', 'a\rb\r', [[1, ['a']], [2, ['b']]]],
    ['blank lines skipped, still counted', '\na\n\r\n\nb\n', [[2, ['a']], [5, ['b']]]],
    ['empty fields', ',,\n', [[1, ['', '', '']]]],
    ['an empty quoted field is a record', '""\n', [[1, ['']]]],
    ['quoted comma, doubled quote', '"x, ""y""",z\n', [[1, ['x, "y"', 'z']]]],
    ['quoted line breaks, and the line after them', '"one\ntwo\r\nthree",x\nnext\n', [[1, ['one\ntwo\r\nthree', 'x']], [4, ['next']]]],
    ['a quote inside an unquoted field is text', 'ab"c,d\n', [[1, ['ab"c', 'd']]]],
  ])('%s', (_, text, expected) => {
    expect(parse(text).map((r) => [r.line, r.fields])).toEqual(expected);
  });

  it('refuses text after a closing quote, and a quote never closed, naming the line', () => {
    expect(refusal(() => parse('a\n"b"c\n')).details).toEqual({ fields: [{ field: 'file', message: expect.stringContaining('line 2') }], line: 2 });
    expect(refusal(() => parse('a\nb\n"c\nd\n')).details).toEqual({ fields: [{ field: 'file', message: 'has a quoted field opened on line 3 that is never closed' }], line: 3 });
  });

  it('stops at one record past the most it takes', () => {
    expect(parse('a\nb\nc\n', 3)).toHaveLength(3);
    expect(refusal(() => parse('a\nb\nc\nd\n', 3)).code).toBe('file_too_large');
  });
});

describe('decodeUtf8: UTF-8 only, the first bad byte named', () => {
  it('drops a byte-order mark and keeps U+FFFD that the file holds', () => {
    expect(decodeUtf8(Buffer.from('\uFEFFa,\uFFFD\n'))).toBe('a,\uFFFD\n');
  });

  it.each([
    ['a Latin-1 é on line 2', Buffer.from([0x61, 0x0a, 0x62, 0xe9, 0x0a]), { byte_offset: 3, line: 2 }],
    ['a sequence cut short after valid multibyte text', Buffer.concat([Buffer.from('€\n\uFFFD'), Buffer.from([0xe2, 0x82])]), { byte_offset: 7, line: 2 }],
    ['UTF-16 with its byte-order mark', Buffer.from([0xff, 0xfe, 0x61, 0x00]), { byte_offset: 0, line: 1 }],
    ['UTF-16 without one (NUL bytes)', Buffer.from('a\nb', 'utf16le'), { byte_offset: 1, line: 1 }],
  ])('refuses %s', (_, bytes, where) => {
    expect(refusal(() => decodeUtf8(bytes)).details).toMatchObject(where);
  });
});

describe('readBudgetCsv: every row checked against the header and the project', () => {
  const codes = new Map([
    ['03-300', 1],
    ['hvac-1', 2],
  ]);
  const read = (text: string) => readBudgetCsv(Buffer.from(text), codes);

  it('reads columns by name in any order and case, cost codes in any case, cells trimmed, cost type `other` when empty', () => {
    expect(read('Original_Budget_Amount, DESCRIPTION ,cost_code\n 1.50 , Footings ,HVAC-1\n-2,Credit,03-300\n')).toEqual([
      { row: 2, cost_code_id: 2, description: 'Footings', original_budget_amount: '1.50', cost_type: 'other' },
      { row: 3, cost_code_id: 1, description: 'Credit', original_budget_amount: '-2', cost_type: 'other' },
    ]);
  });

  it('counts a description in characters, not UTF-16 units', () => {
    expect(read(`cost_code,description,original_budget_amount\n03-300,${'😀'.repeat(255)},1.00\n`)[0].description).toHaveLength(510);
    expect(refusal(() => read(`cost_code,description,original_budget_amount\n03-300,${'😀'.repeat(256)},1.00\n`)).details.fields).toEqual([
      { field: 'rows[2].description', row: 2, column: 'description', message: 'is longer than 255 characters' },
    ]);
  });

  it('numbers a row by the line it starts on', () => {
    const err = refusal(() => read('cost_code,description,original_budget_amount\n03-300,"two\nlines",1.00\nnope,x,1.00\n'));
    expect(err.details.fields).toEqual([{ field: 'rows[4].cost_code', row: 4, column: 'cost_code', message: '"nope" is not a cost code of this project' }]);
  });

  it(`takes ${MAX_IMPORT_ROWS} rows and refuses one more`, () => {
    const file = (n: number) => ['cost_code,description,original_budget_amount', ...Array.from({ length: n }, () => '03-300,x,1.00')].join('\n');
    expect(read(file(MAX_IMPORT_ROWS))).toHaveLength(MAX_IMPORT_ROWS);
    expect(refusal(() => read(file(MAX_IMPORT_ROWS + 1))).details).toEqual({ max_rows: MAX_IMPORT_ROWS });
  });
});
