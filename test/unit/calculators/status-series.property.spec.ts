/**
 * Issue 15's two parts together against the brute-force oracle (fast-check): status codes and
 * missed races (part A) on boards with a discard schedule and the RRS A8 tie-breaks, and on
 * time-based scales with participation points (part B). Each part has its own properties
 * (status-codes.property.spec.ts, series-rules.property.spec.ts); these are the seasons where
 * both apply at once: a sailing series of Appendix A codes, DNC for missed races, discards by
 * races completed and A8 ties; a percent-of-winner series with codes, participation and
 * missed races; a TIME series where a missed race gets no line.
 */
import fc from 'fast-check';
import { computeStandings, computeStandingsTable } from '../../../src/calculators';
import { toPackedInput } from '../../../src/calculators/packed';
import type { CodeRule, ComputeInput, EventInput, PointsScaleConfig, RaceResultInput, Status, StatusCodeRules, TieBreak } from '../../../src/calculators/types';
import { oracle, rrsCompare } from './oracle';

/** Unplaced codes that may be discarded by default (DNE and DGM may not: A8.1 then reads other discards). */
const DISCARDABLE: Status[] = ['DNF', 'DNS', 'DSQ', 'DNC', 'OCS', 'UFD', 'BFD', 'NSC', 'RET', 'RAF', 'RDG'];
const KEPT: Status[] = ['DNE', 'DGM'];
const PENALISED: Status[] = ['ZFP', 'SCP', 'DPI'];

/** Appendix A's defaults, or a few codes changed (counts, fixed points, penalties). */
const codesArb: fc.Arbitrary<StatusCodeRules> = fc.oneof(
  fc.constant({}),
  fc.record({
    DNF: fc.option(fc.constantFrom<CodeRule>({ base: 'STARTERS', plus: 1 }, { base: 'FINISHERS', plus: 2 }, 5), { nil: undefined }),
    SCP: fc.option(fc.constantFrom<CodeRule>({ penaltyPercent: 30 }, { penaltyPoints: 2 }), { nil: undefined }),
    RDG: fc.option(fc.constantFrom<CodeRule>({ redress: 'AVERAGE' }, 3), { nil: undefined }),
  }, { requiredKeys: [] }).map((codes) => Object.fromEntries(Object.entries(codes).filter(([, rule]) => rule !== undefined)) as StatusCodeRules),
);

/**
 * Sailing fleets: every race a random order of some of the boats (the others missed it), a few
 * boats with a code instead of a place (a placed penalty code keeps its place), low point with
 * Appendix A codes, `missed: "DNC"`, a discard schedule and the A8 tie-breaks.
 */
function fleetArb(codesAllowed: Status[]): fc.Arbitrary<ComputeInput> {
  return fc
    .integer({ min: 2, max: 6 })
    .chain((boats) => fc.record({
      races: fc.array(
        fc.record({
          sailed: fc.shuffledSubarray(Array.from({ length: boats }, (_, b) => b + 1), { minLength: 1, maxLength: boats }),
          coded: fc.dictionary(fc.integer({ min: 1, max: boats }).map(String), fc.constantFrom(...codesAllowed, ...PENALISED), { maxKeys: 2 }),
        }),
        { minLength: 1, maxLength: 6 },
      ),
      codes: codesArb,
      schedule: fc.option(fc.uniqueArray(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 3 }).map((s) => s.sort((a, b) => a - b)), { nil: null }),
      tieBreaks: fc.constantFrom<TieBreak[]>(['RRS_A8_1', 'RRS_A8_2'], ['RRS_A8_1'], ['RRS_A8_2'], ['RRS_A8_2', 'RRS_A8_1']),
      missed: fc.constantFrom('DNC' as const, 'DNC' as const, 'NONE' as const),
    }))
    .map(({ races, codes, schedule, tieBreaks, missed }): ComputeInput => {
      const events: EventInput[] = races.map((_, r) => ({ id: r + 1, name: `R${r + 1}`, date: `2026-06-${String(r + 1).padStart(2, '0')}`, starred: false, pointsMultiplier: 1 }));
      let id = 0;
      const results: RaceResultInput[] = races.flatMap(({ sailed, coded }, r) => sailed.map((boat, k): RaceResultInput => {
        const status = coded[String(boat)] ?? 'FIN';
        const placed = status === 'FIN' || PENALISED.includes(status);
        return {
          id: ++id, eventId: r + 1, category: 'A', participantId: boat, participantName: `Boat ${boat}`, custom1: null, custom2: null, custom3: null,
          position: placed ? k + 1 : null, status,
        };
      }));
      const scale: PointsScaleConfig = { kind: 'TABLE', table: [1], lowPoint: true, codes };
      return { scale, board: { type: 'INDIVIDUAL', categories: [{ code: 'A', multiplier: 1 }], eventScope: 'ALL', discardSchedule: schedule, tieBreaks, missed }, events, results };
    });
}

/**
 * Time series with codes: PERCENT_OF_WINNER (codes scored as fixed points, participation points)
 * or TIME, two categories, riders missing events, `missed: "DNC"` or not, discards and minEvents.
 */
