/**
 * Issue 15's series rules, hand-checked: Appendix A discards and tie-breaks (RRS A2.1, A8.1,
 * A8.2), time-based scales (TIME, PERCENT_OF_WINNER) and participation points. Every expected
 * figure is worked out in the comments (and, for the sailing series, in docs/scoring.md).
 */
import { computeStandings, computeStandingsTable, ScoringError } from '.';
import { EventInput, LeaderboardConfig, PointsScaleConfig, RaceResultInput, Status } from './types';

const LOW_POINT: PointsScaleConfig = { kind: 'TABLE', table: [1], lowPoint: true };
const board = (over: Partial<LeaderboardConfig> = {}): LeaderboardConfig => ({
  type: 'INDIVIDUAL', categories: [{ code: 'ILCA', multiplier: 1 }], eventScope: 'ALL', tieBreaks: ['RRS_A8_1', 'RRS_A8_2'], ...over,
});
const event = (id: number, over: Partial<EventInput> = {}): EventInput => ({ id, name: `Race ${id}`, date: `2026-05-${String(id).padStart(2, '0')}`, starred: false, pointsMultiplier: 1, ...over });

let nextId = 1;
function result(eventId: number, participantId: number, position: number | null, over: Partial<RaceResultInput> = {}): RaceResultInput {
  return {
    id: nextId++, eventId, category: 'ILCA', participantId, participantName: `Boat ${String.fromCharCode(64 + participantId)}`,
    custom1: null, custom2: null, custom3: null, position, status: (position === null ? 'DNF' : 'FIN') as Status, ...over,
  };
}

/** Races from each boat's places: places[b][r] is boat b + 1's place in race r + 1. */
function series(places: number[][]): { events: EventInput[]; results: RaceResultInput[] } {
  const races = places[0].length;
  const events = Array.from({ length: races }, (_, r) => event(r + 1));
  const results = places.flatMap((boat, b) => boat.map((place, r) => result(r + 1, b + 1, place)));
  return { events, results };
}

const table = (entries: { name: string; points: number; position: number | null }[]) => entries.map((e) => [e.name, e.points, e.position]);

describe('Appendix A: discards by races completed (A2.1)', () => {
  // Boat A's places; boat B takes the other place of two in each race.
  const placesA = [3, 1, 3, 2, 1, 2, 1, 2];
  const run = (races: number, schedule: number[]) => {
    const a = placesA.slice(0, races);
    return computeStandings({ scale: LOW_POINT, board: board({ discardSchedule: schedule }), ...series([a, a.map((p) => (p === 1 ? 2 : 1))]) });
  };

  it('no discard before the first threshold, one from 4 races completed, two from 8', () => {
    // 3 races: A scores 3 + 1 + 3 = 7, nothing dropped.
    expect(run(3, [4, 8]).entries.find((e) => e.name === 'Boat A')!.breakdown.dropped).toEqual([]);
    // 4 races: 3 + 1 + 3 + 2 = 9, one discard: a 3.
    const four = run(4, [4, 8]).entries.find((e) => e.name === 'Boat A')!;
    expect([four.points, four.breakdown.dropped.map((l) => l.eventId)]).toEqual([6, [1]]);
    // 8 races: 15 in all, two discards: both 3s → 9.
    const eight = run(8, [4, 8]).entries.find((e) => e.name === 'Boat A')!;
    expect([eight.points, eight.breakdown.dropped.map((l) => l.eventId)]).toEqual([9, [1, 3]]);
  });

  it('equal worst scores: the race sailed earliest is excluded (race 1, not race 3)', () => {
    const four = run(4, [4]).entries.find((e) => e.name === 'Boat A')!;
    expect(four.breakdown.dropped.map((l) => [l.eventId, l.points])).toEqual([[1, 3]]);
    expect(four.breakdown.counted.map((l) => l.eventId)).toEqual([2, 3, 4]);
  });

  it('a schedule whose thresholds are not increasing, or beside dropWorst, is refused naming discardSchedule', () => {
    const bad = (over: Partial<LeaderboardConfig>) => () => computeStandings({ scale: LOW_POINT, board: board(over), events: [], results: [] });
    expect(bad({ discardSchedule: [8, 4] })).toThrow(/discardSchedule must be increasing: 8 then 4/);
    expect(bad({ discardSchedule: [4, 4] })).toThrow(/increasing/);
    expect(bad({ discardSchedule: [0] })).toThrow(/discardSchedule\[0\] must be a whole number ≥ 1/);
    expect(bad({ discardSchedule: [4], dropWorst: 1 })).toThrow(/dropWorst or discardSchedule, not both/);
    expect(bad({ discardSchedule: [3, 2] })).toThrow(expect.objectContaining({ code: 'INVALID_BOARD', path: 'discardSchedule' }) as unknown as ScoringError);
  });
});

