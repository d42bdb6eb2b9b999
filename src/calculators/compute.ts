import { scoreRace, ScoredResult } from './points';
import { rank } from './ranking';
import { applySeasonRules, EventScore } from './season';
import {
  BoardCategory, ComputeInput, ComputeResult, ContributionLine, CustomValueRef, EventInput, GroupSlot, LeaderboardConfig,
  PointsScaleConfig, RaceResultInput, StandingEntry,
} from './types';
import { validateEvent, validateLeaderboardConfig, validatePointsScale, validateResult } from './validate';

/** An entry being built: its identity, and its per-event scores before the season rules. */
type Accumulator = Pick<StandingEntry, 'key' | 'kind' | 'participantId' | 'customValueId' | 'category' | 'name' | 'group'> & {
  /** Date of the race the rider's group was last seen in. */
  groupDate: string;
  events: Map<number, EventScore>;
};

interface Race {
  event: EventInput;
  category: BoardCategory;
  results: RaceResultInput[];
}

const DEFAULT_TIE_BREAKS = ['COUNTBACK', 'MOST_RECENT'] as const;

/**
 * Board standings from race results: score each race with the points scale, aggregate per
 * rider or group with the board's strategy, apply the season rules, rank. Pure and
 * deterministic: the same input in any order gives the same output.
 */
export function computeStandings({ scale, board, events, results }: ComputeInput): ComputeResult {
  validatePointsScale(scale);
  validateLeaderboardConfig(board);
  events.forEach(validateEvent);

  const ignored: Record<string, number> = {};
  const ignore = (reason: string) => (ignored[reason] = (ignored[reason] ?? 0) + 1);
  const races = groupRaces(board, events, results, ignore);

  const lowPoint = scale.lowPoint === true;
  const nonDroppable = new Set(board.nonDroppableEventIds ?? []);
  const entries = new Map<string, Accumulator>();
  let used = 0;
  for (const race of races) {
    const scored = scoreRace(scale, race.results, race.event.pointsMultiplier * race.category.multiplier);
    used += board.type === 'INDIVIDUAL'
      ? addIndividual(entries, race, scored, scale, nonDroppable)
      : addTeams(entries, race, scored, scale, board, nonDroppable, ignore);
  }

  const rules = { bestOf: board.bestOf ?? null, dropWorst: board.dropWorst ?? null, lowPoint };
  const minEvents = board.minEvents ?? 0;
  const built = [...entries.values()].map((acc) => {
    const all = [...acc.events.values()];
    const { counted, dropped } = applySeasonRules(all, rules);
    return { acc, counted, dropped, key: acc.key, milli: counted.reduce((sum, s) => sum + s.milli, 0), ranked: all.length >= minEvents };
  });
  const kept = board.belowMinEvents === 'EXCLUDE' ? built.filter((b) => b.ranked) : built;
  if (kept.length < built.length) ignored['entry below minEvents'] = built.length - kept.length;

  const tieBreaks = board.tieBreaks ?? [...DEFAULT_TIE_BREAKS];
  const standings: StandingEntry[] = [];
  for (const category of rankingGroups(board)) {
    const members = category === null ? kept : kept.filter((b) => b.acc.category === category);
    for (const r of rank(members, { lowPoint, tieBreaks, dense: board.ranking === 'DENSE' })) {
      const { acc, counted, dropped } = r.item;
      standings.push({
        key: acc.key,
        kind: acc.kind,
        participantId: acc.participantId,
        customValueId: acc.customValueId,
        category: acc.category,
        name: acc.name,
        group: acc.group,
        points: r.item.milli / 1000,
        position: r.position,
        seq: standings.length + 1,
        eventsCounted: counted.length,
        breakdown: {
          counted: counted.flatMap((s) => s.lines),
          // The lines belong to this entry alone, so they are labelled in place rather than copied.
          dropped: dropped.flatMap(({ score, reason }) => score.lines.map((line) => Object.assign(line, { reason }))),
          tieBreak: r.tieBreak,
        },
      });
    }
  }
  const resultsIgnored = Object.entries(ignored).filter(([reason]) => reason !== 'entry below minEvents').reduce((n, [, c]) => n + c, 0);
  return { entries: standings, summary: { entries: standings.length, resultsUsed: used, resultsIgnored, ignored } };
}

/** SCHOOL and GROUP rank within each category (in the board's order); others rank as one list. */
function rankingGroups(board: LeaderboardConfig): (string | null)[] {
  return board.type === 'SCHOOL' || board.type === 'GROUP' ? board.categories.map((c) => c.code) : [null];
}

function inScope(board: LeaderboardConfig, event: EventInput): boolean {
  if (board.eventScope === 'STARRED') return event.starred;
  if (board.eventScope === 'LISTED') return (board.eventIds ?? []).includes(event.id);
  return true;
}

