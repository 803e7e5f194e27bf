import { chunksOf } from '../../src/adapters/shared/chunks';
import { inList, inPowersOfTwo } from '../../src/adapters/sql/statement-shapes';

describe('statement shapes', () => {
  it('pads an IN list to a power of two with its last value', () => {
    expect(inList(['a'])).toEqual({ sql: '(?)', params: ['a'] });
    expect(inList(['a', 'b', 'c'])).toEqual({ sql: '(?, ?, ?, ?)', params: ['a', 'b', 'c', 'c'] });
    expect(inList(['a', 'b', 'c', 'd']).params).toEqual(['a', 'b', 'c', 'd']);
    const shapes = new Set(
      Array.from({ length: 500 }, (_, n) => inList(Array.from({ length: n + 1 }, String)).sql),
    );
    expect(shapes.size).toBe(10);
  });

  it('splits rows into powers of two, the largest first, keeping their order', () => {
    const rows = Array.from({ length: 13 }, (_, index) => index);
    const pieces = inPowersOfTwo(rows);
    expect(pieces.map((piece) => piece.length)).toEqual([8, 4, 1]);
    expect(pieces.flat()).toEqual(rows);
    expect(inPowersOfTwo([])).toEqual([]);
    expect(inPowersOfTwo([1, 2]).map((piece) => piece.length)).toEqual([2]);
  });

  it('cuts items into pieces of a size, the last one shorter', () => {
    expect(chunksOf([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunksOf([], 2)).toEqual([]);
  });
});
