import { describe, expect, it } from 'vitest';
import { allowedTransitions, countdown, describeChanges, describePhases, diffRows, eventCells, explainBoard, pageOf, pointsPreview, reasonHeaders, type ResultRow } from './logic';

const row = (id: number, first: string, last: string, extra: Partial<ResultRow> = {}): ResultRow => ({
  id, participant: { firstName: first, lastName: last }, bib: null, position: null, status: 'FIN', timeMs: null, custom1: null, custom2: null, custom3: null, redress: null, ...extra,
});

describe('allowedTransitions', () => {
  it('offers only what the API accepts: nothing from REPLACED or DELETED, only DELETED from APPROVED', () => {
    expect(allowedTransitions('DRAFT')).toEqual(['PROVISIONAL', 'APPROVED', 'DELETED']);
    expect(allowedTransitions('PROVISIONAL')).toEqual(['DRAFT', 'APPROVED', 'DELETED']);
    expect(allowedTransitions('APPROVED')).toEqual(['DELETED']);
    expect(allowedTransitions('REPLACED')).toEqual([]);
    expect(allowedTransitions('DELETED')).toEqual([]);
  });
});

describe('diffRows', () => {
  it('finds rows added, removed and changed, matching riders by licence or else by name', () => {
    const before = [row(1, 'Ann', 'Lee', { position: 1 }), row(2, 'Bo', 'Chen', { position: 2 }), row(3, 'Cy', 'Diaz', { position: 3, participant: { firstName: 'Cy', lastName: 'Diaz', externalId: 'L9' } })];
    const after = [row(11, 'ann', 'LEE', { position: 2 }), row(13, 'Cyril', 'Diaz', { position: 3, participant: { firstName: 'Cyril', lastName: 'Diaz', externalId: 'L9' } }), row(14, 'Fay', 'Okafor', { position: 1 })];
    const d = diffRows(before, after);
    expect(d.added.map((r) => r.participant.firstName)).toEqual(['Fay']);
    expect(d.removed.map((r) => r.participant.firstName)).toEqual(['Bo']);
    expect(d.changed).toEqual([{ before: before[0], after: after[0], fields: ['position'] }]);
  });

  it('finds nothing in a copy', () => {
    const rows = [row(1, 'Ann', 'Lee', { position: 1, bib: '7' })];
    expect(diffRows(rows, rows.map((r) => ({ ...r, id: 9 })))).toEqual({ added: [], removed: [], changed: [] });
  });
});

describe('pointsPreview', () => {
  const base = { name: 'x', beyondTable: 0, lowPoint: false, ties: 'AVERAGE' as const, dsqNonDroppable: false };
  it('a table: its points, then beyondTable, and status points as set', () => {
    const p = pointsPreview({ ...base, kind: 'TABLE', table: [10, 8, 6], beyondTable: 1, statusPoints: { DNF: 2, DNS: 0, DSQ: 0 } });
    expect(p.places.slice(0, 5)).toEqual([10, 8, 6, 1, 1]);
    expect(p.places).toHaveLength(20);
    expect(p.statuses).toEqual({ DNF: 2, DNS: 0, DSQ: 0 });
  });
  it('linear down to its floor, and low point = place', () => {
    expect(pointsPreview({ ...base, kind: 'LINEAR', first: 5, step: 2, floor: 1 }).places.slice(0, 4)).toEqual([5, 3, 1, 1]);
    const low = pointsPreview({ ...base, kind: 'TABLE', table: [], lowPoint: true });
    expect(low.places.slice(0, 3)).toEqual([1, 2, 3]);
    expect(low.statuses.DNF).toBe(21);
  });
});

describe('countdown', () => {
  it('counts minutes and seconds down to the due time, then says now', () => {
    const now = Date.parse('2026-03-07T10:00:00Z');
    expect(countdown('2026-03-07T10:00:12Z', now)).toBe('in 12 s');
    expect(countdown('2026-03-07T10:01:05Z', now)).toBe('in 1 min 05 s');
    expect(countdown('2026-03-07T09:59:59Z', now)).toBe('now');
  });
});

