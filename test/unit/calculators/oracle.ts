/**
 * A deliberately naive oracle for INDIVIDUAL boards, written apart from src/calculators and
 * importing nothing of it but its input types: it scores every result by counting the riders
 * ahead of it (and status codes by filtering the race for what their base counts), and finds
 * the best allowed set of events by trying every subset. It knows the time-based scales,
 * participation points and the Appendix A discard schedule and tie-breaks (issue 15) from their
 * definitions in docs/scoring.md, and organiser-defined codes (the scale's registeredCodes).
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

const PLACED = ['FIN', 'ZFP', 'SCP', 'DPI'];
type Rule = { base?: string; plus?: number; points?: number; penaltyPercent?: number; penaltyPoints?: number; redress?: string; eventIds?: number[]; discardable?: boolean };

/** The rule a scale gives a code, by the rules of docs/scoring.md §6 (restated here, not imported). */
function ruleOf(input: ComputeInput, status: string): Rule {
  const { scale } = input;
  const given = (scale.codes as Record<string, Rule | number> | undefined)?.[status] ?? (['DNF', 'DNS', 'DSQ'].includes(status) ? scale.statusPoints?.[status as 'DNF'] : undefined);
  if (given !== undefined) return typeof given === 'number' ? { points: given } : given;
  // An organiser-defined code the scale does not name: as DNF scores there, and discardable.
  if (scale.registeredCodes && Object.prototype.hasOwnProperty.call(scale.registeredCodes, status)) return { ...ruleOf(input, 'DNF'), discardable: true };
  if (status === 'RDG') return { redress: 'AVERAGE' };
  if (scale.codes === undefined) {
    if (PLACED.includes(status)) return { penaltyPoints: 0 };
    // A new code scores as DNF does; DNF, DNS and DSQ themselves were looked up above.
    const dnf = ['DNF', 'DNS', 'DSQ'].includes(status) ? undefined : scale.statusPoints?.DNF;
    if (dnf !== undefined) return { points: dnf };
    return scale.lowPoint ? { base: 'STARTERS', plus: 1 } : { points: 0 };
  }
  if (!scale.lowPoint) return { points: 0 };
  if (status === 'ZFP' || status === 'SCP') return { penaltyPercent: 20 };
  if (status === 'DPI') return { penaltyPoints: 0 };
  return { base: 'ENTERED_IN_SERIES', plus: 1 };
}

function discardable(input: ComputeInput, status: string): boolean {
  const rule = ruleOf(input, status);
  if (rule.discardable !== undefined) return rule.discardable;
  if (status === 'DSQ' && input.scale.dsqNonDroppable) return false;
  return status !== 'DNE' && status !== 'DGM';
}

/** What `rule` scores unplaced in `race` (null: it is not a count, a fixed number or a base). */
function counted(rule: Rule, race: RaceResultInput[], enteredInSeries: number): number | null {
  if (rule.points !== undefined) return rule.points;
  if (rule.penaltyPercent !== undefined || rule.penaltyPoints !== undefined || rule.redress !== undefined) return null;
  const counts: Record<string, number> = {
    ZERO: 0,
    STARTERS: race.filter((x) => x.status !== 'DNS' && x.status !== 'DNC').length,
    FINISHERS: race.filter((x) => PLACED.includes(x.status)).length,
    ENTERED_IN_RACE: race.length,
    ENTERED_IN_SERIES: enteredInSeries,
  };
  return counts[rule.base ?? 'ZERO'] + (rule.plus ?? 0);
}

/** A status's score when unplaced; penalties without a place score as DNF, redress (until averaged) as DNC. */
function unplaced(input: ComputeInput, status: string, race: RaceResultInput[], enteredInSeries: number): number {
  const score = counted(ruleOf(input, status), race, enteredInSeries);
  if (score !== null) return score;
  if (status === 'RDG') return unplaced(input, 'DNC', race, enteredInSeries);
  return counted(ruleOf(input, 'DNF'), race, enteredInSeries) ?? 0;
}

/** A finisher with a time: what TIME and PERCENT_OF_WINNER scales score. */
const timed = (r: RaceResultInput) => r.status === 'FIN' && r.timeMs != null;

