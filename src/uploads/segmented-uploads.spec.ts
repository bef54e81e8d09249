import { AppError } from '../common/errors';
import { cutInto, DEFAULT_SEGMENT_BYTES, segmentSize } from './segmented-uploads.service';

const fieldsOf = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return ((err as AppError).details.fields as { field: string }[]).map((f) => f.field).sort();
  }
  throw new Error('expected a refusal');
};

describe('cutting a file into segments', () => {
  it.each([
    // size, asked, segment_bytes, segment_count, last segment
    [300_000, { segment_bytes: 131_072 }, 131_072, 3, 37_856],
    [300_000, { segment_count: 3 }, 100_000, 3, 100_000],
    [10, { segment_count: 4 }, 3, 4, 1],
    [1, {}, 1, 1, 1],
    [DEFAULT_SEGMENT_BYTES * 2 + 5, {}, DEFAULT_SEGMENT_BYTES, 3, 5],
    [100, { segment_bytes: 1000 }, 100, 1, 100],
  ])('cuts %i bytes asked %j into segments of %i, %i of them, the last %i', (size, asked, each, count, last) => {
    const cut = cutInto(size, asked);
    expect(cut).toEqual({ segmentBytes: each, segmentCount: count });
    const row = { size_bytes: size, segment_bytes: cut.segmentBytes, segment_count: cut.segmentCount };
    expect(segmentSize(row, count)).toBe(last);
    // The segments add up to the file.
    const total = Array.from({ length: count }, (_, i) => segmentSize(row, i + 1)).reduce((a, b) => a + b, 0);
    expect(total).toBe(size);
  });

  it('refuses both a count and a size, a count that leaves the last segment empty, and too many segments, by field', () => {
    expect(fieldsOf(() => cutInto(10, { segment_count: 2, segment_bytes: 5 }))).toEqual(['segment_bytes', 'segment_count']);
    expect(fieldsOf(() => cutInto(9, { segment_count: 4 }))).toEqual(['segment_count']);
    expect(fieldsOf(() => cutInto(20_000, { segment_bytes: 1 }))).toEqual(['segment_bytes']);
  });
});
