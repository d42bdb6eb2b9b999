/**
 * A deliberately naive oracle for INDIVIDUAL boards, written apart from src/calculators and
 * importing nothing of it but its input types: it scores every result by counting the riders
 * ahead of it, and finds the best allowed set of events by trying every subset. It knows the
 * time-based scales, participation points and the Appendix A discard schedule and tie-breaks
 * (issue 15) from their definitions in docs/scoring.md.
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

/** A finisher with a time: what TIME and PERCENT_OF_WINNER scales score. */
const timed = (r: RaceResultInput) => r.status === 'FIN' && r.timeMs != null;

function resultPoints(input: ComputeInput, r: RaceResultInput, race: RaceResultInput[]): number {
  const starters = race.filter((x) => x.status !== 'DNS').length;
  if (input.scale.kind === 'PERCENT_OF_WINNER') {
    if (!timed(r)) return r.status === 'FIN' ? 0 : input.scale.statusPoints?.[r.status as 'DNF'] ?? 0;
    const winner = Math.min(...race.filter(timed).map((x) => x.timeMs!));
    const decimals = 10 ** (input.scale.precision ?? 2);
    return r.timeMs === 0 ? 100 : Math.round((winner / r.timeMs!) * 100 * decimals) / decimals;
  }
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

/** Lower totals rank first: low-point and TIME scales. */
export const lowerWins = (input: ComputeInput) => input.scale.lowPoint === true || input.scale.kind === 'TIME';

/**
 * Points (in thousandths) per rider key, and each rider's points per event; the events the
 * board held (with a result in scope), and which riders are ranked (enough scored events).
 */
export function oracle(input: ComputeInput): {
  totals: Map<string, number>; perEvent: Map<string, Map<number, number>>; completed: number; ranked: Map<string, boolean>;
} {
  const { board, events } = input;
  const perEvent = new Map<string, Map<number, number>>();
  const held = new Set<number>();
  for (const event of events) {
    if (board.eventScope === 'STARRED' && !event.starred) continue;
    if (board.eventScope === 'LISTED' && !(board.eventIds ?? []).includes(event.id)) continue;
    for (const category of board.categories) {
      const race = input.results.filter((r) => r.eventId === event.id && r.category === category.code);
      if (race.length > 0) held.add(event.id);
      for (const r of race) {
        // TIME: a timed finisher's time in ms (seconds to the thousandth); nobody else scores.
        if (input.scale.kind === 'TIME' && !timed(r)) continue;
        // Participation points: for every race started, after the multipliers.
        const participation = r.status !== 'DNS' ? input.scale.participationPoints ?? 0 : 0;
        const milli = input.scale.kind === 'TIME' ? r.timeMs! : Math.round((resultPoints(input, r, race) * event.pointsMultiplier * category.multiplier + participation) * 1000);
        const key = `p:${r.participantId}`;
        if (!perEvent.has(key)) perEvent.set(key, new Map());
        const m = perEvent.get(key)!;
        m.set(event.id, (m.get(event.id) ?? 0) + milli);
      }
    }
  }
  const better = (a: number, b: number) => (lowerWins(input) ? a < b : a > b);
  const completed = held.size;
  // The schedule's thresholds reached, or dropWorst.
  const drops = board.discardSchedule?.length ? board.discardSchedule.filter((n) => n <= completed).length : board.dropWorst ?? 0;
  const required = board.minEvents ?? (input.scale.kind === 'TIME' ? completed : 0);
  const totals = new Map<string, number>();
  const ranked = new Map<string, boolean>();
  for (const [key, scores] of perEvent) {
    ranked.set(key, scores.size >= required);
    const fixedIds = new Set(board.nonDroppableEventIds ?? []);
    const fixed = [...scores].filter(([id]) => fixedIds.has(id)).map(([, v]) => v);
    const free = [...scores].filter(([id]) => !fixedIds.has(id)).map(([, v]) => v);
    let keep = free.length - Math.min(drops, free.length);
    if (board.bestOf != null) keep = Math.min(keep, Math.max(0, board.bestOf - fixed.length));
    let best: number | null = null;
    for (const subset of subsets(free, keep)) {
      const sum = subset.reduce((a, b) => a + b, 0);
      if (best === null || better(sum, best)) best = sum;
    }
    totals.set(key, fixed.reduce((a, b) => a + b, 0) + (best ?? 0));
  }
  return { totals, perEvent, completed, ranked };
}

/**
 * RRS A8 on two riders of equal points (< 0: a ranks first), on boards with no best-of and no
 * non-droppable events: A8.1 compares the counted scores best to worst (the scores left once
 * the `drops` worst are excluded; a list that runs out first loses); A8.2 the scores of the
 * last event, then the one before, discards included (a rider with a score where the other
 * has none wins).
 */
export function rrsCompare(input: ComputeInput, a: Map<number, number>, b: Map<number, number>, drops: number, rules: ('RRS_A8_1' | 'RRS_A8_2')[]): number {
  const low = lowerWins(input);
  const bestFirst = (scores: Map<number, number>) => {
    const sorted = [...scores.values()].sort((x, y) => (low ? x - y : y - x));
    return sorted.slice(0, sorted.length - Math.min(drops, sorted.length));
  };
  const order = (x: number, y: number) => (x === y ? 0 : (low ? x < y : x > y) ? -1 : 1);
  for (const rule of rules) {
    if (rule === 'RRS_A8_1') {
      const [x, y] = [bestFirst(a), bestFirst(b)];
      for (let i = 0; i < Math.max(x.length, y.length); i++) {
        if (i >= x.length) return 1;
        if (i >= y.length) return -1;
        if (x[i] !== y[i]) return order(x[i], y[i]);
      }
    } else {
      const dateOf = (id: number) => input.events.find((e) => e.id === id)!;
      const latestFirst = [...new Set([...a.keys(), ...b.keys()])].sort((x, y) => {
        const [ex, ey] = [dateOf(x), dateOf(y)];
        return ex.date < ey.date ? 1 : ex.date > ey.date ? -1 : y - x;
      });
      for (const id of latestFirst) {
        if (!b.has(id)) return -1;
        if (!a.has(id)) return 1;
        if (a.get(id) !== b.get(id)) return order(a.get(id)!, b.get(id)!);
      }
    }
  }
  return 0;
}
