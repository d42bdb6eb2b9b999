import fc from 'fast-check';
import { computeStandings, computeStandingsTable, StandingsTable } from '../../../src/calculators';
import { toPackedInput } from '../../../src/calculators/packed';
import { RaceScoreMemo } from '../../../src/calculators/race-scores';
import type { ComputeInput, EventInput, LeaderboardConfig, PointsScaleConfig, StandingEntry, Status } from '../../../src/calculators/types';
import { oracle } from './oracle';
import { seasonResults } from './seasons';
import { compact, expand } from '../../../src/calculators/breakdown-form';

const CATEGORIES = ['A', 'B'];

const scaleArb: fc.Arbitrary<PointsScaleConfig> = fc.oneof(
  fc.record({
    kind: fc.constant('TABLE' as const),
    table: fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 8 }).map((t) => t.sort((a, b) => b - a)),
    ties: fc.constantFrom('AVERAGE' as const, 'SAME' as const),
    statusPoints: fc.record({ DNF: fc.integer({ min: 0, max: 3 }) }),
  }),
  fc.record({ kind: fc.constant('LINEAR' as const), first: fc.integer({ min: 5, max: 60 }), step: fc.integer({ min: 0, max: 10 }), floor: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ kind: fc.constant('FIELD_SIZE' as const) }),
  fc.record({ kind: fc.constant('PERCENT_OF_FIELD' as const) }),
  fc.record({ kind: fc.constant('TABLE' as const), table: fc.constant([1] as number[]), lowPoint: fc.constant(true), ties: fc.constantFrom('AVERAGE' as const, 'SAME' as const) }),
);

/** A small season: up to 5 events, 2 categories, up to 7 riders, random places with ties and non-finishers. */
const inputArb: fc.Arbitrary<ComputeInput> = fc
  .record({
    scale: scaleArb,
    eventCount: fc.integer({ min: 1, max: 5 }),
    multipliers: fc.array(fc.constantFrom(1, 1, 2, 0.5), { minLength: 5, maxLength: 5 }),
    bestOf: fc.option(fc.integer({ min: 1, max: 5 }), { nil: null }),
    dropWorst: fc.option(fc.integer({ min: 0, max: 2 }), { nil: null }),
    fixed: fc.option(fc.integer({ min: 1, max: 5 }), { nil: null }),
    catMultiplier: fc.constantFrom(1, 1.5),
    ranking: fc.constantFrom('STANDARD' as const, 'DENSE' as const),
    rows: fc.array(
      fc.record({
        event: fc.integer({ min: 1, max: 5 }),
        category: fc.constantFrom(...CATEGORIES),
        rider: fc.integer({ min: 1, max: 7 }),
        place: fc.option(fc.integer({ min: 1, max: 8 }), { nil: null, freq: 5 }),
        status: fc.constantFrom<Status>('DNF', 'DNS', 'DSQ'),
      }),
      { maxLength: 40 },
    ),
  })
  .map((g) => {
    const events: EventInput[] = Array.from({ length: g.eventCount }, (_, i) => ({
      id: i + 1, name: `E${i + 1}`, date: `2026-02-${String(10 + i).padStart(2, '0')}`, starred: i % 2 === 0, pointsMultiplier: g.multipliers[i],
    }));
    const results = seasonResults(g.rows, g.eventCount, (row) => (row.place === null ? row.status : 'FIN'));
    const board: LeaderboardConfig = {
      type: 'INDIVIDUAL',
      categories: [{ code: 'A', multiplier: 1 }, { code: 'B', multiplier: g.catMultiplier }],
      eventScope: 'ALL',
      bestOf: g.bestOf,
      dropWorst: g.dropWorst,
      nonDroppableEventIds: g.fixed !== null && g.fixed <= g.eventCount ? [g.fixed] : [],
      ranking: g.ranking,
      tieBreaks: ['COUNTBACK', 'MOST_RECENT', 'FEWER_EVENTS'],
    };
    return { scale: g.scale, board, events, results };
  });

