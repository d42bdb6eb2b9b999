import { WeightedLru } from './weighted-lru';

describe('WeightedLru', () => {
  const lru = (keepOversized: boolean) => new WeightedLru<string, number>((n) => n, 10, keepOversized);

  it('evicts the least recently used entries once over its limit, counting a touch as a use', () => {
    const cache = lru(false);
    cache.set('a', 4);
    cache.set('b', 4);
    cache.touch('a');
    cache.set('c', 4);
    expect([cache.peek('a'), cache.peek('b'), cache.peek('c')]).toEqual([4, undefined, 4]);
    expect({ count: cache.count, weight: cache.weight }).toEqual({ count: 2, weight: 8 });
  });

  it('replaces an entry under its key, reweighing it', () => {
    const cache = lru(false);
    cache.set('a', 4);
    cache.set('a', 7);
    expect({ count: cache.count, weight: cache.weight }).toEqual({ count: 1, weight: 7 });
  });

  it('keeps an entry heavier than the limit alone, or not at all, as asked', () => {
    const refusing = lru(false);
    refusing.set('a', 4);
    refusing.set('a', 11);
    expect({ count: refusing.count, weight: refusing.weight }).toEqual({ count: 0, weight: 0 });
    const keeping = lru(true);
    keeping.set('a', 4);
    keeping.set('b', 11);
    expect([keeping.peek('a'), keeping.peek('b'), keeping.weight]).toEqual([undefined, 11, 11]);
  });

  it('reads its limit at each set, so it can be lowered', () => {
    const cache = lru(false);
    cache.set('a', 4);
    cache.set('b', 4);
    cache.limit = 5;
    cache.set('c', 1);
    expect([cache.peek('a'), cache.peek('b'), cache.peek('c'), cache.weight]).toEqual([undefined, 4, 1, 5]);
  });
});
