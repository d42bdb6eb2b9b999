import { describe, expect, it } from 'vitest';
import { match } from './router';

describe('match', () => {
  it('reads numeric ids from a path and refuses anything else', () => {
    expect(match('/series/:seriesId/events/:id', '/series/3/events/17')).toEqual({ seriesId: 3, id: 17 });
    expect(match('/boards/:id', '/boards/0')).toBeNull();
    expect(match('/boards/:id', '/boards/abc')).toBeNull();
    expect(match('/boards/:id', '/boards/1/edit')).toBeNull();
    expect(match('/boards/:id/edit', '/boards/1/edit/')).toEqual({ id: 1 });
  });
});
