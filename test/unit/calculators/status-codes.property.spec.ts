/**
 * Status codes and missed races against the brute-force oracle (fast-check): seasons whose
 * results carry every code, organiser-defined ones included, on scales that name some codes'
 * rules (bases, fixed points, penalties, redress, discardable) and boards that score missed
 * races as DNC.
 */
import fc from 'fast-check';
import { computeStandings, computeStandingsTable } from '../../../src/calculators';
import { toPackedInput } from '../../../src/calculators/packed';
import type { CodeRule, ComputeInput, EventInput, LeaderboardConfig, PointsScaleConfig, ResultRedress, Status, StatusCodeRules } from '../../../src/calculators/types';
import { oracle } from './oracle';
import { seasonResults } from './seasons';

const UNPLACED: Status[] = ['DNF', 'DNS', 'DSQ', 'DNC', 'OCS', 'UFD', 'BFD', 'NSC', 'RET', 'RAF', 'DNE', 'DGM', 'RDG'];
const PENALISED: Status[] = ['ZFP', 'SCP', 'DPI'];
/** Organiser-defined codes a generated registry may hold (numbers drawn from the registry's range). */
const OWN = ['OTL', 'LAP', 'ABD'];
const registryArb: fc.Arbitrary<Record<string, number> | undefined> = fc.option(
  fc.uniqueArray(fc.integer({ min: 32, max: 254 }), { minLength: OWN.length, maxLength: OWN.length }).map((numbers) => Object.fromEntries(OWN.map((code, i) => [code, numbers[i]]))),
  { nil: undefined },
);

const countRule: fc.Arbitrary<CodeRule> = fc.oneof(
  fc.integer({ min: 0, max: 9 }),
  fc.record({
    base: fc.constantFrom('ZERO' as const, 'STARTERS' as const, 'FINISHERS' as const, 'ENTERED_IN_RACE' as const, 'ENTERED_IN_SERIES' as const),
    plus: fc.integer({ min: 0, max: 2 }),
    discardable: fc.option(fc.boolean(), { nil: undefined }),
  }, { requiredKeys: ['base', 'plus'] }),
);
const penaltyRule: fc.Arbitrary<CodeRule> = fc.oneof(
  fc.record({ penaltyPercent: fc.constantFrom(0, 10, 20, 35, 100) }),
  fc.record({ penaltyPoints: fc.constantFrom(0, 1, 2.5) }),
);
const redressRule: fc.Arbitrary<CodeRule> = fc.oneof(
  fc.record({ redress: fc.constant('AVERAGE' as const) }),
  fc.record({ redress: fc.constant('AVERAGE' as const), eventIds: fc.constantFrom([1], [2, 3], [1, 4]).map((ids) => [...ids]) }),
  fc.integer({ min: 0, max: 5 }),
);

/** Redress given to one RDG result (RRS A9): a stated score to one decimal, the average of listed events or of all. */
const givenRedress: fc.Arbitrary<ResultRedress | null> = fc.option(
  fc.oneof(
    fc.integer({ min: 0, max: 120 }).map((tenths) => ({ points: tenths / 10 })),
    fc.subarray([1, 2, 3, 4], { minLength: 1 }).map((events) => ({ events })),
    fc.constant({ average: true as const }),
  ),
  { nil: null },
);

/** Some codes' rules (the rest default), or none (a scale from before the codes). */
const codesArb: fc.Arbitrary<StatusCodeRules | undefined> = fc.option(
  fc.record({
    counted: fc.dictionary(fc.constantFrom(...UNPLACED.filter((s) => s !== 'RDG')), countRule, { maxKeys: 4 }),
    penalised: fc.dictionary(fc.constantFrom(...PENALISED), penaltyRule, { maxKeys: 2 }),
    rdg: fc.option(redressRule, { nil: undefined }),
  }).map(({ counted, penalised, rdg }) => ({ ...counted, ...penalised, ...(rdg === undefined ? {} : { RDG: rdg }) })),
  { nil: undefined, freq: 4 },
);

const scaleArb: fc.Arbitrary<PointsScaleConfig> = fc.record({
  codes: codesArb,
  low: fc.boolean(),
  table: fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 6 }).map((t) => t.sort((a, b) => b - a)),
  ties: fc.constantFrom('AVERAGE' as const, 'SAME' as const),
  dsqNonDroppable: fc.boolean(),
  registeredCodes: registryArb,
  // Rules for some organiser-defined codes (on a scale with codes and a registry); the others score as DNF.
  own: fc.dictionary(fc.constantFrom(...OWN), countRule, { maxKeys: 2 }),
}).map(({ codes: named, low, table, ties, dsqNonDroppable, registeredCodes, own }): PointsScaleConfig => {
  const codes = named !== undefined && registeredCodes ? { ...named, ...own } : named;
  return low
    ? { kind: 'TABLE', table: [1], lowPoint: true, ties, codes, dsqNonDroppable, registeredCodes }
    : { kind: 'TABLE', table, ties, codes, dsqNonDroppable, registeredCodes };
});

