import { parse } from 'csv-parse/sync';
import { CORRECTED_EVENT, DEMO_RIDERS, demoSeason, resultsCsv } from './demo-season';

describe('demo season', () => {
  it('is the same on every run', () => {
    expect(demoSeason()).toEqual(demoSeason());
  });

  it('has the shape the demo promises: riders in 3 years, 6 events with a double final, DNFs, one corrected race', () => {
    const season = demoSeason();
    expect(season.riders).toHaveLength(DEMO_RIDERS);
    expect(new Set(season.riders.map((r) => `${r.firstName} ${r.lastName}`)).size).toBe(DEMO_RIDERS);
    expect(new Set(season.riders.map((r) => r.category)).size).toBe(3);
    expect(season.events.map((e) => e.pointsMultiplier)).toEqual([1, 1, 1, 1, 1, 2]);
    expect(season.events.flatMap((e) => e.results).some((r) => r.status === 'DNF')).toBe(true);
    const corrected = season.events[CORRECTED_EVENT];
    const winner = (results: typeof corrected.results) => results.find((r) => r.rider.category === 'Year 8' && r.place === 1)!.rider.licence;
    expect(winner(corrected.results)).not.toBe(winner(corrected.firstPublished!));
    expect(season.events.filter((e) => e.firstPublished)).toHaveLength(1);
  });

  it('writes each event as a CSV the import reads (quoted names, CRLF)', () => {
    const csv = resultsCsv(demoSeason().events[0].results);
    const rows: Record<string, string>[] = parse(csv, { columns: true });
    expect(rows.length).toBeGreaterThan(300);
    expect(Object.keys(rows[0])).toEqual(['Place', 'Licence', 'First Name', 'Last Name', 'School', 'Category', 'Status']);
    expect(csv).toContain('\r\n');
  });
});