/** The same seasons on team boards: riders get a school (custom1) and some a team or club. */
const teamInputArb: fc.Arbitrary<ComputeInput> = fc
  .record({
    input: inputArb,
    type: fc.constantFrom('SCHOOL' as const, 'TOP_SCHOOLS' as const, 'GROUP' as const),
    countingRiders: fc.option(fc.integer({ min: 1, max: 3 }), { nil: null }),
    minRiders: fc.option(fc.integer({ min: 0, max: 3 }), { nil: null }),
    tieBreaks: fc.shuffledSubarray(['COUNTBACK', 'MOST_RECENT', 'FEWER_EVENTS'] as const),
  })
  .map(({ input, type, countingRiders, minRiders, tieBreaks }) => ({
    ...input,
    board: { ...input.board, type, countingRiders, minRiders, groupBy: ['custom3', 'custom2'], tieBreaks: [...tieBreaks] } as LeaderboardConfig,
    results: input.results.map((r) => ({
      ...r,
      custom1: r.participantId % 4 === 0 ? null : { id: r.participantId % 3, name: `S${r.participantId % 3}` },
      custom2: r.participantId % 2 === 0 ? { id: 10 + (r.participantId % 2), name: 'Club' } : null,
      custom3: (r.participantId + r.eventId) % 3 === 0 ? { id: 20, name: 'Team' } : null,
    })),
  }));

function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const RUNS = { numRuns: 300 };

describe('computeStandings against a brute-force oracle (fast-check)', () => {
  it('gives every rider the points the oracle gives', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const { entries } = computeStandings(input);
        const { totals } = oracle(input);
        expect(new Map(entries.map((e) => [e.key, Math.round(e.points * 1000)]))).toEqual(totals);
      }),
      RUNS,
    );
  });

  it('gives the same output for any input order', () => {
    fc.assert(
      fc.property(inputArb, fc.integer({ min: 1, max: 2 ** 30 }), (input, seed) => {
        const again = computeStandings({ ...input, results: shuffled(input.results, seed), events: shuffled(input.events, seed + 1) });
        expect(again).toEqual(computeStandings(input));
      }),
      RUNS,
    );
  });

  it('gives the same output for any input order on team boards', () => {
    fc.assert(
      fc.property(teamInputArb, fc.integer({ min: 1, max: 2 ** 30 }), (input, seed) => {
        const again = computeStandings({ ...input, results: shuffled(input.results, seed), events: shuffled(input.events, seed + 1) });
        expect(again).toEqual(computeStandings(input));
      }),
      RUNS,
    );
  });

  /**
   * Rider ids are labels: large or negative ids (looked up differently from small ones) change
   * nothing but the keys, and with them the order of tied riders in seq.
   */
  it('relabelling rider ids relabels the standings and changes nothing else', () => {
    fc.assert(
      fc.property(inputArb, fc.constantFrom((id: number) => 2 ** 31 - 1 - id, (id: number) => id * 65_537 + 5, (id: number) => -id), (input, relabel) => {
        const plain = computeStandings(input).entries;
        const relabelled = computeStandings({ ...input, results: input.results.map((r) => ({ ...r, participantId: relabel(r.participantId) })) }).entries;
        expect(relabelled.map((e) => e.key)).toEqual(relabelled.map((e) => `p:${e.participantId}`));
        // In standings order: the same positions, points and tie-breaks (but whom a tie is with).
        const order = (entries: StandingEntry[]) => entries.map((e) => [e.position, e.points, e.breakdown.tieBreak?.replace(/^tied with \S+;/, 'tied with …;')]);
        expect(order(relabelled)).toEqual(order(plain));
        // Per rider: the same entry, but for its key, id and place in seq.
        const original = new Map(input.results.map((r) => [relabel(r.participantId), r.participantId]));
        const byRider = (entries: StandingEntry[], id: (e: StandingEntry) => number) =>
          new Map(entries.map((e) => [id(e), { ...e, key: '', participantId: 0, seq: 0, breakdown: { ...e.breakdown, tieBreak: null } }]));
        expect(byRider(relabelled, (e) => original.get(e.participantId!)!)).toEqual(byRider(plain, (e) => e.participantId!));
      }),
      RUNS,
    );
  });

  it('explains exactly the ties: a tie-break is given where points equal the entry above, "tied with" where the position is shared', () => {
    fc.assert(
      fc.property(fc.oneof(inputArb, teamInputArb), (input) => {
        const { entries } = computeStandings(input);
        entries.forEach((e, i) => {
          const above = entries[i - 1];
          if (!above || above.category !== e.category || e.position === null) return expect(e.breakdown.tieBreak).toBeNull();
          if (above.points !== e.points) return expect(e.breakdown.tieBreak).toBeNull();
          expect(e.breakdown.tieBreak).not.toBeNull();
          expect(e.breakdown.tieBreak!.startsWith(`tied with ${above.key};`)).toBe(e.position === above.position);
        });
      }),
      RUNS,
    );
  });

  it('orders by points, seq is a strict total order 1..n, positions follow the ranking mode', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const { entries } = computeStandings(input);
        expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
        for (let i = 1; i < entries.length; i++) {
          if (input.scale.lowPoint) expect(entries[i - 1].points).toBeLessThanOrEqual(entries[i].points);
          else expect(entries[i - 1].points).toBeGreaterThanOrEqual(entries[i].points);
          const [above, here] = [entries[i - 1].position!, entries[i].position!];
          if (here === above) continue;
          expect(here).toBe(input.board.ranking === 'DENSE' ? above + 1 : i + 1);
        }
        if (entries.length) expect(entries[0].position).toBe(1);
      }),
      RUNS,
    );
  });

  it("an entry's points are the sum of its counted breakdown", () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        for (const e of computeStandings(input).entries) {
          const sum = e.breakdown.counted.reduce((acc, line) => acc + Math.round(line.points * 1000), 0);
          expect(sum).toBe(Math.round(e.points * 1000));
        }
      }),
      RUNS,
    );
  });

  /**
   * Checked on boards that count every event: with best-of, drop-worst and non-droppable
   * events, a rider with more results can legitimately count fewer points (a forced final
   * takes one of the N places), so dominance of raw event scores says nothing there.
   */
  it('a rider whose event scores are pointwise at least as good never ranks lower', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const { entries } = computeStandings(input);
        const { perEvent } = oracle(input);
        if (input.scale.lowPoint) return; // lower is better there: the same argument, mirrored
        if (input.board.bestOf != null || (input.board.dropWorst ?? 0) > 0) return;
        const position = new Map(entries.map((e) => [e.key, e.position!]));
        for (const [a, sa] of perEvent) {
          for (const [b, sb] of perEvent) {
            if (a === b) continue;
            const dominates = [...new Set([...sa.keys(), ...sb.keys()])].every((id) => (sa.get(id) ?? 0) >= (sb.get(id) ?? 0));
            const strictly = [...sb.keys()].every((id) => sa.has(id)) && [...sa].some(([id, v]) => v > (sb.get(id) ?? 0));
            // Missing events count as zero for the comparison only where scores are non-negative.
            if (dominates && strictly && [...sa.values(), ...sb.values()].every((v) => v >= 0)) {
              expect(position.get(a)!).toBeLessThanOrEqual(position.get(b)!);
            }
          }
        }
      }),
      RUNS,
    );
  });

  it("dropping a board's only event empties it", () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const onlyFirst = { ...input, events: input.events.slice(0, 1), results: input.results.filter((r) => r.eventId === 1) };
        expect(computeStandings({ ...onlyFirst, events: [] }).entries).toEqual([]);
      }),
      RUNS,
    );
  });
});