describe('Appendix A: ties (A8.1, A8.2)', () => {
  /**
   * Six races, one discard (after 4). Boats A and B tie on 15 after discards and their counted
   * scores, best to worst, are both 1, 2, 3, 4, 5 (A8.1 cannot separate them). A8.2: the last
   * race, discards included: A was 7th, B 6th, so B ranks ahead. (MOST_RECENT, counted scores
   * only, would look at race 5 instead — A 4th, B 5th — and put A ahead.) C and D tie on 13 and
   * A8.1 separates them: C's scores best to worst are 1, 1, 2, 4, 5, D's 1, 2, 2, 3, 5: C has
   * the better second score.
   */
  const places = [
    [1, 3, 2, 5, 4, 7], // A: 22 − 7 = 15
    [2, 1, 4, 3, 5, 6], // B: 21 − 6 = 15
    [4, 2, 1, 1, 6, 5], // C: 19 − 6 = 13
    [3, 6, 5, 2, 1, 2], // D: 19 − 6 = 13
    [5, 4, 3, 4, 2, 1], // E: 19 − 5 = 14
    [6, 5, 6, 6, 3, 3], // F: 29 − 6 (race 1, the earliest 6) = 23
    [7, 7, 7, 7, 7, 4], // G: 39 − 7 = 32
  ];

  it('ranks by A8.1 then A8.2 and says which rule decided', () => {
    const { entries } = computeStandings({ scale: LOW_POINT, board: board({ discardSchedule: [4] }), ...series(places) });
    expect(table(entries)).toEqual([
      ['Boat C', 13, 1], ['Boat D', 13, 2], ['Boat E', 14, 3], ['Boat B', 15, 4], ['Boat A', 15, 5], ['Boat F', 23, 6], ['Boat G', 32, 7],
    ]);
    expect(entries[1].breakdown.tieBreak).toBe('RRS_A8_1: better 2nd-best race (1 vs 2)');
    expect(entries[4].breakdown.tieBreak).toBe('RRS_A8_2: 6 vs 7 on 2026-05-06');
    expect(['Boat F', 'Boat G'].map((name) => entries.find((e) => e.name === name)!.breakdown.dropped.map((l) => l.eventId))).toEqual([[1], [1]]);
  });

  it('MOST_RECENT reads counted scores only: the same tie goes the other way', () => {
    const { entries } = computeStandings({ scale: LOW_POINT, board: board({ discardSchedule: [4], tieBreaks: ['RRS_A8_1', 'MOST_RECENT'] }), ...series(places) });
    expect(entries.slice(3, 5).map((e) => e.name)).toEqual(['Boat A', 'Boat B']);
    expect(entries[4].breakdown.tieBreak).toBe('MOST_RECENT: 4 vs 5 on 2026-05-05');
  });

  it('A8.1 alone leaves A and B sharing fourth', () => {
    const { entries } = computeStandings({ scale: LOW_POINT, board: board({ discardSchedule: [4], tieBreaks: ['RRS_A8_1'] }), ...series(places) });
    expect(entries.slice(3, 5).map((e) => e.position)).toEqual([4, 4]);
  });
});

