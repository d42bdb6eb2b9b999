/** Team boards (SCHOOL, TOP_SCHOOLS, GROUP): an entry per group, a line per race it scores in. */
import { Accumulator, entry, Names } from './entry';
import * as format from './packed-format';
import { isTimed, lowerIsBetter } from './points';
import { Race } from './races';
import { keptCodes } from './status-codes';
import { KEEPS, ScoreStore, TeamRider, TEAM } from './store';
import { GroupSlot, LeaderboardConfig, PointsScaleConfig, RaceScorer } from './types';

// Held in module constants: read off the codec's exports in a loop, each use is a property load (2-6 % slower at 1M results).
const { INTS_PER_RESULT: STRIDE, PARTICIPANT_AT: PARTICIPANT, PLACE_AT: PLACE, STATUS_AT: STATUS, PACKED, PLACED_BY_CODE: PLACED } = format;

/** A team's score in one race, before the lines are placed entry by entry. */
interface TeamLine {
  entry: number;
  race: number;
  milli: number;
  kind: number;
  riders: TeamRider[];
}

function placeTeamLines(entries: number, teamLines: TeamLine[]): ScoreStore {
  const count = new Int32Array(entries);
  for (const t of teamLines) count[t.entry] += 1;
  const store = new ScoreStore(entries, teamLines.length, count);
  for (const t of teamLines) store.lineRiders[store.put(t.entry, t.race, t.milli, NaN, t.kind)] = t.riders;
  return store;
}

function groupSlots(board: LeaderboardConfig): GroupSlot[] {
  return board.type === 'GROUP' ? board.groupBy ?? [] : ['custom1'];
}

/**
 * SCHOOL, TOP_SCHOOLS and GROUP: a line per group and race it scores in (addTeamsOfRace), in
 * a store of its own; returns how many results were used.
 */
export function addTeams(
  entries: Accumulator[],
  races: Race[],
  scale: PointsScaleConfig,
  board: LeaderboardConfig,
  names: Names,
  ignore: (reason: string, n?: number) => void,
  enteredInSeries: number,
  score: RaceScorer,
): { store: ScoreStore; used: number } {
  const byKey = new Map<string, Accumulator>();
  const teamLines: TeamLine[] = [];
  let used = 0;
  for (let r = 0; r < races.length; r++) used += addTeamsOfRace(entries, byKey, teamLines, races, r, scale, board, names, ignore, enteredInSeries, score);
  return { store: placeTeamLines(entries.length, teamLines), used };
}

/** In race `r` a group scores the sum of its best `countingRiders` results, provided it has `minRiders` finishers. */
function addTeamsOfRace(
  entries: Accumulator[],
  byKey: Map<string, Accumulator>,
  teamLines: TeamLine[],
  races: Race[],
  r: number,
  scale: PointsScaleConfig,
  board: LeaderboardConfig,
  names: Names,
  ignore: (reason: string, n?: number) => void,
  enteredInSeries: number,
  score: RaceScorer,
): number {
  const race = races[r];
  const results = race.results;
  const size = results.length / STRIDE;
  // Result i's value at `offset`.
  const value = (i: number, offset: number) => results[i * STRIDE + offset];
  const milli = score(results, race.event.pointsMultiplier * race.category.multiplier, enteredInSeries);
  const kept = keptCodes(scale);
  const lowPoint = lowerIsBetter(scale);
  const timedOnly = scale.kind === 'TIME';
  const slots = groupSlots(board).map((slot) => PACKED[slot]);
  const teams = new Map<number, number[]>();
  let used = 0;
  for (let i = 0; i < size; i++) {
    if (timedOnly && !isTimed(results, i * STRIDE)) {
      ignore('no time');
      continue;
    }
    let group = -1;
    for (const slot of slots) {
      if (value(i, slot) >= 0) {
        group = value(i, slot);
        break;
      }
    }
    if (group < 0) {
      ignore(board.type === 'GROUP' ? 'no group' : 'no school');
      continue;
    }
    let members = teams.get(group);
    if (!members) teams.set(group, (members = []));
    members.push(i);
    used += 1;
  }
  const counting = board.countingRiders ?? Number.MAX_SAFE_INTEGER;
  const minRiders = board.minRiders ?? 0;
  const perCategory = board.type !== 'TOP_SCHOOLS';
  const placeOf = (m: number) => (value(m, PLACE) > 0 ? value(m, PLACE) : Infinity);
  for (const [groupId, members] of teams) {
    let finishers = 0;
    for (const m of members) finishers += PLACED[value(m, STATUS)];
    if (finishers < minRiders) {
      ignore('group below minRiders in a race', members.length);
      used -= members.length;
      continue;
    }
    const best = members
      .sort((a, b) => (lowPoint ? milli[a] - milli[b] : milli[b] - milli[a]) || placeOf(a) - placeOf(b) || value(a, PARTICIPANT) - value(b, PARTICIPANT))
      .slice(0, counting);
    let sum = 0;
    for (const m of best) sum += milli[m];
    const key = perCategory ? `c:${groupId}:${race.category.code}` : `c:${groupId}`;
    let acc = byKey.get(key);
    if (!acc) {
      const category = perCategory ? race.category.code : null;
      acc = entry(entries.length, key, 'CUSTOM', null, groupId, category, names.group(groupId).name, category);
      byKey.set(key, acc);
      entries.push(acc);
    }
    const riders = best.map((m) => {
      const place = value(m, PLACE);
      return { name: names.participant(value(m, PARTICIPANT)), place: place > 0 ? place : null, points: milli[m] / 1000 };
    });
    // A counted result that may not be discarded (DNE, DGM, DSQ with dsqNonDroppable) keeps the team's race score.
    const keeps = best.some((m) => kept[value(m, STATUS)]);
    teamLines.push({ entry: acc.index, race: r, milli: sum, kind: TEAM | (keeps ? KEEPS : 0), riders });
  }
  return used;
}
