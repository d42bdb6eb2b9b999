import { computeStandings, computeStandingsTable, ScoringError } from '.';
import { EventInput, LeaderboardConfig, PointsScaleConfig, RaceResultInput, Status } from './types';

const F1: PointsScaleConfig = { kind: 'TABLE', table: [25, 18, 15, 12, 10, 8, 6, 4, 2, 1] };
const board = (over: Partial<LeaderboardConfig> = {}): LeaderboardConfig => ({
  type: 'INDIVIDUAL', categories: [{ code: 'Elite', multiplier: 1 }], eventScope: 'ALL', tieBreaks: ['COUNTBACK', 'MOST_RECENT'], ...over,
});
const event = (id: number, over: Partial<EventInput> = {}): EventInput => ({ id, name: `R${id}`, date: `2026-01-${String(id).padStart(2, '0')}`, starred: false, pointsMultiplier: 1, ...over });

let nextId = 1;
function result(eventId: number, participantId: number, position: number | null, over: Partial<RaceResultInput> = {}): RaceResultInput {
  return {
    id: nextId++, eventId, category: 'Elite', participantId, participantName: `Rider ${participantId}`,
    custom1: null, custom2: null, custom3: null, position, status: (position === null ? 'DNF' : 'FIN') as Status, ...over,
  };
}
const pointsOf = (entries: { name: string; points: number }[]) => Object.fromEntries(entries.map((e) => [e.name, e.points]));

