/** The calculators' entry points: races grouped, scored into entries, season rules applied, ranked, as a Table. */
import { Accumulator, Names } from './entry';
import { addIndividual } from './individual';
import { applyRedress, validateRedress } from './redress';
import { toPackedInput } from './packed';
import { lowerIsBetter } from './points';
import { groupRaces, Race, ridersEntered } from './races';
import { plainScorer } from './race-scores';
import { rank } from './ranking';
import { applySeasonRules } from './season';
import { codeTable, usesSeriesEntries } from './status-codes';
import { eventsRaced, ScoreStore } from './store';
import { RankedEntry, Table } from './table';
import { addTeams } from './teams';
import { ComputeInput, ComputeResult, LeaderboardConfig, PackedInput, ResultRedress, StandingEntry, StandingHead, StandingsTable } from './types';
import { validateEvent, validateLeaderboardConfig, validatePointsScale } from './validate';

const DEFAULT_TIE_BREAKS = ['COUNTBACK', 'MOST_RECENT'] as const;

/**
 * Board standings from race results: score each race with the points scale, aggregate per
 * rider or group with the board's strategy, apply the season rules, rank. Pure and
 * deterministic: the same input in any order gives the same output.
 */
export function computeStandings(input: ComputeInput): ComputeResult {
  // Before packing (which checks every result): a bad setting is reported before a bad result.
  validateSettings(input);
  const table = computeStandingsTable(toPackedInput(input));
  const entries = table.entries.map((head, i): StandingEntry => ({
    key: head.key, kind: head.kind, participantId: head.participantId, customValueId: head.customValueId, category: head.category,
    name: head.name, group: head.group, points: head.points, position: head.position, seq: head.seq, eventsCounted: head.eventsCounted,
    breakdown: table.breakdown(i),
  }));
  return { entries, summary: table.summary };
}

/**
 * computeStandings on packed races, with breakdowns made on demand (see StandingsTable).
 *
 * Built for a million results in well under a second: per-result data lives in typed arrays
 * (the packed input, then ScoreStore), entries are keyed by number where they can be, and no
 * object is made per result.
 */
