import { totalOfPage } from '../../src/application/projections/read-models';

describe('totalOfPage (the total a page tells without a count)', () => {
  const page = (number: number) => ({ page: number, pageSize: 20 });

  it('is what came before a page that is not full, and that page', () => {
    expect(totalOfPage(page(1), 3)).toBe(3);
    expect(totalOfPage(page(4), 19)).toBe(79);
  });

  it('is 0 for an empty first page', () => {
    expect(totalOfPage(page(1), 0)).toBe(0);
  });

  it('needs a count after a full page, or an empty one past the first', () => {
    expect(totalOfPage(page(1), 20)).toBeUndefined();
    expect(totalOfPage(page(3), 20)).toBeUndefined();
    expect(totalOfPage(page(2), 0)).toBeUndefined();
  });
});