describe('computeStandings: worked examples', () => {
  it('F1 table with a double-points final', () => {
    const events = [event(1), event(2), event(3, { pointsMultiplier: 2 })];
    const results = [
      result(1, 1, 1), result(1, 2, 2), result(1, 3, 3),
      result(2, 1, 2), result(2, 2, 1), result(2, 3, 3),
      result(3, 1, 3), result(3, 2, 2), result(3, 3, 1),
    ];
    const { entries } = computeStandings({ scale: F1, board: board(), events, results });
    // Rider 3: 15 + 15 + 2×25 = 80; rider 2: 18 + 25 + 2×18 = 79; rider 1: 25 + 18 + 2×15 = 73
    expect(entries.map((e) => [e.name, e.points, e.position])).toEqual([['Rider 3', 80, 1], ['Rider 2', 79, 2], ['Rider 1', 73, 3]]);
    expect(entries[0].breakdown.counted.map((l) => l.points)).toEqual([15, 15, 50]);
  });

  it('cross-country team scoring: low-point, top 5 count, 5 finishers needed', () => {
    const school = (id: number) => ({ id, name: `School ${id}` });
    const scale: PointsScaleConfig = { kind: 'TABLE', table: [1], lowPoint: true };
    // School 1 places 1,2,4,7,8,10 (six runners); school 2 places 3,5,6,9,11; school 3 has 4 finishers.
    const places: [number, number][] = [[1, 1], [1, 2], [2, 3], [1, 4], [2, 5], [2, 6], [1, 7], [1, 8], [2, 9], [1, 10], [2, 11], [3, 12], [3, 13], [3, 14], [3, 15]];
    const results = places.map(([s, place], i) => result(1, 100 + i, place, { custom1: school(s) }));
    const { entries, summary } = computeStandings({
      scale, board: board({ type: 'SCHOOL', countingRiders: 5, minRiders: 5 }), events: [event(1)], results,
    });
    // School 1: 1+2+4+7+8 = 22 (the 6th runner, 10th, does not count); school 2: 3+5+6+9+11 = 34.
    expect(entries.map((e) => [e.name, e.points, e.position])).toEqual([['School 1', 22, 1], ['School 2', 34, 2]]);
    expect(entries[0].breakdown.counted[0].riders).toHaveLength(5);
    expect(summary.ignored['group below minRiders in a race']).toBe(4);
  });

  it('best 6 of 8 with a non-droppable final', () => {
    const events = Array.from({ length: 8 }, (_, i) => event(i + 1));
    // Rider 1 wins events 1–7 and is 10th in the final (1 point): the final still counts.
    const results = events.flatMap((e) => [result(e.id, 1, e.id === 8 ? 10 : 1), result(e.id, 2, e.id === 8 ? 1 : 2)]);
    const { entries } = computeStandings({ scale: F1, board: board({ bestOf: 6, nonDroppableEventIds: [8] }), events, results });
    const r1 = entries.find((e) => e.name === 'Rider 1')!;
    expect(r1.points).toBe(5 * 25 + 1);
    expect(r1.breakdown.counted.map((l) => l.eventId)).toContain(8);
    expect(r1.breakdown.dropped.map((l) => l.eventId)).toEqual([1, 2]); // equal worst: the earliest go first
    expect(r1.breakdown.dropped[0].reason).toMatch(/best 6/);
  });

  it('a count-back tie: equal points, more wins ranks higher and says why', () => {
    const scale: PointsScaleConfig = { kind: 'TABLE', table: [10, 6, 4, 2] };
    const events = [event(1), event(2)];
    const results = [result(1, 1, 1), result(1, 2, 2), result(2, 1, 4), result(2, 2, 2), result(1, 3, 3), result(2, 3, 1)];
    // Rider 1: 10 + 2 = 12; rider 2: 6 + 6 = 12; rider 3: 4 + 10 = 14.
    const { entries } = computeStandings({ scale, board: board({ tieBreaks: ['COUNTBACK'] }), events, results });
    expect(entries.map((e) => [e.name, e.points, e.position])).toEqual([['Rider 3', 14, 1], ['Rider 1', 12, 2], ['Rider 2', 12, 3]]);
    expect(entries[2].breakdown.tieBreak).toBe('COUNTBACK: 1 vs 0 1st places');
  });

  it('a three-way tie in STANDARD and DENSE ranking', () => {
    const scale: PointsScaleConfig = { kind: 'TABLE', table: [10, 10, 10, 5] };
    // Three riders share first place, so neither count-back nor anything else can split them.
    const results = [result(1, 1, 1), result(1, 2, 1), result(1, 3, 1), result(1, 4, 4)];
    const standard = computeStandings({ scale: { ...scale, ties: 'SAME' }, board: board(), events: [event(1)], results }).entries;
    expect(standard.map((e) => e.position)).toEqual([1, 1, 1, 4]);
    expect(standard.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    const dense = computeStandings({ scale: { ...scale, ties: 'SAME' }, board: board({ ranking: 'DENSE' }), events: [event(1)], results }).entries;
    expect(dense.map((e) => e.position)).toEqual([1, 1, 1, 2]);
  });

  it('tied riders share the average of the places they occupy, or each get the full points', () => {
    const results = [result(1, 1, 1), result(1, 2, 1), result(1, 3, 3)];
    const average = computeStandings({ scale: F1, board: board(), events: [event(1)], results }).entries;
    expect(pointsOf(average)).toEqual({ 'Rider 1': 21.5, 'Rider 2': 21.5, 'Rider 3': 15 });
    const same = computeStandings({ scale: { ...F1, ties: 'SAME' }, board: board(), events: [event(1)], results }).entries;
    expect(pointsOf(same)).toEqual({ 'Rider 1': 25, 'Rider 2': 25, 'Rider 3': 15 });
  });

  it('scores DNF, DNS and DSQ as configured, and FIELD_SIZE counts starters (everyone but DNS)', () => {
    const results = [result(1, 1, 1), result(1, 2, null, { status: 'DNF' }), result(1, 3, null, { status: 'DNS' }), result(1, 4, null, { status: 'DSQ' })];
    const scale: PointsScaleConfig = { kind: 'FIELD_SIZE', statusPoints: { DNF: 2, DNS: 0, DSQ: -1 } };
    const { entries } = computeStandings({ scale, board: board(), events: [event(1)], results });
    expect(pointsOf(entries)).toEqual({ 'Rider 1': 3, 'Rider 2': 2, 'Rider 3': 0, 'Rider 4': -1 });
  });

  it('LINEAR and PERCENT_OF_FIELD scales', () => {
    const results = [1, 2, 3, 4].map((p) => result(1, p, p));
    const linear = computeStandings({ scale: { kind: 'LINEAR', first: 50, step: 20, floor: 5 }, board: board(), events: [event(1)], results }).entries;
    expect(pointsOf(linear)).toEqual({ 'Rider 1': 50, 'Rider 2': 30, 'Rider 3': 10, 'Rider 4': 5 });
    const pct = computeStandings({ scale: { kind: 'PERCENT_OF_FIELD' }, board: board(), events: [event(1)], results }).entries;
    expect(pointsOf(pct)).toEqual({ 'Rider 1': 100, 'Rider 2': 75, 'Rider 3': 50, 'Rider 4': 25 });
  });

  it('category multipliers (All Stars over several categories)', () => {
    const results = [result(1, 1, 1, { category: 'U14' }), result(1, 2, 1, { category: 'U16' })];
    const allStars = board({ categories: [{ code: 'U14', multiplier: 1 }, { code: 'U16', multiplier: 1.5 }] });
    expect(pointsOf(computeStandings({ scale: F1, board: allStars, events: [event(1)], results }).entries)).toEqual({ 'Rider 1': 25, 'Rider 2': 37.5 });
  });

  it('GROUP keys on the first non-empty slot and counts riders with no group', () => {
    const club = { id: 10, name: 'Club A' };
    const team = { id: 20, name: 'Team B' };
    const results = [result(1, 1, 1, { custom2: club, custom3: team }), result(1, 2, 2, { custom2: club }), result(1, 3, 3)];
    const { entries, summary } = computeStandings({ scale: F1, board: board({ type: 'GROUP', groupBy: ['custom3', 'custom2'] }), events: [event(1)], results });
    expect(entries.map((e) => [e.key, e.points])).toEqual([['c:20:Elite', 25], ['c:10:Elite', 18]]);
    expect(summary.ignored['no group']).toBe(1);
  });

  it('TOP_SCHOOLS sums a school over all categories', () => {
    const s = { id: 1, name: 'Hillside' };
    const results = [result(1, 1, 1, { category: 'A', custom1: s }), result(1, 2, 2, { category: 'B', custom1: s })];
    const { entries } = computeStandings({ scale: F1, board: board({ type: 'TOP_SCHOOLS', categories: [{ code: 'A', multiplier: 1 }, { code: 'B', multiplier: 1 }] }), events: [event(1)], results });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ key: 'c:1', points: 43, category: null });
  });

  it('minimum events: unranked at the end, or excluded', () => {
    const results = [result(1, 1, 1), result(2, 1, 1), result(1, 2, 2)];
    const events = [event(1), event(2)];
    const unranked = computeStandings({ scale: F1, board: board({ minEvents: 2 }), events, results }).entries;
    expect(unranked.map((e) => [e.name, e.position])).toEqual([['Rider 1', 1], ['Rider 2', null]]);
    const excluded = computeStandings({ scale: F1, board: board({ minEvents: 2, belowMinEvents: 'EXCLUDE' }), events, results }).entries;
    expect(excluded.map((e) => e.name)).toEqual(['Rider 1']);
  });

  it('event scope: starred or listed events only', () => {
    const events = [event(1, { starred: true }), event(2)];
    const results = [result(1, 1, 1), result(2, 1, 1)];
    expect(computeStandings({ scale: F1, board: board({ eventScope: 'STARRED' }), events, results }).entries[0].points).toBe(25);
    const listed = computeStandings({ scale: F1, board: board({ eventScope: 'LISTED', eventIds: [2] }), events, results });
    expect(listed.entries[0].breakdown.counted.map((l) => l.eventId)).toEqual([2]);
    expect(listed.summary.ignored['event out of scope']).toBe(1);
  });

  describe('bad data and impossible configuration throw a ScoringError naming the culprit', () => {
    const cases: [string, () => unknown, RegExp][] = [
      ['a zero place', () => computeStandings({ scale: F1, board: board(), events: [event(1)], results: [result(1, 1, 0)] }), /result \d+ .*place 0/],
      ['a placed DNF', () => computeStandings({ scale: F1, board: board(), events: [event(1)], results: [result(1, 1, 2, { status: 'DNF' })] }), /DNF result cannot have a place/],
      ['an unknown status', () => computeStandings({ scale: F1, board: board(), events: [event(1)], results: [result(1, 1, null, { status: 'XYZ' as Status })] }), /unknown status "XYZ"/],
      ['a non-finite multiplier', () => computeStandings({ scale: F1, board: board(), events: [event(1, { pointsMultiplier: NaN })], results: [] }), /points multiplier NaN/],
      ['countingRiders 0', () => computeStandings({ scale: F1, board: board({ type: 'SCHOOL', countingRiders: 0 }), events: [], results: [] }), /countingRiders/],
      ['bestOf 0', () => computeStandings({ scale: F1, board: board({ bestOf: 0 }), events: [], results: [] }), /bestOf/],
      ['an empty table', () => computeStandings({ scale: { kind: 'TABLE', table: [] }, board: board(), events: [], results: [] }), /table/],
      ['a non-finite table value', () => computeStandings({ scale: { kind: 'TABLE', table: [10, Infinity] }, board: board(), events: [], results: [] }), /table\[1\]/],
      ['a rider id beyond 32 bits', () => computeStandings({ scale: F1, board: board(), events: [event(1)], results: [result(1, 2 ** 40, 1)] }), /participant id 1099511627776 is not a 32-bit/],
      ['a packed status code out of range', () => packed([7, 1, -1, -1, -1, 0, 99, -1]), /result 7 \(Rider 1, event 1, Elite\): unknown status code 99/],
      ['a packed placed DNS', () => packed([7, 1, -1, -1, -1, 3, 2, -1]), /result 7 .*a DNS result cannot have a place/],
      ['a packed race cut mid-result', () => packed([7, 1, -1]), /3 ints is not whole results/],
    ];
    /** One race as a loader hands it over (see PACKED). */
    function packed(ints: number[]) {
      return computeStandingsTable({
        scale: F1, board: board(), events: [event(1)], races: [{ eventId: 1, category: 'Elite', results: Int32Array.from(ints) }],
        participantNames: new Map([[1, 'Rider 1']]), customValues: new Map(),
      });
    }
    it.each(cases)('%s', (_, run, message) => {
      expect(run).toThrow(ScoringError);
      expect(run).toThrow(message);
    });
  });
});