describe('TIME scales: total elapsed time, lowest first', () => {
  const TIME: PointsScaleConfig = { kind: 'TIME' };
  const h = (hours: number, minutes = 0, seconds = 0) => ((hours * 60 + minutes) * 60 + seconds) * 1000;
  /**
   * A SeriesMgr-style three-race XC series (times in ms): Ann 1:00:00 + 1:02:00 + 0:59:30 =
   * 3:01:30 (10 890 s); Bo 1:01:00 + 1:00:30 + 1:00:00 = 3:01:30 too, tied: the most recent
   * race decides (Ann 0:59:30 beats Bo 1:00:00). Cy is fastest in races 1 and 2 but DNF in
   * race 3: no time there, so with a time required in every race Cy is unranked. Dee has no
   * time in race 2 (a finisher whose time was not taken).
   */
  function xc() {
    const events = [event(1), event(2), event(3)];
    const results = [
      result(1, 1, 2, { timeMs: h(1) }), result(1, 2, 3, { timeMs: h(1, 1) }), result(1, 3, 1, { timeMs: h(0, 58) }), result(1, 4, 4, { timeMs: h(1, 5) }),
      result(2, 1, 3, { timeMs: h(1, 2) }), result(2, 2, 2, { timeMs: h(1, 0, 30) }), result(2, 3, 1, { timeMs: h(0, 59) }), result(2, 4, 4),
      result(3, 1, 1, { timeMs: h(0, 59, 30) }), result(3, 2, 2, { timeMs: h(1) }), result(3, 3, null), result(3, 4, 3, { timeMs: h(1, 4) }),
    ];
    return { events, results };
  }

  it('sums the times, breaks an equal total on the most recent race, and leaves riders without every time unranked', () => {
    const { entries, summary } = computeStandings({ scale: TIME, board: board({ tieBreaks: ['COUNTBACK'] }), ...xc() });
    // Points are seconds: 3:01:30 = 10 890 s. Cy: 0:58 + 0:59 = 7 020 s; Dee: 1:05 + 1:04 = 7 740 s.
    expect(table(entries)).toEqual([['Boat A', 10890, 1], ['Boat B', 10890, 2], ['Boat C', 7020, null], ['Boat D', 7740, null]]);
    // The board's COUNTBACK is not read on a TIME scale: the last race's time decides (0:59:30 vs 1:00:00).
    expect(entries[1].breakdown.tieBreak).toBe('MOST_RECENT: 3570 vs 3600 on 2026-05-03');
    expect(summary.ignored['no time']).toBe(2);
    expect(entries[0].breakdown.counted.map((l) => l.points)).toEqual([3600, 3720, 3570]);
  });

  it('with minEvents, a rider with a time in that many races is ranked', () => {
    const { entries } = computeStandings({ scale: TIME, board: board({ minEvents: 2 }), ...xc() });
    expect(table(entries)).toEqual([['Boat C', 7020, 1], ['Boat D', 7740, 2], ['Boat A', 10890, 3], ['Boat B', 10890, 4]]);
  });

  it('a team board sums its fastest riders\' times', () => {
    const { events, results } = xc();
    const school = { id: 9, name: 'Hillside' };
    const { entries } = computeStandings({
      scale: TIME, board: board({ type: 'TOP_SCHOOLS', countingRiders: 2, minEvents: 1 }), events, results: results.map((r) => ({ ...r, custom1: school })),
    });
    // Race 1: 0:58 + 1:00; race 2: 0:59 + 1:00:30; race 3: 0:59:30 + 1:00 → 21 150 s.
    expect(table(entries)).toEqual([['Hillside', 3480 + 3600 + 3540 + 3630 + 3570 + 3600, 1]]);
  });
});