/** One small edit of the kind organisers make: a place, a status, a removed result, a renamed or doubled event. */
const editArb = fc.record({
  kind: fc.constantFrom('place' as const, 'dnf' as const, 'remove' as const, 'rename' as const, 'double' as const),
  at: fc.nat(),
  place: fc.integer({ min: 1, max: 8 }),
});

function edited(input: ComputeInput, edit: { kind: 'place' | 'dnf' | 'remove' | 'rename' | 'double'; at: number; place: number }): ComputeInput {
  if (input.results.length === 0) return input;
  const k = edit.at % input.results.length;
  const results = [...input.results];
  const events = [...input.events];
  const e = events.findIndex((ev) => ev.id === results[k].eventId);
  switch (edit.kind) {
    case 'place': results[k] = { ...results[k], position: edit.place, status: 'FIN' }; break;
    case 'dnf': results[k] = { ...results[k], position: null, status: 'DNF' }; break;
    case 'remove': results.splice(k, 1); break;
    case 'rename': events[e] = { ...events[e], name: `${events[e].name}'` }; break;
    case 'double': events[e] = { ...events[e], pointsMultiplier: events[e].pointsMultiplier * 2 }; break;
  }
  return { ...input, results, events };
}

/** Entry key → [values digest, breakdown digest, the values as JSON, the breakdown as JSON]. */
function digested(table: StandingsTable): Map<string, [string, string, string, string]> {
  return new Map(table.entries.map((head, i) => [head.key, [table.valuesDigest(i), table.breakdownDigest(i), JSON.stringify(head), JSON.stringify(table.breakdown(i))]]));
}

