import { changedFields } from './audit-entry';

describe('changedFields', () => {
  const event = { name: 'Round 1', date: '2026-05-01', starred: false, pointsMultiplier: 1, custom: { a: 1 } };

  it('keeps only the fields whose values changed, before and after', () => {
    expect(changedFields(event, { name: 'Round 1', starred: true, pointsMultiplier: 2 })).toEqual({
      before: { starred: false, pointsMultiplier: 1 },
      after: { starred: true, pointsMultiplier: 2 },
    });
  });

  it('is null when nothing changed, so a no-op edit leaves no row', () => {
    expect(changedFields(event, { name: 'Round 1', custom: { a: 1 } })).toBeNull();
    expect(changedFields(event, {})).toBeNull();
  });

  it('ignores fields left out (undefined) and records a cleared value as null', () => {
    const withSeason: { season: string | null; name: string } = { season: '2026', name: 'x' };
    expect(changedFields(withSeason, { season: null, name: undefined })).toEqual({ before: { season: '2026' }, after: { season: null } });
  });
});