export function computeStandingsTable(input: PackedInput): StandingsTable {
  const { scale, board, events, participantNames, customValues } = input;
  validateSettings(input);
  input.redress?.forEach((redress, id) => validateRedress(redress, `result ${id}`));

  const ignored: Record<string, number> = {};
  const ignore = (reason: string, n = 1) => (ignored[reason] = (ignored[reason] ?? 0) + n);
  const codes = codeTable(scale);
  const { races, dates, size } = groupRaces(board, events, input.races, participantNames, ignore, codes, input.validRaces);

  const lowPoint = lowerIsBetter(scale);
  const entries: Accumulator[] = [];
  const names: Names = { participant: (id) => participantNames.get(id) ?? `#${id}`, group: (id) => customValues.get(id) ?? { id, name: `#${id}` } };
  let store: ScoreStore;
  let used = 0;
  let lineRedress: ReadonlyMap<number, ResultRedress> | null = null;
  const enteredInSeries = usesSeriesEntries(scale) ? ridersEntered(races) : 0;
  const score = input.raceScores?.scorer(scale) ?? plainScorer(scale);
  if (board.type === 'INDIVIDUAL') {
    let untimed: number;
    ({ store, used, untimed, lineRedress } = addIndividual(entries, races, size, scale, names, { enteredInSeries, missed: board.missed === 'DNC', redress: input.redress, score }));
    if (untimed > 0) ignore('no time', untimed);
  } else {
    ({ store, used } = addTeams(entries, races, scale, board, names, ignore, enteredInSeries, score));
  }
  const raceOrd = new Int32Array(races.length);
  const raceNonDroppable = new Uint8Array(races.length);
  races.forEach((race, r) => {
    raceOrd[r] = race.info.ord;
    raceNonDroppable[r] = race.info.nonDroppable ? 1 : 0;
  });
  store.codeNames = codes.names;
  store.groupScores(raceOrd, raceNonDroppable);
  if (board.type === 'INDIVIDUAL') applyRedress(store, scale, races.map((race) => race.event.id), lineRedress);

  const completed = racesCompleted(races);
  const rules = { bestOf: board.bestOf ?? null, dropWorst: discards(board, completed), lowPoint };
  // A TIME total compares like with like only over the same races: by default every race held.
  const minEvents = board.minEvents ?? (scale.kind === 'TIME' ? completed : 0);
  for (const acc of entries) {
    const first = store.scoreStart[acc.index];
    const end = store.scoreStart[acc.index + 1];
    const { dropped, droppedWorst, counted } = applySeasonRules(store, first, end, rules);
    let milli = 0;
    for (let s = first; s < end; s++) if (!store.dropped[s]) milli += store.milli[s];
    acc.first = first;
    acc.end = end;
    acc.counted = counted;
    acc.dropped = dropped;
    acc.droppedWorst = droppedWorst;
    acc.milli = milli;
    acc.ranked = (minEvents > 0 ? eventsRaced(store, first, end) : end - first) >= minEvents;
  }
  const kept = board.belowMinEvents === 'EXCLUDE' ? entries.filter((e) => e.ranked) : entries;
  if (kept.length < entries.length) ignored['entry below minEvents'] = entries.length - kept.length;

  // Equal total times: the most recent race's time decides (place count-back means nothing there).
  const tieBreaks = scale.kind === 'TIME' ? ['MOST_RECENT' as const] : board.tieBreaks ?? [...DEFAULT_TIE_BREAKS];
  const heads: StandingHead[] = [];
  const ranked: RankedEntry[] = [];
  for (const category of rankingGroups(board)) {
    const members = category === null ? kept : kept.filter((b) => b.category === category);
    for (const r of rank(members, { lowPoint, tieBreaks, dense: board.ranking === 'DENSE' }, { store, dates })) {
      const acc = r.item;
      ranked.push({ acc, tieBreak: r.tieBreak });
      heads.push({
        key: acc.key,
        kind: acc.kind,
        participantId: acc.participantId,
        customValueId: acc.customValueId,
        category: acc.category,
        name: acc.name,
        group: acc.group,
        points: acc.milli / 1000,
        position: r.position,
        seq: heads.length + 1,
        eventsCounted: acc.counted,
      });
    }
  }
  let resultsIgnored = 0;
  for (const reason of Object.keys(ignored)) if (reason !== 'entry below minEvents') resultsIgnored += ignored[reason];
  const reasons: [string, string] = [`one of the ${rules.dropWorst} worst results`, `outside the best ${rules.bestOf}`];
  // The table outlives the computation (its breakdowns are made later): it keeps each race's
  // event and category, not its results.
  const raceNames = races.map(({ event, category }) => ({ event, category }));
  return new Table(heads, { entries: heads.length, resultsUsed: used, resultsIgnored, ignored }, ranked, store, raceNames, reasons);
}

function validateSettings({ scale, board, events }: Pick<ComputeInput, 'scale' | 'board' | 'events'>): void {
  validatePointsScale(scale);
  validateLeaderboardConfig(board);
  events.forEach(validateEvent);
}

// --- Appendix A series rules (issue 15) ---

/** Races completed: the board's events (in scope) with at least one result. */
function racesCompleted(races: Race[]): number {
  let n = 0;
  for (let r = 0; r < races.length; r++) if (r === 0 || races[r].info.ord !== races[r - 1].info.ord) n += 1;
  return n;
}

/** Discards: dropWorst, or by the discard schedule, the count of its thresholds reached (A2.1). */
function discards(board: LeaderboardConfig, completed: number): number | null {
  const schedule = board.discardSchedule;
  if (!schedule?.length) return board.dropWorst ?? null;
  let n = 0;
  while (n < schedule.length && schedule[n] <= completed) n += 1;
  return n;
}

/** SCHOOL and GROUP rank within each category (in the board's order); others rank as one list. */
function rankingGroups(board: LeaderboardConfig): (string | null)[] {
  return board.type === 'SCHOOL' || board.type === 'GROUP' ? board.categories.map((c) => c.code) : [null];
}