describe('standings digests (what the writer compares to skip unchanged rows)', () => {
  it('computeStandings is the packed computation with every breakdown built', () => {
    fc.assert(
      fc.property(fc.oneof(inputArb, teamInputArb), (input) => {
        const table = computeStandingsTable(toPackedInput(input));
        expect(computeStandings(input).entries).toEqual(table.entries.map((head, i) => ({ ...head, breakdown: table.breakdown(i) })));
      }),
      RUNS,
    );
  });

  it('two entries have equal digests exactly when their values (and, apart, their breakdowns) are equal', () => {
    fc.assert(
      fc.property(fc.oneof(inputArb, teamInputArb), editArb, (input, edit) => {
        const before = digested(computeStandingsTable(toPackedInput(input)));
        const after = digested(computeStandingsTable(toPackedInput(edited(input, edit))));
        for (const [key, [values, breakdown, valuesJson, breakdownJson]] of after) {
          const old = before.get(key);
          if (!old) continue;
          expect([key, 'values', values === old[0]]).toEqual([key, 'values', valuesJson === old[2]]);
          expect([key, 'breakdown', breakdown === old[1]]).toEqual([key, 'breakdown', breakdownJson === old[3]]);
        }
        // Within one board every entry differs (keys at least), and so must every values digest.
        expect(new Set([...after.values()].map(([values]) => values)).size).toBe(after.size);
      }),
      RUNS,
    );
  });
});

/** One input from an arbitrary, with at least one race. */
function computeInputOf(arb: fc.Arbitrary<ComputeInput>): ComputeInput {
  return fc.sample(arb.filter((i) => i.results.length > 0), { numRuns: 1, seed: 16 })[0];
}

describe('race scores and validity kept between computations (RaceScoreMemo, validRaces; issue 16 target 3)', () => {
  const table = (t: StandingsTable) => t.entries.map((e, i) => ({ ...e, breakdown: t.breakdown(i), values: t.valuesDigest(i), digest: t.breakdownDigest(i) }));
  type Step = { kind: 'scale'; scale: PointsScaleConfig } | { kind: 'race'; race: number; result: number; place: number } | { kind: 'multiplier'; event: number; multiplier: number } | { kind: 'drop'; race: number };
  const stepArb: fc.Arbitrary<Step> = fc.oneof(
    fc.record({ kind: fc.constant('scale' as const), scale: scaleArb }),
    fc.record({ kind: fc.constant('race' as const), race: fc.nat(), result: fc.nat(), place: fc.integer({ min: 0, max: 8 }) }),
    fc.record({ kind: fc.constant('multiplier' as const), event: fc.integer({ min: 1, max: 5 }), multiplier: fc.constantFrom(1, 2, 0.5) }),
    fc.record({ kind: fc.constant('drop' as const), race: fc.nat() }),
  );

  it('give, after any sequence of edits, what a computation scoring every race gives, on every board type', () => {
    fc.assert(
      fc.property(fc.oneof(inputArb, teamInputArb), fc.array(stepArb, { maxLength: 8 }), (input, steps) => {
        const memo = new RaceScoreMemo();
        const validRaces = new WeakSet<Int32Array>();
        let packed = toPackedInput(input);
        const check = () => expect(table(computeStandingsTable({ ...packed, raceScores: memo, validRaces }))).toEqual(table(computeStandingsTable(packed)));
        check();
        for (const step of steps) {
          // As the worker does: an edited race is a new array, the others are the same arrays.
          if (step.kind === 'scale') packed = { ...packed, scale: step.scale };
          else if (step.kind === 'multiplier') packed = { ...packed, events: packed.events.map((e) => (e.id === step.event ? { ...e, pointsMultiplier: step.multiplier } : e)) };
          else if (packed.races.length > 0) {
            const r = step.race % packed.races.length;
            const race = packed.races[r];
            const results = step.kind === 'drop' ? race.results.slice(0, Math.max(0, race.results.length - 8)) : race.results.slice();
            if (step.kind === 'race' && results.length > 0) {
              const at = (step.result % (results.length / 8)) * 8;
              results[at + 5] = step.place;
              results[at + 6] = step.place === 0 ? 1 : 0; // DNF when unplaced, FIN when placed
            }
            packed = { ...packed, races: packed.races.map((x, i) => (i === r ? { ...race, results } : x)) };
          }
          check();
        }
      }),
      { numRuns: 200 },
    );
  });

  it('a race found invalid is never kept as valid: it fails every computation', () => {
    const packed = toPackedInput(computeInputOf(inputArb));
    if (packed.races.length === 0) return;
    const validRaces = new WeakSet<Int32Array>();
    const results = packed.races[0].results.slice();
    results[6] = 99; // no such status code
    const bad = { ...packed, races: [{ ...packed.races[0], results }, ...packed.races.slice(1)], validRaces };
    expect(() => computeStandingsTable(bad)).toThrow(/unknown status code 99/);
    expect(validRaces.has(results)).toBe(false);
    expect(() => computeStandingsTable(bad)).toThrow(/unknown status code 99/);
  });
});

