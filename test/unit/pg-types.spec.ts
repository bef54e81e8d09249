import { types } from 'pg';
import { parseTimestamptz } from '../../src/database/pg-types';

describe('timestamptz parsing', () => {
  it('is installed for timestamptz', () => {
    expect(types.getTypeParser(1184, 'text')).toBe(parseTimestamptz);
  });

  it.each([
    ['2026-11-23 16:53:12.123456+00', '2026-11-23T16:53:12.123Z'],
    ['2026-11-23 16:53:12+00', '2026-11-23T16:53:12.000Z'],
    ['2026-11-23 16:53:12.5+05:30', '2026-11-23T11:23:12.500Z'],
    ['2026-01-01 00:00:00.001-03', '2026-01-01T03:00:00.001Z'],
  ])('reads %s as the instant %s', (text, iso) => {
    expect((parseTimestamptz(text) as Date).toISOString()).toBe(iso);
  });

  it('leaves the rare forms to the generic parser', () => {
    expect(parseTimestamptz('infinity')).toBe(Infinity);
    expect((parseTimestamptz('0044-03-15 12:00:00+00 BC') as Date).getUTCFullYear()).toBe(-43);
  });
});