function resultPoints(input: ComputeInput, r: RaceResultInput, race: RaceResultInput[], enteredInSeries: number): number {
  const starters = race.filter((x) => x.status !== 'DNS' && x.status !== 'DNC').length;
  if (input.scale.kind === 'PERCENT_OF_WINNER') {
    if (!timed(r)) return r.status === 'FIN' ? 0 : unplaced(input, r.status, race, enteredInSeries);
    const winner = Math.min(...race.filter(timed).map((x) => x.timeMs!));
    const decimals = 10 ** (input.scale.precision ?? 2);
    return r.timeMs === 0 ? 100 : Math.round((winner / r.timeMs!) * 100 * decimals) / decimals;
  }
  if (r.position === null) {
    if (r.status === 'FIN') return input.scale.lowPoint ? starters + 1 : input.scale.kind === 'TABLE' ? input.scale.beyondTable ?? 0 : 0;
    return unplaced(input, r.status, race, enteredInSeries);
  }
  const tied = race.filter((x) => x.position === r.position).length;
  let place: number;
  if (tied === 1 || input.scale.ties === 'SAME') place = placePoints(input, r.position, starters);
  else {
    let total = 0;
    for (let k = 0; k < tied; k++) total += placePoints(input, r.position + k, starters);
    place = total / tied;
  }
  if (r.status === 'FIN') return place;
  const rule = ruleOf(input, r.status);
  if (rule.penaltyPercent === undefined && rule.penaltyPoints === undefined) return unplaced(input, r.status, race, enteredInSeries);
  // Worsened by the penalty (a percentage of DNF's score in low point, of the place's points in high point, to 0.1 with 0.05 up), never past DNF.
  const dnf = unplaced(input, 'DNF', race, enteredInSeries);
  const percent = ((rule.penaltyPercent ?? 0) * (input.scale.lowPoint ? dnf : place)) / 100;
  const penalty = Math.round(percent * 10 + 1e-9) / 10 + (rule.penaltyPoints ?? 0);
  return input.scale.lowPoint ? Math.max(place, Math.min(place + penalty, dnf)) : Math.min(place, Math.max(place - penalty, dnf));
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
 * board held (with a result in scope), and which riders are ranked (enough events raced: a
 * missed or DNC event does not count). With `missed: "DNC"` a rider scores DNC in each event
 * with a race on the board they have no result in (on their latest race's category there, else
 * the event's first category by code; not on TIME scales, where only times count); an RDG
 * result scores its own redress (a stated score as given; the average of the rider's events
 * without an RDG, of the listed ones or of all), else under an averaging scale rule the average
 * of the rider's events without an RDG (or of the scale's listed ones), to 0.1 with 0.05 up; with
 * nothing to average it keeps its score. An event with a result whose code may not be discarded
 * is never dropped.
 */
export function oracle(input: ComputeInput): {
  totals: Map<string, number>; perEvent: Map<string, Map<number, number>>; completed: number; ranked: Map<string, boolean>;
} {
  const { board, events } = input;
  const inScope = events
    .filter((event) => !(board.eventScope === 'STARRED' && !event.starred) && !(board.eventScope === 'LISTED' && !(board.eventIds ?? []).includes(event.id)))
    .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.id - b.id));
  const races = inScope.flatMap((event) =>
    [...board.categories].sort((a, b) => (a.code < b.code ? -1 : 1))
      .map((category) => ({ event, category, results: input.results.filter((r) => r.eventId === event.id && r.category === category.code) }))
      .filter((race) => race.results.length > 0));
  const enteredInSeries = new Set(races.flatMap((race) => race.results.map((r) => r.participantId))).size;
  const perEvent = new Map<string, Map<number, number>>();
  const withRdg = new Map<string, Set<number>>();
  const kept = new Map<string, Set<number>>();
  const raced = new Map<string, Set<number>>();
  const latestCategory = new Map<string, string>();
  const isTime = input.scale.kind === 'TIME';
  const add = (key: string, eventId: number, milli: number) => {
    if (!perEvent.has(key)) perEvent.set(key, new Map());
    const m = perEvent.get(key)!;
    m.set(eventId, (m.get(eventId) ?? 0) + milli);
  };
  const mark = (sets: Map<string, Set<number>>, key: string, eventId: number) => {
    if (!sets.has(key)) sets.set(key, new Set());
    sets.get(key)!.add(eventId);
  };
  // TIME: a timed finisher's time in ms (seconds to the thousandth). Otherwise points, times the
  // multipliers, plus participation points for every race started (not DNS nor DNC).
  const resultMilli = (r: RaceResultInput, results: RaceResultInput[], multiplier: number) => {
    if (isTime) return r.timeMs!;
    const participation = r.status !== 'DNS' && r.status !== 'DNC' ? input.scale.participationPoints ?? 0 : 0;
    return Math.round((resultPoints(input, r, results, enteredInSeries) * multiplier + participation) * 1000);
  };
  for (const { event, category, results } of races) {
    for (const r of results) {
      // TIME: nobody but timed finishers scores.
      if (isTime && !timed(r)) continue;
      const key = `p:${r.participantId}`;
      add(key, event.id, resultMilli(r, results, event.pointsMultiplier * category.multiplier));
      if (r.status === 'RDG') mark(withRdg, key, event.id);
      if (!discardable(input, r.status)) mark(kept, key, event.id);
      if (r.status !== 'DNC') mark(raced, key, event.id);
      latestCategory.set(key, category.code);
    }
  }
  if (board.missed === 'DNC' && !isTime) {
    for (const event of inScope) {
      const eventRaces = races.filter((race) => race.event.id === event.id);
      if (eventRaces.length === 0) continue;
      for (const [key, scores] of perEvent) {
        if (scores.has(event.id)) continue;
        const race = eventRaces.find((x) => x.category.code === latestCategory.get(key)) ?? eventRaces[0];
        add(key, event.id, Math.round(unplaced(input, 'DNC', race.results, enteredInSeries) * event.pointsMultiplier * race.category.multiplier * 1000));
        if (!discardable(input, 'DNC')) mark(kept, key, event.id);
      }
    }
  }
  for (const [key, ids] of withRdg) {
    const scores = perEvent.get(key)!;
    // Averages are of the scores before any redress: those of events without an RDG.
    const averageOf = (listed: number[] | null): number | null => {
      const others = [...scores].filter(([id]) => !ids.has(id) && (!listed || listed.includes(id))).map(([, v]) => v);
      return others.length === 0 ? null : Math.round(others.reduce((a, b) => a + b, 0) / others.length / 100 + 1e-9) * 100;
    };
    const scaleRule = ruleOf(input, 'RDG');
    const redressed = new Map<number, number>();
    for (const id of ids) {
      let total = 0;
      for (const race of races.filter((x) => x.event.id === id)) {
        for (const r of race.results.filter((x) => `p:${x.participantId}` === key)) {
          const own = resultMilli(r, race.results, race.event.pointsMultiplier * race.category.multiplier);
          const given = r.status === 'RDG' ? r.redress ?? null : null;
          let value: number | null = null;
          if (r.status !== 'RDG') value = own;
          else if (given && 'points' in given) value = Math.round(given.points * 10) * 100;
          else if (given && 'events' in given) value = averageOf(given.events);
          else if (given) value = averageOf(null);
          else if (scaleRule.redress !== undefined) value = averageOf(scaleRule.eventIds ?? null);
          total += value ?? own;
        }
      }
      redressed.set(id, total);
    }
    for (const [id, total] of redressed) scores.set(id, total);
  }
  const better = (a: number, b: number) => (lowerWins(input) ? a < b : a > b);
  const completed = new Set(races.map((race) => race.event.id)).size;
  // The schedule's thresholds reached, or dropWorst.
  const drops = board.discardSchedule?.length ? board.discardSchedule.filter((n) => n <= completed).length : board.dropWorst ?? 0;
  const required = board.minEvents ?? (isTime ? completed : 0);
  const totals = new Map<string, number>();
  const ranked = new Map<string, boolean>();
  for (const [key, scores] of perEvent) {
    ranked.set(key, (raced.get(key)?.size ?? 0) >= required);
    const fixedIds = new Set([...(board.nonDroppableEventIds ?? []), ...(kept.get(key) ?? [])]);
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