/**
 * Keys in jsonb's order (LineMaker.line): PostgreSQL's jsonb keeps an object's keys shorter
 * first, then bytewise, and sorts them when it parses one; breakdowns are built with their keys
 * in that order already, so the writer's JSON arrives sorted. The stored jsonb is the same
 * either way: this only guards the first run's write time.
 */
describe('breakdowns list their keys in jsonb order (what the writer sends PostgreSQL to parse)', () => {
  const jsonbOrder = (a: string, b: string) => a.length - b.length || Buffer.compare(Buffer.from(a), Buffer.from(b));
  const unsorted = (value: unknown, path = '$'): string[] => {
    if (Array.isArray(value)) return value.flatMap((v, i) => unsorted(v, `${path}[${i}]`));
    if (value === null || typeof value !== 'object') return [];
    const keys = Object.keys(value);
    const own = keys.join() === [...keys].sort(jsonbOrder).join() ? [] : [`${path}: ${keys.join()}`];
    return [...own, ...keys.flatMap((k) => unsorted((value as Record<string, unknown>)[k], `${path}.${k}`))];
  };
  for (const [kind, arb] of [['individual', inputArb], ['team', teamInputArb]] as const) {
    it(`on ${kind} boards, dropped lines and tie-breaks included`, () => {
      fc.assert(
        fc.property(arb, (input) => {
          const table = computeStandingsTable(toPackedInput(input));
          for (let i = 0; i < table.entries.length; i++) expect(unsorted(JSON.parse(JSON.stringify(table.breakdown(i))))).toEqual([]);
        }),
        { numRuns: 100 },
      );
    });
  }
});

/**
 * The stored form (breakdown-form.ts, race_result.breakdown as compact text): what the writer
 * stores of real calculator output, expanded by the readers, is what reading it back from jsonb
 * gave (same values, keys in jsonb's order), and the table writes the same text as compact().
 */
describe('breakdowns stored as compact text (breakdown-form.ts)', () => {
  /** The jsonb round trip, modelled: JSON values, every object's keys shorter first, then bytewise. */
  const viaJsonb = (value: unknown): unknown => {
    const sort = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(sort);
      if (v === null || typeof v !== 'object') return v;
      const keys = Object.keys(v).sort((a, b) => Buffer.byteLength(a) - Buffer.byteLength(b) || Buffer.compare(Buffer.from(a), Buffer.from(b)));
      return Object.fromEntries(keys.map((k) => [k, sort((v as Record<string, unknown>)[k])]));
    };
    return sort(JSON.parse(JSON.stringify(value)));
  };
  for (const [kind, arb] of [['individual', inputArb], ['team', teamInputArb]] as const) {
    it(`on ${kind} boards: breakdownText is compact(breakdown), and expands to the jsonb round trip byte for byte`, () => {
      fc.assert(
        fc.property(arb, (input) => {
          const table = computeStandingsTable(toPackedInput(input));
          for (let i = 0; i < table.entries.length; i++) {
            const breakdown = table.breakdown(i);
            const text = table.breakdownText(i);
            expect(text).toBe(compact(breakdown));
            expect(text.startsWith('[')).toBe(true);
            const expanded = expand(text);
            expect(expanded).toEqual(viaJsonb(breakdown));
            expect(JSON.stringify(expanded)).toBe(JSON.stringify(viaJsonb(breakdown)));
          }
        }),
        { numRuns: 150 },
      );
    });
  }
});
