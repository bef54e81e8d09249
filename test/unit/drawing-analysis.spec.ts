import Ajv from 'ajv';
import { readTitleBlock, TextLine } from '../../src/drawings/pdf-analysis';
import { MAX_SHAPES, parseShapes, ShapeSchema } from '../../src/drawings/markup-shapes';

const line = (text: string, x: number, y: number, size = 12): TextLine => ({ text, x, y, w: text.length * size * 0.6, h: size * 1.2, size });
const W = 2592;
const H = 1728;

describe('readTitleBlock: the sheet number and title a reviewer reads off the title block', () => {
  it('takes the sheet number nearest the bottom-right corner and the largest words above it', () => {
    const lines = [
      line('GENERAL NOTES: SEE A-001', 80, 60, 22),
      line('RIVERSIDE MEDICAL OFFICE BUILDING', 1976, 1490, 18),
      line('SECOND FLOOR PLAN', 1976, 1550, 28),
      line('SHEET 2 OF 9', 1976, 1600, 16),
      line('SCALE 1/8" = 1\'-0"', 2300, 1600, 14),
      line('A-102', 1976, 1630, 44),
    ];
    expect(readTitleBlock(lines, W, H)).toEqual({ number: 'A-102', title: 'SECOND FLOOR PLAN' });
  });

  it.each([['A-101'], ['S201'], ['A1.01'], ['M-101A'], ['FP-3']])('reads %s as a sheet number', (n) => {
    expect(readTitleBlock([line(n, 2200, 1650, 40)], W, H).number).toBe(n);
  });

  it('finds nothing on a page without a title block (numbers elsewhere on the sheet do not count)', () => {
    expect(readTitleBlock([line('A-101', 100, 100, 40), line('FIRST FLOOR PLAN', 100, 50, 28)], W, H)).toEqual({ number: null, title: null });
    expect(readTitleBlock([], W, H)).toEqual({ number: null, title: null });
    expect(readTitleBlock([line('NOT A NUMBER', 2200, 1650, 40)], W, H).number).toBeNull();
  });
});

describe('parseShapes: markup shapes checked by their type, within the sheet', () => {
  const sheet = { width: 1000, height: 800 };

  it('answers valid shapes with their defaults, matching the schema the API answers with', () => {
    const { shapes, errors } = parseShapes(
      [
        { type: 'rectangle', x: 1, y: 2, width: 3, height: 4 },
        { type: 'ellipse', x: 10, y: 10, width: 100, height: 50, color: '#00ff00' },
        { type: 'line', x1: 0, y1: 0, x2: 1000, y2: 800 },
        { type: 'polyline', points: [[0, 0], [5, 5]] },
        { type: 'cloud', points: [[0, 0], [5, 5], [9, 0]] },
        { type: 'text', x: 5, y: 5, text: 'note', font_size: 12 },
      ],
      sheet,
    );
    expect(errors).toEqual([]);
    expect(shapes[0]).toEqual({ type: 'rectangle', x: 1, y: 2, width: 3, height: 4, color: '#E53935' });
    expect(shapes[5]).toEqual({ type: 'text', x: 5, y: 5, text: 'note', font_size: 12, color: '#E53935' });
    const valid = new Ajv({ strict: false }).compile(ShapeSchema);
    for (const s of shapes) expect(valid(s)).toBe(true);
    expect(valid({ type: 'rectangle', x: 1, y: 2, width: 3, height: 4 })).toBe(false); // the API always answers a colour
  });

  it('names every fault by field and keeps nothing of a faulty list', () => {
    const { shapes, errors } = parseShapes(
      [
        { type: 'rectangle', x: 900, y: 0, width: 200, height: 10 },
        { type: 'line', x1: 0, y1: 0, x2: 'far', y2: 0 },
        { type: 'cloud', points: [[0, 0], [1, 1]] },
        { type: 'text', x: 0, y: 0, text: '   ', font_size: 1 },
        { type: 'polyline', points: [[0, 0], [2000, 1]] },
        { type: 'rectangle', x: 0, y: 0, width: 1, height: 1, colour: '#fff' },
        null,
        { type: 'star' },
      ],
      sheet,
    );
    expect(shapes.length).toBeLessThan(8);
    expect(errors.map((e) => e.field)).toEqual([
      'shapes[0]',
      'shapes[1].x2',
      'shapes[2].points',
      'shapes[3].text',
      'shapes[3].font_size',
      'shapes[4].points[1]',
      'shapes[5].colour',
      'shapes[6]',
      'shapes[7].type',
    ]);
  });

  it('refuses an empty list, one past the limit, and something that is not a list', () => {
    expect(parseShapes([], sheet).errors).toEqual([{ field: 'shapes', message: expect.stringContaining('1 to') }]);
    expect(parseShapes(Array.from({ length: MAX_SHAPES + 1 }, () => ({ type: 'line', x1: 0, y1: 0, x2: 1, y2: 1 })), sheet).errors[0].field).toBe('shapes');
    expect(parseShapes({ type: 'line' }, sheet).errors).toEqual([{ field: 'shapes', message: 'must be a list of shapes' }]);
  });
});
