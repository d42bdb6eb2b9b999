/**
 * A deliberately naive oracle for INDIVIDUAL boards, written apart from src/calculators and
 * importing nothing of it but its input types: it scores every result by counting the riders
 * ahead of it, and finds the best allowed set of events by trying every subset.
 */
import type { ComputeInput, RaceResultInput } from '../../../src/calculators/types';

function placePoints(input: ComputeInput, place: number, starters: number): number {
  const { scale } = input;
  if (scale.lowPoint) return place;
  if (scale.kind === 'TABLE') return place <= scale.table!.length ? scale.table![place - 1] : scale.beyondTable ?? 0;
  if (scale.kind === 'LINEAR') return Math.max(scale.floor ?? 0, scale.first! - scale.step! * (place - 1));
  if (scale.kind === 'FIELD_SIZE') return Math.max(0, starters - place + 1);
  return starters === 0 ? 0 : Math.max(0, Math.round((100 * (starters - place + 1)) / starters));
}

function resultPoints(input: ComputeInput, r: RaceResultInput, race: RaceResultInput[]): number {
  const starters = race.filter((x) => x.status !== 'DNS').length;
  if (r.position === null) {
    if (input.scale.lowPoint) return input.scale.statusPoints?.[r.status as 'DNF'] ?? starters + 1;
    if (r.status === 'FIN') return input.scale.kind === 'TABLE' ? input.scale.beyondTable ?? 0 : 0;
    return input.scale.statusPoints?.[r.status as 'DNF'] ?? 0;
  }
  const tied = race.filter((x) => x.position === r.position).length;
  if (tied === 1 || input.scale.ties === 'SAME') return placePoints(input, r.position, starters);
  let total = 0;
  for (let k = 0; k < tied; k++) total += placePoints(input, r.position + k, starters);
  return total / tied;
}

function* subsets<T>(items: T[], size: number, start = 0, chosen: T[] = []): Generator<T[]> {
  if (chosen.length === size) {
    yield chosen;
    return;
  }
  for (let i = start; i < items.length; i++) yield* subsets(items, size, i + 1, [...chosen, items[i]]);
}

/** Points (in thousandths) per rider key, and each rider's points per event. */
export function oracle(input: ComputeInput): { totals: Map<string, number>; perEvent: Map<string, Map<number, number>> } {
  const { board, events } = input;
  const perEvent = new Map<string, Map<number, number>>();
  for (const event of events) {
    if (board.eventScope === 'STARRED' && !event.starred) continue;
    if (board.eventScope === 'LISTED' && !(board.eventIds ?? []).includes(event.id)) continue;
    for (const category of board.categories) {
      const race = input.results.filter((r) => r.eventId === event.id && r.category === category.code);
      for (const r of race) {
        const milli = Math.round(resultPoints(input, r, race) * event.pointsMultiplier * category.multiplier * 1000);
        const key = `p:${r.participantId}`;
        if (!perEvent.has(key)) perEvent.set(key, new Map());
        const m = perEvent.get(key)!;
        m.set(event.id, (m.get(event.id) ?? 0) + milli);
      }
    }
  }
  const better = (a: number, b: number) => (input.scale.lowPoint ? a < b : a > b);
  const totals = new Map<string, number>();
  for (const [key, scores] of perEvent) {
    const fixedIds = new Set(board.nonDroppableEventIds ?? []);
    const fixed = [...scores].filter(([id]) => fixedIds.has(id)).map(([, v]) => v);
    const free = [...scores].filter(([id]) => !fixedIds.has(id)).map(([, v]) => v);
    let keep = free.length - Math.min(board.dropWorst ?? 0, free.length);
    if (board.bestOf != null) keep = Math.min(keep, Math.max(0, board.bestOf - fixed.length));
    let best: number | null = null;
    for (const subset of subsets(free, keep)) {
      const sum = subset.reduce((a, b) => a + b, 0);
      if (best === null || better(sum, best)) best = sum;
    }
    totals.set(key, fixed.reduce((a, b) => a + b, 0) + (best ?? 0));
  }
  return { totals, perEvent };
}
