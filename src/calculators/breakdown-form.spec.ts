import fc from 'fast-check';
import { breakdownCells, compact, expand, jsonbKeyOrder } from './breakdown-form';
import type { Breakdown } from './types';

/** The jsonb round trip, modelled: JSON values, every object's keys in jsonb's order. */
function viaJsonb(value: unknown): unknown {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v === null || typeof v !== 'object') return v;
    return Object.fromEntries(Object.keys(v).sort(jsonbKeyOrder).map((k) => [k, sort((v as Record<string, unknown>)[k])]));
  };
  return sort(JSON.parse(JSON.stringify(value)));
}

const text = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.constantFrom('', '"', '\\', '\t\n\r', 'Zoë "the" \\ one', '\u2028'));
const num = fc.oneof(fc.integer({ min: -1000, max: 100000 }), fc.double({ noNaN: false }), fc.integer({ min: -99999, max: 99999 }).map((m) => m / 1000));
const place = fc.option(fc.integer({ min: 1, max: 500 }), { nil: null });
const status = fc.oneof(fc.constantFrom('FIN', 'DNF', 'DNS', 'DSQ', 'DNC', 'RDG', 'ZFP'), text);
const rider = fc.record({ name: text, place, points: num });
const line = fc.record(
  { eventId: fc.integer({ min: 1, max: 2 ** 31 - 1 }), eventName: text, date: fc.constantFrom('2026-02-10', '2026-12-31'), category: text, place, status, points: num, riders: fc.array(rider, { maxLength: 4 }) },
  { requiredKeys: ['eventId', 'eventName', 'date', 'category', 'place', 'status', 'points'] },
);
const breakdownArb: fc.Arbitrary<Breakdown> = fc.record({
  counted: fc.array(line, { maxLength: 6 }),
  dropped: fc.array(fc.tuple(line, text).map(([l, reason]) => ({ ...l, reason })), { maxLength: 4 }),
  tieBreak: fc.option(text, { nil: null }),
});

describe('breakdown-form: the stored text of a breakdown', () => {
  it('expands to what the jsonb round trip gives: same values, keys in jsonb order, same JSON text', () => {
    fc.assert(
      fc.property(breakdownArb, (b) => {
        const stored = compact(b);
        expect(stored.startsWith('[')).toBe(true);
        const expanded = expand(stored);
        expect(expanded).toEqual(viaJsonb(b));
        expect(JSON.stringify(expanded)).toBe(JSON.stringify(viaJsonb(b)));
      }),
      { numRuns: 500 },
    );
  });

  it('keeps a breakdown of any other shape as an object, keys in jsonb order', () => {
    const odd = fc.oneof(
      breakdownArb.map((b) => ({ ...b, extra: 1 })),
      breakdownArb.map(({ counted, dropped }) => ({ counted, dropped })),
      breakdownArb.map((b) => ({ ...b, counted: b.counted.map((l) => ({ ...l, note: 'x' })) })),
      breakdownArb.map((b) => ({ ...b, counted: b.counted.map((l) => ({ ...l, riders: null })) })),
      fc.dictionary(text, fc.jsonValue()),
    );
    fc.assert(
      fc.property(odd, (b) => {
        const expanded = expand(compact(b as Breakdown));
        expect(JSON.stringify(expanded)).toBe(JSON.stringify(viaJsonb(b)));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps a key named __proto__ as a key, as jsonb did (fast-check found it at seed 1522175220)', () => {
    const b = JSON.parse('{"":{"":{"__proto__":false}}}') as Breakdown;
    expect(compact(b)).toBe('{"":{"":{"__proto__":false}}}');
    expect(JSON.stringify(expand(compact(b)))).toBe('{"":{"":{"__proto__":false}}}');
  });

  it('gives the cells (event, category, status, points) of counted and dropped lines', () => {
    fc.assert(
      fc.property(breakdownArb, (b) => {
        const j = viaJsonb(b) as Breakdown;
        const pick = ({ eventId, category, status: s, points }: Breakdown['counted'][number]) => ({ eventId, category, status: s, points });
        const want = { counted: j.counted.map(pick), dropped: j.dropped.map(pick) };
        expect(breakdownCells(compact(b))).toEqual(want);
        expect(breakdownCells(JSON.stringify(j))).toEqual(want);
      }),
      { numRuns: 300 },
    );
  });

  it('is compact: a line is a tuple', () => {
    const b: Breakdown = {
      counted: [{ eventId: 3, eventName: 'Spring', date: '2026-03-01', category: 'A', place: 2, status: 'FIN', points: 8.5 }],
      dropped: [{ eventId: 4, eventName: 'Final', date: '2026-04-01', category: 'A', place: null, status: 'DNF', points: 0, reason: 'worst' }],
      tieBreak: null,
    };
    expect(compact(b)).toBe('[[[3,"Spring","2026-03-01","A",2,"FIN",8.5]],[["worst",4,"Final","2026-04-01","A",null,"DNF",0]],null]');
    expect(JSON.stringify(expand(compact(b)))).toBe(
      '{"counted":[{"date":"2026-03-01","place":2,"points":8.5,"status":"FIN","eventId":3,"category":"A","eventName":"Spring"}],'
      + '"dropped":[{"date":"2026-04-01","place":null,"points":0,"reason":"worst","status":"DNF","eventId":4,"category":"A","eventName":"Final"}],"tieBreak":null}');
  });
});
