/** The standings as a StandingsTable: heads, breakdowns built on demand, and the entries' digests (fingerprint.ts). */
import { Digest } from './digest';
import { Accumulator } from './entry';
import { RaceName } from './races';
import { ScoreStore } from './store';
import { Breakdown, ComputeSummary, ContributionLine, StandingHead, StandingsTable } from './types';

/** An entry as ranked: the breakdown and digest read its scores in the store. */
export interface RankedEntry {
  acc: Accumulator;
  tieBreak: string | null;
}

/** Which of the two drop reasons a dropped line gives. */
const WORST = 0;
const BEST_OF = 1;

export class Table implements StandingsTable {
  private readonly make: LineMaker;
  /** Two words (64 bits) per race naming its event and category, and per drop reason, for the digests. */
  private readonly raceWords: Int32Array;
  private readonly reasonWords: [number, number][];
  /** Per race, the start of its lines' tuples in the stored form; per drop reason, the start of a dropped tuple. */
  private readonly raceTexts: string[];
  private readonly reasonTexts: string[];
  private readonly statusTexts = new Map<string, string>();

  constructor(
    readonly entries: StandingHead[],
    readonly summary: ComputeSummary,
    private readonly ranked: RankedEntry[],
    private readonly store: ScoreStore,
    races: RaceName[],
    private readonly reasons: [string, string],
  ) {
    this.make = new LineMaker(store, races);
    this.raceWords = Int32Array.from(races.flatMap(({ event, category }) =>
      new Digest().number(event.id).string(event.name).string(event.date).string(category.code).words()));
    this.reasonWords = reasons.map((reason) => new Digest().string(reason).words());
    this.raceTexts = races.map(({ event, category }) =>
      `${JSON.stringify(event.id)},${JSON.stringify(event.name)},${JSON.stringify(event.date)},${JSON.stringify(category.code)},`);
    this.reasonTexts = reasons.map((reason) => `${JSON.stringify(reason)},`);
  }

  breakdown(i: number): Breakdown {
    const { store, make } = this;
    const { acc, tieBreak } = this.ranked[i];
    const counted: ContributionLine[] = [];
    for (let s = acc.first; s < acc.end; s++) {
      if (!store.dropped[s]) for (let l = store.firstLine[s]; l < store.firstLine[s + 1]; l++) counted.push(make.line(l));
    }
    const dropped: (ContributionLine & { reason: string })[] = [];
    for (let d = 0; d < acc.dropped.length; d++) {
      const reason = this.reasons[d < acc.droppedWorst ? WORST : BEST_OF];
      const s = acc.dropped[d];
      for (let l = store.firstLine[s]; l < store.firstLine[s + 1]; l++) dropped.push(make.line(l, reason));
    }
    return { counted, dropped, tieBreak };
  }

  /**
   * The stored form of breakdown(i) (breakdown-form.ts), written as text from the store: no line
   * objects, and each race's part of a line (event id, name, date, category) escaped once per
   * table, not once per line. Why: a first run of a 25,000-entry board writes every breakdown,
   * and building and stringifying the objects was most of Node's share of that write. Equal to
   * `compact(this.breakdown(i))` (unit test).
   */
  breakdownText(i: number): string {
    const { store } = this;
    const { acc, tieBreak } = this.ranked[i];
    let text = '[[';
    let first = true;
    for (let s = acc.first; s < acc.end; s++) {
      if (store.dropped[s]) continue;
      for (let l = store.firstLine[s]; l < store.firstLine[s + 1]; l++) {
        text += first ? '[' : ',[';
        first = false;
        text += this.tupleText(l);
      }
    }
    text += '],[';
    first = true;
    for (let d = 0; d < acc.dropped.length; d++) {
      const reason = this.reasonTexts[d < acc.droppedWorst ? WORST : BEST_OF];
      const s = acc.dropped[d];
      for (let l = store.firstLine[s]; l < store.firstLine[s + 1]; l++) {
        text += first ? '[' : ',[';
        first = false;
        text += reason;
        text += this.tupleText(l);
      }
    }
    return `${text}],${tieBreak === null ? 'null' : JSON.stringify(tieBreak)}]`;
  }

  /** Line l's tuple in the stored form, from its event id to its end (breakdown-form.ts). */
  private tupleText(l: number): string {
    const { store } = this;
    const race = this.raceTexts[store.lineRace[l]];
    const points = jsonNumber(store.lineMilli[l] / 1000);
    if (store.isTeam(l)) {
      let riders = '';
      for (const r of store.lineRiders[l]) riders += `${riders === '' ? '' : ','}[${JSON.stringify(r.name)},${r.place === null ? 'null' : jsonNumber(r.place)},${jsonNumber(r.points)}]`;
      return `${race}null,"FIN",${points},[${riders}]]`;
    }
    const place = store.linePlace[l];
    return `${race}${place === place ? jsonNumber(place) : 'null'},${this.statusText(l)},${points}]`;
  }

