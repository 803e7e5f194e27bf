import { Limiter } from '../src/api';

describe('Limiter', () => {
  it('lets `size` holders in and the others in turn as slots are released', async () => {
    const limiter = new Limiter(2);
    const entered: number[] = [];
    const enter = (id: number) => limiter.acquire().then(() => entered.push(id));
    await Promise.all([enter(1), enter(2)]);
    const third = enter(3);
    const fourth = enter(4);
    await Promise.resolve();
    expect(entered).toEqual([1, 2]);

    limiter.release();
    await third;
    expect(entered).toEqual([1, 2, 3]);

    limiter.release();
    await fourth;
    expect(entered).toEqual([1, 2, 3, 4]);

    // All four released: two new holders get in at once again.
    limiter.release();
    limiter.release();
    await Promise.all([enter(5), enter(6)]);
    expect(entered).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