/** Up to 4 events, 2 categories, up to 6 riders; every code, placed penalty codes with a place. */
const inputArb: fc.Arbitrary<ComputeInput> = fc
  .record({
    scale: scaleArb,
    eventCount: fc.integer({ min: 1, max: 4 }),
    multiplier: fc.constantFrom(1, 2, 0.5),
    dropWorst: fc.option(fc.integer({ min: 0, max: 2 }), { nil: null }),
    bestOf: fc.option(fc.integer({ min: 1, max: 4 }), { nil: null }),
    missed: fc.constantFrom('NONE' as const, 'DNC' as const, undefined),
    rows: fc.array(
      fc.record({
        event: fc.integer({ min: 1, max: 4 }),
        category: fc.constantFrom('A', 'B'),
        rider: fc.integer({ min: 1, max: 6 }),
        place: fc.option(fc.integer({ min: 1, max: 6 }), { nil: null, freq: 3 }),
        placedStatus: fc.constantFrom<Status>('FIN', 'FIN', 'FIN', ...PENALISED),
        // RDG more often than the other codes: its redress is the newest rule.
        status: fc.constantFrom<string>(...UNPLACED, 'RDG', 'RDG', ...OWN),
        redress: givenRedress,
      }),
      { maxLength: 30 },
    ),
  })
  .map((g) => {
    const events: EventInput[] = Array.from({ length: g.eventCount }, (_, i) => ({
      id: i + 1, name: `E${i + 1}`, date: `2026-06-0${i + 1}`, starred: true, pointsMultiplier: i === g.eventCount - 1 ? g.multiplier : 1,
    }));
    // Without a registry, the organiser-defined codes are not codes: those rows are DNFs.
    const own = (status: string) => (g.scale.registeredCodes || !OWN.includes(status) ? status : 'DNF');
    const results = seasonResults(g.rows, g.eventCount, (row) => (row.place === null ? own(row.status) : row.placedStatus));
    // Redress per result on RDG results only (the API refuses it elsewhere).
    results.forEach((r) => {
      const redress = g.rows[r.id - 1].redress;
      if (r.status === 'RDG' && redress !== null) r.redress = redress;
    });
    const board: LeaderboardConfig = {
      type: 'INDIVIDUAL', categories: [{ code: 'A', multiplier: 1 }, { code: 'B', multiplier: 1.5 }], eventScope: 'ALL',
      dropWorst: g.dropWorst, bestOf: g.bestOf, missed: g.missed, tieBreaks: ['COUNTBACK', 'MOST_RECENT'],
    };
    return { scale: g.scale, board, events, results };
  });

const RUNS = { numRuns: 400 };

describe('status codes and missed races against the brute-force oracle (fast-check)', () => {
  it('gives every rider the points the oracle gives', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const { entries } = computeStandings(input);
        expect(new Map(entries.map((e) => [e.key, Math.round(e.points * 1000)]))).toEqual(oracle(input).totals);
      }),
      RUNS,
    );
  });

  it("an entry's points are the sum of its counted lines, and with missed races every rider has a line in every event", () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const events = new Set(input.results.map((r) => r.eventId));
        for (const e of computeStandings(input).entries) {
          const lines = [...e.breakdown.counted, ...e.breakdown.dropped];
          expect(e.breakdown.counted.reduce((sum, l) => sum + Math.round(l.points * 1000), 0)).toBe(Math.round(e.points * 1000));
          if (input.board.missed === 'DNC') expect(new Set(lines.map((l) => l.eventId))).toEqual(events);
        }
      }),
      RUNS,
    );
  });

  it('gives the same output for any input order', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const again = computeStandings({ ...input, results: [...input.results].reverse(), events: [...input.events].reverse() });
        expect(again).toEqual(computeStandings(input));
      }),
      RUNS,
    );
  });

  it('the packed computation agrees, and digests are equal exactly when breakdowns are', () => {
    fc.assert(
      fc.property(inputArb, inputArb, (a, b) => {
        const table = computeStandingsTable(toPackedInput(a));
        expect(computeStandings(a).entries).toEqual(table.entries.map((head, i) => ({ ...head, breakdown: table.breakdown(i) })));
        // Same riders, other results: an entry's breakdown digest changes exactly when its breakdown does.
        // b's organiser-defined codes are DNFs where a's scale has no registry.
        const results = b.results.map((r) => (a.scale.registeredCodes || !OWN.includes(r.status) ? r : { ...r, status: 'DNF' }));
        const other = computeStandingsTable(toPackedInput({ ...a, results }));
        const before = new Map(table.entries.map((h, i) => [h.key, [table.breakdownDigest(i), JSON.stringify(table.breakdown(i))]]));
        other.entries.forEach((h, i) => {
          const old = before.get(h.key);
          if (old) expect(other.breakdownDigest(i) === old[0]).toBe(JSON.stringify(other.breakdown(i)) === old[1]);
        });
      }),
      RUNS,
    );
  });
});
