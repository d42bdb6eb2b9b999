/** Building blocks of the generated seasons the property tests share. */
import type { RaceResultInput, Status } from '../../../src/calculators/types';

export interface GeneratedRow {
  event: number;
  category: string;
  rider: number;
  place: number | null;
}

/**
 * The generated rows as results: one per rider per event (a rider races one category per
 * event; later rows for the same rider and event, and rows of events past `eventCount`, are
 * left out). `status` gives each kept row's status.
 */
export function seasonResults<R extends GeneratedRow>(rows: R[], eventCount: number, status: (row: R) => Status | string): RaceResultInput[] {
  const seen = new Set<string>();
  const results: RaceResultInput[] = [];
  rows.forEach((row, i) => {
    const key = `${row.event}:${row.rider}`;
    if (row.event > eventCount || seen.has(key)) return;
    seen.add(key);
    results.push({
      id: i + 1, eventId: row.event, category: row.category, participantId: row.rider, participantName: `R${row.rider}`,
      custom1: null, custom2: null, custom3: null, position: row.place, status: status(row),
    });
  });
  return results;
}