const timedArb: fc.Arbitrary<ComputeInput> = fc
  .record({
    scale: fc.oneof(
      fc.constant<PointsScaleConfig>({ kind: 'TIME' }),
      fc.record({
        kind: fc.constant('PERCENT_OF_WINNER' as const),
        precision: fc.integer({ min: 0, max: 3 }),
        participationPoints: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
        codes: fc.constantFrom<StatusCodeRules | undefined>(undefined, {}, { DNF: 10, DNC: 0, RET: 5 }, { DNF: { base: 'FINISHERS', plus: 0 }, RDG: { redress: 'AVERAGE' } }),
      }, { requiredKeys: ['kind', 'precision'] }),
    ),
    eventCount: fc.integer({ min: 1, max: 5 }),
    schedule: fc.option(fc.uniqueArray(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 2 }).map((s) => s.sort((a, b) => a - b)), { nil: null }),
    minEvents: fc.option(fc.integer({ min: 0, max: 3 }), { nil: null }),
    missed: fc.constantFrom('DNC' as const, 'NONE' as const),
    fields: fc.array(
      fc.uniqueArray(
        fc.record({
          category: fc.constantFrom('A', 'B'),
          rider: fc.integer({ min: 1, max: 6 }),
          status: fc.constantFrom<Status>('FIN', 'FIN', 'FIN', 'DNF', 'DNS', 'DNC', 'RET', 'RDG', 'ZFP'),
          timeMs: fc.option(fc.integer({ min: 0, max: 9 }).map((t) => 1000 * t + 250), { nil: null, freq: 6 }),
        }),
        { selector: (r) => r.rider, maxLength: 6 },
      ),
      { minLength: 5, maxLength: 5 },
    ),
  })
  .map((g): ComputeInput => {
    const events: EventInput[] = Array.from({ length: g.eventCount }, (_, i) => ({
      id: i + 1, name: `E${i + 1}`, date: `2026-04-0${i + 1}`, starred: true, pointsMultiplier: i === g.eventCount - 1 ? 2 : 1,
    }));
    let id = 0;
    const results = events.flatMap((event, e) => g.fields[e].map((r): RaceResultInput => ({
      id: ++id, eventId: event.id, category: r.category, participantId: r.rider, participantName: `R${r.rider}`, custom1: null, custom2: null, custom3: null,
      // Places are not read by time scales; a placed code (FIN, ZFP) takes one so the result is valid.
      position: r.status === 'FIN' || r.status === 'ZFP' ? r.rider : null, status: r.status, timeMs: r.timeMs,
    })));
    return {
      scale: g.scale,
      board: {
        type: 'INDIVIDUAL', categories: [{ code: 'A', multiplier: 1 }, { code: 'B', multiplier: 1.5 }], eventScope: 'ALL',
        discardSchedule: g.schedule, minEvents: g.minEvents, missed: g.missed, tieBreaks: ['RRS_A8_1', 'RRS_A8_2'],
      },
      events,
      results,
    };
  });

const RUNS = { numRuns: 400 };
const points = (input: ComputeInput) => new Map(computeStandings(input).entries.map((e) => [e.key, Math.round(e.points * 1000)]));

describe('status codes and missed races with discard schedules, A8 ties and time scales (fast-check)', () => {
  it('gives every boat the points the oracle gives, and ranks exactly the riders with enough events raced', () => {
    fc.assert(
      fc.property(fc.oneof(fleetArb([...DISCARDABLE, ...KEPT]), timedArb), (input) => {
        const { entries } = computeStandings(input);
        const { totals, ranked } = oracle(input);
        expect(points(input)).toEqual(totals);
        expect(new Map(entries.map((e) => [e.key, e.position !== null]))).toEqual(ranked);
      }),
      RUNS,
    );
  });

  it('breaks equal totals as RRS A8.1 / A8.2 say, DNC scores for missed races included', () => {
    fc.assert(
      fc.property(fleetArb(DISCARDABLE), (input) => {
        const { entries } = computeStandings(input);
        const { perEvent, completed } = oracle(input);
        const drops = input.board.discardSchedule?.length ? input.board.discardSchedule.filter((n) => n <= completed).length : 0;
        for (let i = 1; i < entries.length; i++) {
          const [above, here] = [entries[i - 1], entries[i]];
          if (above.points !== here.points) continue;
          const decided = rrsCompare(input, perEvent.get(above.key)!, perEvent.get(here.key)!, drops, input.board.tieBreaks as ('RRS_A8_1' | 'RRS_A8_2')[]);
          expect(decided).toBeLessThanOrEqual(0);
          expect(here.position === above.position).toBe(decided === 0);
        }
      }),
      RUNS,
    );
  });

  it('with missed: "DNC" every boat has a line in every race held, except on TIME scales, which have none for a missed race', () => {
    fc.assert(
      fc.property(fc.oneof(fleetArb([...DISCARDABLE, ...KEPT]), timedArb).filter((i) => i.board.missed === 'DNC'), (input) => {
        const held = new Set(input.results.map((r) => r.eventId));
        for (const e of computeStandings(input).entries) {
          const lines = [...e.breakdown.counted, ...e.breakdown.dropped];
          if (input.scale.kind === 'TIME') expect(lines.every((l) => l.status === 'FIN')).toBe(true);
          else expect(new Set(lines.map((l) => l.eventId))).toEqual(held);
        }
      }),
      RUNS,
    );
  });

  it('the packed computation gives the same standings', () => {
    fc.assert(
      fc.property(fc.oneof(fleetArb([...DISCARDABLE, ...KEPT]), timedArb), (input) => {
        const table = computeStandingsTable(toPackedInput(input));
        expect(computeStandings(input).entries).toEqual(table.entries.map((head, i) => ({ ...head, breakdown: table.breakdown(i) })));
      }),
      RUNS,
    );
  });
});
