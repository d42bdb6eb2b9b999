/**
 * Issue 15's series rules against the brute-force oracle (fast-check): time-based scales
 * (TIME, PERCENT_OF_WINNER), participation points, the Appendix A discard schedule and the
 * RRS A8.1 / A8.2 tie-breaks, on small random seasons with times, ties and non-finishers.
 */
import fc from 'fast-check';
import { computeStandings, computeStandingsTable } from '../../../src/calculators';
import { toPackedInput } from '../../../src/calculators/packed';
import type { ComputeInput, EventInput, LeaderboardConfig, PointsScaleConfig, RaceResultInput, Status, TieBreak } from '../../../src/calculators/types';
import { lowerWins, oracle, rrsCompare } from './oracle';

const scaleArb: fc.Arbitrary<PointsScaleConfig> = fc.oneof(
  fc.constant({ kind: 'TIME' as const }),
  fc.record({
    kind: fc.constant('PERCENT_OF_WINNER' as const),
    precision: fc.integer({ min: 0, max: 3 }),
    participationPoints: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
  }),
  fc.record({ kind: fc.constant('TABLE' as const), table: fc.constant([10, 6, 4, 3, 2, 1] as number[]), participationPoints: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ kind: fc.constant('TABLE' as const), table: fc.constant([1] as number[]), lowPoint: fc.constant(true) }),
);

/** Up to 6 events (two on one date), 2 categories, up to 7 riders, times from a small range (so they tie), missing times and non-finishers. */
const inputArb: fc.Arbitrary<ComputeInput> = fc
  .record({
    scale: scaleArb,
    eventCount: fc.integer({ min: 1, max: 6 }),
    multipliers: fc.array(fc.constantFrom(1, 1, 2, 0.5), { minLength: 6, maxLength: 6 }),
    schedule: fc.option(fc.uniqueArray(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 3 }).map((s) => s.sort((a, b) => a - b)), { nil: null }),
    dropWorst: fc.option(fc.integer({ min: 0, max: 2 }), { nil: null }),
    minEvents: fc.option(fc.integer({ min: 0, max: 3 }), { nil: null }),
    tieBreaks: fc.constantFrom<TieBreak[]>(['RRS_A8_1', 'RRS_A8_2'], ['RRS_A8_1'], ['RRS_A8_2'], ['RRS_A8_2', 'RRS_A8_1'], ['RRS_A8_1', 'MOST_RECENT']),
    catMultiplier: fc.constantFrom(1, 1.5),
    // Per event, each rider at most once (a rider races one category per event).
    fields: fc.array(
      fc.uniqueArray(
        fc.record({
          category: fc.constantFrom('A', 'B'),
          rider: fc.integer({ min: 1, max: 7 }),
          place: fc.option(fc.integer({ min: 1, max: 8 }), { nil: null, freq: 5 }),
          status: fc.constantFrom<Status>('DNF', 'DNS', 'DSQ'),
          timeMs: fc.option(fc.integer({ min: 0, max: 12 }).map((t) => 1000 * t + 500), { nil: null, freq: 6 }),
        }),
        { selector: (r) => r.rider, maxLength: 7 },
      ),
      { minLength: 6, maxLength: 6 },
    ),
  })
  .map((g) => {
    const events: EventInput[] = Array.from({ length: g.eventCount }, (_, i) => ({
      // Two events share a date: the season's order is then by id.
      id: i + 1, name: `E${i + 1}`, date: `2026-03-${String(10 + Math.min(i, 4)).padStart(2, '0')}`, starred: true, pointsMultiplier: g.multipliers[i],
    }));
    let id = 0;
    const results = events.flatMap((event, e) => g.fields[e].map((r): RaceResultInput => ({
      id: ++id, eventId: event.id, category: r.category, participantId: r.rider, participantName: `R${r.rider}`,
      custom1: null, custom2: null, custom3: null, position: r.place, status: r.place === null ? r.status : 'FIN', timeMs: r.timeMs,
    })));
    const board: LeaderboardConfig = {
      type: 'INDIVIDUAL',
      categories: [{ code: 'A', multiplier: 1 }, { code: 'B', multiplier: g.catMultiplier }],
      eventScope: 'ALL',
      discardSchedule: g.schedule,
      dropWorst: g.schedule ? null : g.dropWorst,
      minEvents: g.minEvents,
      tieBreaks: g.tieBreaks,
    };
    return { scale: g.scale, board, events, results };
  });

/**
 * Sailing-like fleets, where equal totals are common: every boat has a place in every race
 * (a random order, the occasional DNF), low point or a high-point table, a random discard schedule.
 */
