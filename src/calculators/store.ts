import { STATUS_CODE, STATUSES } from './packed-format';

/**
 * Working storage for one computation, kept column-wise in typed arrays so that a million
 * results cost a few flat buffers rather than millions of small objects for the garbage
 * collector to trace and copy, and laid out entry by entry so that an entry's data is read
 * from consecutive memory. Everything is sized by the number of results: memory is linear.
 *
 * Lines are one per result on individual boards and one per team race score on team boards.
 * They are produced race by race; the store holds them grouped by entry (race order kept
 * within an entry), then groups each entry's consecutive lines of one event into an event
 * score. The breakdown's ContributionLine objects are only made from it at the end.
 */

/**
 * A line's `kind`: its status's code (STATUS_CODE, as in packed results) and flags. The two low
 * bits of the code stay where they were before there were more than four codes (with the flags
 * in bits 2 and 3), the rest of it goes above the flags: a line of one of the first four codes has
 * the same kind, and so the same digest, as before.
 */
const LOW_STATUS = 3;
const HIGH_STATUS_SHIFT = 4;
/** The line makes its event score non-droppable (a code that may not be discarded, a DSQ with `dsqNonDroppable`). */
export const KEEPS = 4;
/** A team line: no place, status FIN, and the riders that counted. */
export const TEAM = 8;

/** The kind of a line of status `code` (flags to be or-ed in). */
export function statusKind(code: number): number {
  return (code & LOW_STATUS) | ((code >> 2) << HIGH_STATUS_SHIFT);
}

/** The status code in a line's kind. */
export function kindStatus(kind: number): number {
  return (kind & LOW_STATUS) | ((kind >> HIGH_STATUS_SHIFT) << 2);
}

export type TeamRider = { name: string; place: number | null; points: number };

export class ScoreStore {
  /** Lines, entry by entry (in race order within an entry). */
  readonly lineRace: Int32Array;
  readonly lineMilli: Float64Array;
  /** The rider's place, NaN when unplaced and for team lines. */
  readonly linePlace: Float64Array;
  /** Status code and flags (statusKind, KEEPS, TEAM). */
  readonly lineKind: Uint16Array;
  /** Team lines only. */
  readonly lineRiders: TeamRider[][] = [];
  /** Entry e's lines are lineStart[e] … lineStart[e + 1] - 1. */
  readonly lineStart: Int32Array;
  /** Where each entry's next line goes while the lines are placed. */
  private readonly cursor: Int32Array;
  /** Status names by code: the built-ins, and the organiser-defined codes of the computation (codeTable). */
  codeNames: readonly string[] = STATUSES;

  /** Event scores, entry by entry and in event order within an entry. */
  ord = new Int32Array(0);
  milli = new Float64Array(0);
  nonDroppable = new Uint8Array(0);
  /** Set once the season rules drop a score. */
  dropped = new Uint8Array(0);
  /** Score s's lines are firstLine[s] … firstLine[s + 1] - 1. */
  firstLine = new Int32Array(1);
  /** Entry e's scores are scoreStart[e] … scoreStart[e + 1] - 1. */
  scoreStart: Int32Array;

  /** Room for `lines` lines of `entries` entries, `count[e]` of them entry e's. */
  constructor(
    readonly entries: number,
    readonly lines: number,
    count: ArrayLike<number>,
  ) {
    const lineStart = (this.lineStart = new Int32Array(entries + 1));
    for (let e = 0; e < entries; e++) lineStart[e + 1] = lineStart[e] + count[e];
    this.cursor = lineStart.slice(0, entries);
    this.lineRace = new Int32Array(lines);
    this.lineMilli = new Float64Array(lines);
    this.linePlace = new Float64Array(lines);
    this.lineKind = new Uint16Array(lines);
    this.scoreStart = new Int32Array(entries + 1);
  }

  /** Places entry e's next line (lines must come in race order). */
  put(e: number, race: number, milli: number, place: number, kind: number): number {
    const l = this.cursor[e]++;
    this.lineRace[l] = race;
    this.lineMilli[l] = milli;
    this.linePlace[l] = place;
    this.lineKind[l] = kind;
    return l;
  }

  /**
   * Once every line is placed: each entry's consecutive lines of one event become an event
   * score. `raceOrd` is each race's event order; `nonDroppableRace` whether its event may not be dropped.
   */
  groupScores(raceOrd: Int32Array, nonDroppableRace: Uint8Array): void {
    const { entries, lineStart, lineRace, lineMilli, lineKind } = this;
    let scores = 0;
    for (let e = 0; e < entries; e++) {
      for (let l = lineStart[e]; l < lineStart[e + 1]; l++) if (l === lineStart[e] || raceOrd[lineRace[l]] !== raceOrd[lineRace[l - 1]]) scores += 1;
    }
    const ord = (this.ord = new Int32Array(scores));
    const milli = (this.milli = new Float64Array(scores));
    const nonDroppable = (this.nonDroppable = new Uint8Array(scores));
    this.dropped = new Uint8Array(scores);
    const firstLine = (this.firstLine = new Int32Array(scores + 1));
    let s = -1;
    for (let e = 0; e < entries; e++) {
      this.scoreStart[e] = s + 1;
      for (let l = lineStart[e]; l < lineStart[e + 1]; l++) {
        const race = lineRace[l];
        if (l === lineStart[e] || raceOrd[race] !== raceOrd[lineRace[l - 1]]) {
          s += 1;
          ord[s] = raceOrd[race];
          firstLine[s] = l;
          nonDroppable[s] = nonDroppableRace[race];
        }
        milli[s] += lineMilli[l];
        if (lineKind[l] & KEEPS) nonDroppable[s] = 1;
      }
    }
    this.scoreStart[entries] = scores;
    firstLine[scores] = this.lines;
  }

  /** A line's status. */
  status(l: number): string {
    return this.codeNames[kindStatus(this.lineKind[l])];
  }

  isTeam(l: number): boolean {
    return (this.lineKind[l] & TEAM) !== 0;
  }
}

const { DNC } = STATUS_CODE;

/**
 * How many of the event scores first … end - 1 the rider raced in: all but those that are only
 * DNC lines (a missed race, or a result entered as DNC). minEvents counts these.
 */
export function eventsRaced(store: ScoreStore, first: number, end: number): number {
  const { firstLine, lineKind } = store;
  let raced = 0;
  for (let s = first; s < end; s++) {
    for (let l = firstLine[s]; l < firstLine[s + 1]; l++) {
      if (kindStatus(lineKind[l]) !== DNC) {
        raced += 1;
        break;
      }
    }
  }
  return raced;
}