describe('PERCENT_OF_WINNER and participation points', () => {
  const race = () => [
    result(1, 1, 1, { timeMs: 3_600_000 }), // 100
    result(1, 2, 2, { timeMs: 3_780_000 }), // 3600 / 3780 × 100 = 95.238…
    result(1, 3, 3, { timeMs: 5_400_000 }), // 66.666…
    result(1, 4, null, { status: 'DNF' }), // 0
    result(1, 5, null, { status: 'DNS' }), // 0, and no participation points
  ];
  const points = (scale: PointsScaleConfig) => Object.fromEntries(computeStandings({ scale, board: board(), events: [event(1)], results: race() }).entries.map((e) => [e.name, e.points]));

  it("scores the winner's time over the rider's × 100, to the stated precision", () => {
    expect(points({ kind: 'PERCENT_OF_WINNER' })).toEqual({ 'Boat A': 100, 'Boat B': 95.24, 'Boat C': 66.67, 'Boat D': 0, 'Boat E': 0 });
    expect(points({ kind: 'PERCENT_OF_WINNER', precision: 0 })).toEqual({ 'Boat A': 100, 'Boat B': 95, 'Boat C': 67, 'Boat D': 0, 'Boat E': 0 });
    expect(points({ kind: 'PERCENT_OF_WINNER', precision: 1 })).toEqual({ 'Boat A': 100, 'Boat B': 95.2, 'Boat C': 66.7, 'Boat D': 0, 'Boat E': 0 });
  });

  it('adds participation points for every race started, DNF included, DNS not', () => {
    expect(points({ kind: 'PERCENT_OF_WINNER', precision: 1, participationPoints: 2 })).toEqual({ 'Boat A': 102, 'Boat B': 97.2, 'Boat C': 68.7, 'Boat D': 2, 'Boat E': 0 });
    // On a place scale, after the event's multiplier: a double-points race gives 2 × 25 + 1.
    const { entries } = computeStandings({
      scale: { kind: 'TABLE', table: [25, 18, 15], participationPoints: 1 }, board: board(), events: [event(1, { pointsMultiplier: 2 })], results: race(),
    });
    expect(Object.fromEntries(entries.map((e) => [e.name, e.points]))).toEqual({ 'Boat A': 51, 'Boat B': 37, 'Boat C': 31, 'Boat D': 1, 'Boat E': 0 });
  });

  it('refuses settings that make no sense, naming them', () => {
    const bad = (scale: PointsScaleConfig) => () => computeStandings({ scale, board: board(), events: [], results: [] });
    expect(bad({ kind: 'PERCENT_OF_WINNER', precision: 4 })).toThrow(/precision must be a whole number of decimals from 0 to 3/);
    expect(bad({ kind: 'PERCENT_OF_WINNER', lowPoint: true })).toThrow(/high-point/);
    expect(bad({ kind: 'TABLE', table: [1], lowPoint: true, participationPoints: 1 })).toThrow(/not on a low-point or TIME scale/);
    expect(bad({ kind: 'TIME', participationPoints: 1 })).toThrow(/not on a low-point or TIME scale/);
    expect(bad({ kind: 'LINEAR', first: 10, step: 1, participationPoints: -1 })).toThrow(/participationPoints must be a finite number ≥ 0/);
  });

  it('refuses a time that is not whole milliseconds', () => {
    expect(() => computeStandings({ scale: { kind: 'TIME' }, board: board(), events: [event(1)], results: [result(1, 1, 1, { timeMs: 1.5 })] }))
      .toThrow(/time 1.5 is not a whole number of milliseconds/);
  });

  it('refuses a packed race whose time slot is below "none" (-1), naming the result', () => {
    // id, participant, custom1..3, place, status (FIN), time
    const race = { eventId: 1, category: 'ILCA', results: Int32Array.from([7, 1, -1, -1, -1, 1, 0, -5]) };
    const run = () => computeStandingsTable({ scale: { kind: 'TIME' }, board: board(), events: [event(1)], races: [race], participantNames: new Map([[1, 'Boat A']]), customValues: new Map() });
    expect(run).toThrow(/result 7 \(Boat A, event 1, ILCA\): time -5 is not a whole number of milliseconds/);
  });
});
