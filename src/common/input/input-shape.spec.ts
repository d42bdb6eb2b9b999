import { findShapeProblem } from './input-shape';

const limits = { maxDepth: 4, maxValues: 20 };

describe('findShapeProblem', () => {
  it('accepts input within the limits', () => {
    expect(findShapeProblem([{ participant: { firstName: 'Ann' }, custom1: 'x' }], limits)).toBeNull();
    expect(findShapeProblem(undefined, limits)).toBeNull();
    expect(findShapeProblem('plain', limits, 'jobId')).toBeNull();
  });

  it('refuses deep nesting without recursing (100 000 levels)', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i += 1) deep = [deep];
    expect(findShapeProblem(deep, limits)).toEqual({ field: 'body', message: 'is nested more than 4 levels deep' });
    expect(findShapeProblem({ a: { b: { c: { d: {} } } } }, limits)).toEqual({ field: 'body', message: 'is nested more than 4 levels deep' });
    expect(findShapeProblem({ a: { b: { c: { d: 1 } } } }, limits)).toBeNull();
  });

  it('refuses too many values, before queueing the elements of a huge array', () => {
    expect(findShapeProblem(Array(1_000_000).fill(0), limits)).toEqual({ field: 'body', message: 'holds more than 20 values' });
    expect(findShapeProblem({ a: Array(10).fill(0), b: Array(10).fill(0) }, limits)).toEqual({ field: 'body', message: 'holds more than 20 values' });
    expect(findShapeProblem(Array(19).fill(0), limits)).toBeNull();
  });

  it('names the field that holds a NUL, as the validation errors do', () => {
    expect(findShapeProblem([{ ok: 'x' }, { participant: { lastName: 'Le\u0000e' } }], limits))
      .toEqual({ field: '[1].participant.lastName', message: 'must not contain a NUL character (\\u0000)' });
    expect(findShapeProblem({ categories: ['a', '\u0000'] }, limits)).toEqual({ field: 'categories[1]', message: expect.stringContaining('NUL') });
    expect(findShapeProblem('abc\u0000', limits, 'jobId')).toEqual({ field: 'jobId', message: expect.stringContaining('NUL') });
    expect(findShapeProblem({ labels: { ['k\u0000']: 'v' } }, limits)).toEqual({ field: 'labels', message: expect.stringContaining('key') });
  });
});