describe('explainBoard', () => {
  it('says the rules in plain words', () => {
    const lines = explainBoard({ type: 'INDIVIDUAL', categories: ['U14 Girls', { code: 'U16', multiplier: 2 }], eventScope: 'STARRED', dropWorst: 2, minEvents: 3, belowMinEvents: 'EXCLUDE', tieBreaks: ['COUNTBACK', 'FEWER_EVENTS'], ranking: 'DENSE' }, 'F1');
    expect(lines).toEqual([
      'Each rider is ranked on their own.',
      'Points come from the scale "F1".',
      'Results of U14 Girls, U16 (×2) count.',
      'Only starred events count.',
      "Each entry's worst 2 results are dropped.",
      'An entry needs 3 events to be ranked; below that it is left out.',
      'Equal points are split by more better places, then fewer events.',
      'Tied entries share a place and the next place follows on (1, 1, 2).',
    ]);
  });
});

describe('pageOf', () => {
  it('pages a list and keeps the page in range', () => {
    const items = Array.from({ length: 45 }, (_, i) => i);
    expect(pageOf(items, 2, 20)).toEqual({ items: [40, 41, 42, 43, 44], pages: 3, page: 2 });
    expect(pageOf(items, 9, 20).page).toBe(2);
    expect(pageOf([], 0, 20)).toEqual({ items: [], pages: 1, page: 0 });
  });
});

describe('eventCells', () => {
  it("puts each event's points in its column, dropped ones marked, absent ones empty", () => {
    const breakdown = { counted: [{ eventId: 1, points: 10 }, { eventId: 1, points: 2 }], dropped: [{ eventId: 3, points: 4, reason: 'worst' }] };
    expect(eventCells(breakdown, [1, 2, 3])).toEqual([{ points: 12, dropped: false }, null, { points: 4, dropped: true }]);
    expect(eventCells(null, [1])).toEqual([null]);
  });
});

describe('reasonHeaders', () => {
  it('sends a given reason percent-encoded (accents survive an ASCII header) and nothing for a blank one', () => {
    expect(reasonHeaders('Protest upheld — jury décision')).toEqual({ 'X-Reason': 'Protest%20upheld%20%E2%80%94%20jury%20d%C3%A9cision' });
    expect(decodeURIComponent(reasonHeaders(' 50% off ')['X-Reason'])).toBe('50% off');
    expect(reasonHeaders('   ')).toEqual({});
    expect(reasonHeaders(null)).toEqual({});
  });
});

describe('describeChanges', () => {
  it('turns a before/after into one line per field, with — for a missing side', () => {
    expect(describeChanges({ before: { starred: false, pointsMultiplier: 1 }, after: { starred: true, pointsMultiplier: 2 } })).toEqual(['starred: false → true', 'pointsMultiplier: 1 → 2']);
    expect(describeChanges({ after: { name: 'Round 1' } })).toEqual(['name: — → Round 1']);
  });

  it('keeps the other keys of a compact change (counts, keys of changed rows) as they are', () => {
    expect(describeChanges({ before: { state: 'DRAFT' }, after: { state: 'APPROVED' }, rows: 3 })).toEqual(['state: DRAFT → APPROVED', 'rows: 3']);
    expect(describeChanges({ added: 2, changedKeys: ['id:L1'] })).toEqual(['added: 2', 'changedKeys: ["id:L1"]']);
    expect(describeChanges(null)).toEqual([]);
  });
});

describe('describePhases', () => {
  it('names each phase of a completed run in milliseconds, and shows a dash before it completes', () => {
    expect(describePhases({ queueMs: 12, lockMs: 0, loadMs: 4.4, computeMs: 2, writeMs: 3 })).toBe('queue 12 · lock 0 · load 4 · compute 2 · write 3 ms');
    expect(describePhases(null)).toBe('—');
    expect(describePhases(undefined)).toBe('—');
  });
});