const fleetArb: fc.Arbitrary<ComputeInput> = fc
  .integer({ min: 2, max: 6 })
  .chain((boats) => fc.record({
    boats: fc.constant(boats),
    races: fc.array(fc.record({ order: fc.shuffledSubarray(Array.from({ length: boats }, (_, b) => b + 1), { minLength: boats, maxLength: boats }), dnf: fc.option(fc.integer({ min: 1, max: boats }), { nil: null, freq: 3 }) }), { minLength: 1, maxLength: 7 }),
    schedule: fc.option(fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 3 }).map((s) => s.sort((a, b) => a - b)), { nil: null }),
    tieBreaks: fc.constantFrom<TieBreak[]>(['RRS_A8_1', 'RRS_A8_2'], ['RRS_A8_1'], ['RRS_A8_2'], ['RRS_A8_2', 'RRS_A8_1']),
    table: fc.constantFrom<PointsScaleConfig>({ kind: 'TABLE', table: [1], lowPoint: true }, { kind: 'TABLE', table: [10, 6, 4, 3, 2, 1] }),
  }))
  .map(({ races, schedule, tieBreaks, table }) => {
    const events: EventInput[] = races.map((_, r) => ({ id: r + 1, name: `R${r + 1}`, date: `2026-06-${String(r + 1).padStart(2, '0')}`, starred: false, pointsMultiplier: 1 }));
    let id = 0;
    const results: RaceResultInput[] = races.flatMap(({ order, dnf }, r) => order.map((boat, k): RaceResultInput => ({
      id: ++id, eventId: r + 1, category: 'A', participantId: boat, participantName: `Boat ${boat}`, custom1: null, custom2: null, custom3: null,
      position: boat === dnf ? null : k + 1, status: boat === dnf ? 'DNF' : 'FIN',
    })));
    return { scale: table, board: { type: 'INDIVIDUAL', categories: [{ code: 'A', multiplier: 1 }], eventScope: 'ALL', discardSchedule: schedule, tieBreaks }, events, results };
  });

const RUNS = { numRuns: 400 };

describe('series rules against the brute-force oracle (fast-check)', () => {
  it('gives every rider the points the oracle gives, and ranks exactly the riders with enough scored events', () => {
    fc.assert(
      fc.property(fc.oneof(inputArb, fleetArb), (input) => {
        const { entries } = computeStandings(input);
        const { totals, ranked } = oracle(input);
        expect(new Map(entries.map((e) => [e.key, Math.round(e.points * 1000)]))).toEqual(totals);
        expect(new Map(entries.map((e) => [e.key, e.position !== null]))).toEqual(ranked);
      }),
      RUNS,
    );
  });

  it('orders ranked entries by points (lowest first on low-point and TIME scales), unranked after', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const { entries } = computeStandings(input);
        for (let i = 1; i < entries.length; i++) {
          const [above, here] = [entries[i - 1], entries[i]];
          if (above.position === null) expect(here.position).toBeNull();
          if ((above.position === null) !== (here.position === null)) continue;
          if (lowerWins(input)) expect(above.points).toBeLessThanOrEqual(here.points);
          else expect(above.points).toBeGreaterThanOrEqual(here.points);
        }
      }),
      RUNS,
    );
  });

  it('breaks ties of equal points as RRS A8.1 / A8.2 say, and shares a position exactly where they cannot', () => {
    fc.assert(
      fc.property(fc.oneof(fleetArb, inputArb.filter((i) => i.scale.kind !== 'TIME' && !i.board.tieBreaks!.includes('MOST_RECENT'))), (input) => {
        const { entries } = computeStandings(input);
        const { perEvent, completed } = oracle(input);
        const drops = input.board.discardSchedule?.length ? input.board.discardSchedule.filter((n) => n <= completed).length : input.board.dropWorst ?? 0;
        const rules = input.board.tieBreaks as ('RRS_A8_1' | 'RRS_A8_2')[];
        for (let i = 1; i < entries.length; i++) {
          const [above, here] = [entries[i - 1], entries[i]];
          if (above.points !== here.points || above.position === null || here.position === null) continue;
          const decided = rrsCompare(input, perEvent.get(above.key)!, perEvent.get(here.key)!, drops, rules);
          expect(decided).toBeLessThanOrEqual(0);
          expect(here.position === above.position).toBe(decided === 0);
        }
      }),
      RUNS,
    );
  });

  it('on a TIME scale, equal totals are ordered by the latest race where their times differ', () => {
    fc.assert(
      fc.property(inputArb.filter((i) => i.scale.kind === 'TIME'), (input) => {
        const { entries } = computeStandings(input);
        const { perEvent } = oracle(input);
        for (let i = 1; i < entries.length; i++) {
          const [above, here] = [entries[i - 1], entries[i]];
          if (above.points !== here.points || above.position === null || here.position === null) continue;
          // A TIME total counts every scored race unless discards apply; then MOST_RECENT reads counted races only.
          if (above.breakdown.dropped.length + here.breakdown.dropped.length > 0) continue;
          const decided = rrsCompare(input, perEvent.get(above.key)!, perEvent.get(here.key)!, 0, ['RRS_A8_2']);
          expect(decided).toBeLessThanOrEqual(0);
          expect(here.position === above.position).toBe(decided === 0);
        }
      }),
      RUNS,
    );
  });

  it('the packed computation gives the same standings', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const table = computeStandingsTable(toPackedInput(input));
        expect(computeStandings(input).entries).toEqual(table.entries.map((head, i) => ({ ...head, breakdown: table.breakdown(i) })));
      }),
      RUNS,
    );
  });

  it("an entry's points are the sum of its counted breakdown", () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        for (const e of computeStandings(input).entries) {
          expect(e.breakdown.counted.reduce((acc, line) => acc + Math.round(line.points * 1000), 0)).toBe(Math.round(e.points * 1000));
        }
      }),
      RUNS,
    );
  });
});