/** Results grouped into races (event × category), in date order, with what is left out counted. */
function groupRaces(board: LeaderboardConfig, events: EventInput[], results: RaceResultInput[], ignore: (reason: string) => void): Race[] {
  const eventsById = new Map(events.map((e) => [e.id, e]));
  const categories = new Map(board.categories.map((c) => [c.code, c]));
  const races = new Map<string, Race>();
  for (const result of results) {
    validateResult(result);
    const event = eventsById.get(result.eventId);
    const category = categories.get(result.category);
    if (!event) ignore('unknown event');
    else if (!category) ignore('category not on the board');
    else if (!inScope(board, event)) ignore('event out of scope');
    else {
      const id = `${event.id}\u0000${category.code}`;
      let race = races.get(id);
      if (!race) races.set(id, (race = { event, category, results: [] }));
      race.results.push(result);
    }
  }
  return [...races.values()].sort(
    (a, b) => (a.event.date < b.event.date ? -1 : a.event.date > b.event.date ? 1 : a.event.id - b.event.id) || (a.category.code < b.category.code ? -1 : 1),
  );
}

function line(race: Race, result: RaceResultInput | null, milli: number): ContributionLine {
  return {
    eventId: race.event.id,
    eventName: race.event.name,
    date: race.event.date,
    category: race.category.code,
    place: result?.position ?? null,
    status: result?.status ?? 'FIN',
    points: milli / 1000,
  };
}

function eventScore(acc: Accumulator, race: Race, nonDroppable: Set<number>): EventScore {
  let score = acc.events.get(race.event.id);
  if (!score) {
    score = { eventId: race.event.id, date: race.event.date, milli: 0, lines: [], nonDroppable: nonDroppable.has(race.event.id), places: [] };
    acc.events.set(race.event.id, score);
  }
  return score;
}

function addIndividual(entries: Map<string, Accumulator>, race: Race, scored: ScoredResult[], scale: PointsScaleConfig, nonDroppable: Set<number>): number {
  for (const { result, milli } of scored) {
    const key = `p:${result.participantId}`;
    let acc = entries.get(key);
    if (!acc) {
      acc = { key, kind: 'PARTICIPANT', participantId: result.participantId, customValueId: null, category: null, name: result.participantName, group: null, groupDate: '', events: new Map() };
      entries.set(key, acc);
    }
    // The rider's school/club as of the latest race.
    if (result.custom1 && race.event.date >= acc.groupDate) {
      acc.group = result.custom1.name;
      acc.groupDate = race.event.date;
    }
    const score = eventScore(acc, race, nonDroppable);
    score.milli += milli;
    score.lines.push(line(race, result, milli));
    if (result.position !== null) score.places.push(result.position);
    if (result.status === 'DSQ' && scale.dsqNonDroppable) score.nonDroppable = true;
  }
  return scored.length;
}

function groupOf(result: RaceResultInput, board: LeaderboardConfig): CustomValueRef | null {
  const slots: GroupSlot[] = board.type === 'GROUP' ? board.groupBy ?? [] : ['custom1'];
  for (const slot of slots) if (result[slot]) return result[slot];
  return null;
}

/**
 * SCHOOL, TOP_SCHOOLS and GROUP: in each race a group scores the sum of its best
 * `countingRiders` results, provided it has `minRiders` finishers.
 */
function addTeams(
  entries: Map<string, Accumulator>,
  race: Race,
  scored: ScoredResult[],
  scale: PointsScaleConfig,
  board: LeaderboardConfig,
  nonDroppable: Set<number>,
  ignore: (reason: string) => void,
): number {
  const lowPoint = scale.lowPoint === true;
  const teams = new Map<number, { group: CustomValueRef; members: ScoredResult[] }>();
  let used = 0;
  for (const s of scored) {
    const group = groupOf(s.result, board);
    if (!group) {
      ignore(board.type === 'GROUP' ? 'no group' : 'no school');
      continue;
    }
    let team = teams.get(group.id);
    if (!team) teams.set(group.id, (team = { group, members: [] }));
    team.members.push(s);
    used += 1;
  }
  const counting = board.countingRiders ?? Number.MAX_SAFE_INTEGER;
  const minRiders = board.minRiders ?? 0;
  for (const { group, members } of teams.values()) {
    const finishers = members.filter((m) => m.result.status === 'FIN').length;
    if (finishers < minRiders) {
      for (let i = 0; i < members.length; i++) ignore('group below minRiders in a race');
      used -= members.length;
      continue;
    }
    const best = [...members]
      .sort((a, b) => (lowPoint ? a.milli - b.milli : b.milli - a.milli) || (a.result.position ?? Infinity) - (b.result.position ?? Infinity) || a.result.participantId - b.result.participantId)
      .slice(0, counting);
    const milli = best.reduce((sum, m) => sum + m.milli, 0);
    const perCategory = board.type !== 'TOP_SCHOOLS';
    const key = perCategory ? `c:${group.id}:${race.category.code}` : `c:${group.id}`;
    let acc = entries.get(key);
    if (!acc) {
      acc = { key, kind: 'CUSTOM', participantId: null, customValueId: group.id, category: perCategory ? race.category.code : null, name: group.name, group: perCategory ? race.category.code : null, groupDate: '', events: new Map() };
      entries.set(key, acc);
    }
    const score = eventScore(acc, race, nonDroppable);
    score.milli += milli;
    score.lines.push({
      ...line(race, null, milli),
      riders: best.map((m) => ({ name: m.result.participantName, place: m.result.position, points: m.milli / 1000 })),
    });
    if (scale.dsqNonDroppable && best.some((m) => m.result.status === 'DSQ')) score.nonDroppable = true;
  }
  return used;
}