  private statusText(l: number): string {
    const status = this.store.status(l);
    let text = this.statusTexts.get(status);
    if (text === undefined) this.statusTexts.set(status, (text = JSON.stringify(status)));
    return text;
  }

  valuesDigest(i: number): string {
    const head = this.entries[i];
    return new Digest()
      .string(head.key).string(head.kind).number(head.participantId ?? NaN).number(head.customValueId ?? NaN)
      .optional(head.category).string(head.name).optional(head.group)
      .number(head.points).number(head.position ?? NaN).number(head.seq).number(head.eventsCounted)
      .hex();
  }

  breakdownDigest(i: number): string {
    const { store } = this;
    const { acc, tieBreak } = this.ranked[i];
    const d = new Digest().optional(tieBreak);
    d.word(acc.counted);
    for (let s = acc.first; s < acc.end; s++) {
      if (!store.dropped[s]) for (let l = store.firstLine[s]; l < store.firstLine[s + 1]; l++) this.line(d, l);
    }
    d.word(acc.dropped.length);
    for (let k = 0; k < acc.dropped.length; k++) {
      const s = acc.dropped[k];
      const [r1, r2] = this.reasonWords[k < acc.droppedWorst ? WORST : BEST_OF];
      d.word(r1).word(r2);
      for (let l = store.firstLine[s]; l < store.firstLine[s + 1]; l++) this.line(d, l);
    }
    return d.hex();
  }

  /** What LineMaker.line shows of line l, into the digest. */
  private line(d: Digest, l: number): void {
    const { store } = this;
    const place = store.linePlace[l];
    const race = 2 * store.lineRace[l];
    d.words4(this.raceWords[race], this.raceWords[race + 1], place === place ? place : -1, store.lineKind[l], store.lineMilli[l]);
    if (store.isTeam(l)) {
      const riders = store.lineRiders[l];
      d.word(riders.length);
      for (const rider of riders) d.string(rider.name).number(rider.place ?? NaN).number(rider.points);
    }
  }
}

/** Builds the breakdown's lines from the store. */
class LineMaker {
  constructor(
    private readonly store: ScoreStore,
    private readonly races: RaceName[],
  ) {}

  /**
   * Line l as a breakdown line; a dropped one has its reason. Built in one literal per shape: no
   * spread.
   *
   * Keys in jsonb's order: each literal lists its keys as PostgreSQL's jsonb stores them (shorter
   * keys first, then bytewise: date, place, points, reason, riders, status, eventId, category,
   * eventName; a team line's riders are { name, place, points }, and the breakdown's own keys
   * counted, dropped, tieBreak, already are). When breakdowns were stored as jsonb, keys that
   * arrived sorted made jsonb's per-object sort a check (3-12 % of a first run's COPY,
   * BENCHMARKS.md, issue 16, target 4, round four). Since migration BreakdownText the writer
   * stores breakdownText() instead, and the readers expand it to objects in this same order
   * (breakdown-form.ts): a breakdown built here stringifies exactly as the API answers it.
   */
  line(l: number): ContributionLine;
  line(l: number, reason: string): ContributionLine & { reason: string };
  line(l: number, reason?: string): ContributionLine {
    const { store } = this;
    const { event, category } = this.races[store.lineRace[l]];
    const points = store.lineMilli[l] / 1000;
    if (store.isTeam(l)) {
      const riders = store.lineRiders[l];
      return reason === undefined
        ? { date: event.date, place: null, points, riders, status: 'FIN', eventId: event.id, category: category.code, eventName: event.name }
        : { date: event.date, place: null, points, reason, riders, status: 'FIN', eventId: event.id, category: category.code, eventName: event.name } as ContributionLine;
    }
    const place = store.linePlace[l] === store.linePlace[l] ? store.linePlace[l] : null;
    const status = store.status(l);
    return reason === undefined
      ? { date: event.date, place, points, status, eventId: event.id, category: category.code, eventName: event.name }
      : { date: event.date, place, points, reason, status, eventId: event.id, category: category.code, eventName: event.name } as ContributionLine;
  }
}

/** A number as JSON.stringify writes it (null for NaN and the infinities). */
function jsonNumber(n: number): string {
  return Number.isFinite(n) ? String(n) : 'null';
}
