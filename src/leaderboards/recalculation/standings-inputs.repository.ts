import { createHash } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { CustomValueRef, PackedRace, ResultRedress } from '../../calculators';
import type { RaceScoreMemo } from '../../calculators/race-scores';
import { eventInScopeSql } from '../../calculators/event-scope';
import * as format from '../../calculators/packed-format';
import { OneStatement } from '../../common/database/one-statement';
import type { PipedStatement } from '../../common/database/pipeline';
import { intArray } from '../../common/database/pg-arrays';
import { PUBLIC_STATES_SQL } from '../../common/result-set-state';
import { RacePackMemo } from './race-pack-memo';
import { RacePack, RacePacksRepository } from './race-packs.repository';

// Straight from the codec, not the barrel (a re-export is a getter), and held in module
// constants: collectIds reads them once per result.
const { CUSTOM1_AT, CUSTOM2_AT, CUSTOM3_AT, INTS_PER_RESULT: STRIDE, PARTICIPANT_AT, unpackRace } = format;

/**
 * Packed bytes read per COPY: bounds what is held at once while keeping round trips few. A
 * pack not cached (a set a writer held when the packs were cached) counts as this estimate.
 */
const BYTES_PER_READ = 8 * 2 ** 20;
const UNCACHED_ESTIMATE = 256 * 2 ** 10;

export interface BoardInputs {
  races: PackedRace[];
  participantNames: Map<number, string>;
  customValues: Map<number, CustomValueRef>;
  /** The redress given to RDG results, by result id (absent when none was). */
  redress?: Map<number, ResultRedress>;
  /** Scores of the races kept between runs, and which were found valid (RacePackMemo): the races' results arrays are never written. */
  raceScores: RaceScoreMemo;
  validRaces: WeakSet<Int32Array>;
}

/** A published race set a run reads, as addEventsAndSets lists it. */
export interface RaceSet {
  id: number;
  eventId: number;
  category: string;
  /** The cached pack's size; null when there is none. */
  bytes: number | null;
  /** The cached pack's SHA-256 (hex); null when there is none. */
  digest: string | null;
}

/**
 * Loads a board's inputs with set-based SQL and no entity hydration. Each race's results come
 * as one packed bytea, cached on its result set (migration RaceResultPacks, RacePacksRepository),
 * so a recalculation reads a few megabytes per hundred races instead of a million rows, and
 * decoding is a copy and a byte swap into the calculators' PackedRace. Races decoded by an
 * earlier run whose pack has not changed since come from the worker's RacePackMemo (checked
 * against the pack's digest in this run's own read), so after an edit only the edited races
 * travel. Rider and group names come after, by id, once each.
 */
@Injectable()
export class StandingsInputsRepository {
  private readonly logger = new Logger(StandingsInputsRepository.name);

  private readonly hints = new Map<number, NamesHint>();

  constructor(
    private readonly packs: RacePacksRepository,
    private readonly memo: RacePackMemo,
  ) {}

  /**
   * Adds to a run's opening statement the series' events and the board's published
   * (PROVISIONAL or APPROVED) race sets of its categories and event scope, each with its pack's
   * size and digest, as two columns (`events`, `sets`) read from the board row `l`: the run
   * reads them in the same round trip as its definition (RecalculationRunner, "one opening read").
   */
  addEventsAndSets(statement: OneStatement, l: string): void {
    statement.select('events',
      `(SELECT COALESCE(json_agg(json_build_object('id', id, 'name', name, 'date', to_char(date, 'YYYY-MM-DD'), 'starred', starred,
                                                  'pointsMultiplier', points_multiplier) ORDER BY date, id), '[]')
          FROM event WHERE series_id = ${l}.series_id)`);
    statement.select('sets',
      `(SELECT COALESCE(json_agg(json_build_object('id', s.id, 'eventId', s.event_id, 'category', s.category, 'bytes', octet_length(s.packed_results),
                                                  'digest', encode(s.packed_sha256, 'hex')) ORDER BY s.id), '[]')
          FROM result_set s
          JOIN event e ON e.id = s.event_id
         WHERE e.series_id = ${l}.series_id AND s.state IN ${PUBLIC_STATES_SQL}
           AND s.category IN (SELECT c.code FROM leaderboard_category c WHERE c.leaderboard_id = ${l}.id)
           AND ${eventInScopeSql({ scope: `${l}.event_scope`, board: `${l}.id`, event: 'e' })})`);
  }

  /**
   * The races of `sets` (from addEventsAndSets), packed, and their riders' and groups' names and
   * their results' redress: the races the worker kept whose digest is the one listed from
   * RacePackMemo, the others' packs in binary COPYs of about BYTES_PER_READ, then the names and
   * redress in one statement.
   */
  async load(client: PoolClient, sets: RaceSet[], prefetched?: Prefetched): Promise<BoardInputs> {
    const races: PackedRace[] = [];
    const participantIds = new IdSet();
    const groupIds = new IdSet();
    const add = (race: PackedRace) => {
      races.push(race);
      collectIds(race.results, participantIds, groupIds);
    };
    const unread: RaceSet[] = [];
    const changed = new Map(prefetched?.changed?.map((pack) => [pack.id, pack]));
    const decoded = (set: RaceSet, pack: RacePack) => {
      const race = decodeRace(set, pack.packed);
      // A pack the run made from the rows (none cached when its read ran: an edit's race is
      // cached in the run's closing pipeline, after it) is kept under its bytes' SHA-256, computed here:
      // the digest PostgreSQL gives the same bytes once it caches them (packed_sha256 is
      // sha256(packed_results)), so the next run takes it from the memo. Kept by content
      // either way: a digest names these bytes whoever computed it.
      const digest = pack.digest ?? (pack.packed.length > 0 ? createHash('sha256').update(pack.packed).digest('hex') : null);
      if (digest !== null) this.memo.keep(pack.id, digest, race.results);
      add(race);
    };
    for (const set of sets) {
      const kept = this.memo.get(set.id, set.digest);
      const pack = kept === null ? changed.get(set.id) : undefined;
      if (kept !== null) add({ eventId: set.eventId, category: set.category, results: kept });
      else if (pack !== undefined) decoded(set, pack);
      else unread.push(set);
    }
    for (const batch of batches(unread)) {
      for (const pack of await this.packs.read(client, [...batch.keys()])) decoded(batch.get(pack.id)!, pack);
    }
    const setIds = sets.map((s) => s.id);
    const names = prefetched?.names;
    const known = names && covers(prefetched.hint, participantIds, groupIds, setIds) ? namesOf(names, participantIds) : await this.names(client, participantIds, groupIds, setIds);
    if (prefetched) this.keepHint(prefetched.leaderboardId, participantIds, groupIds, setIds);
    return { races, raceScores: this.memo.scores, validRaces: this.memo.validated, ...known };
  }

  /** The statement caching the packs of the race sets `ids` in a run's closing pipeline (RacePacksRepository.cacheStatement). */
  cacheStatement(ids: number[]): PipedStatement {
    return this.packs.cacheStatement(ids);
  }

  /** Caches the packs the board's next load will read (RacePacksRepository.cacheMissing); a failure only costs that load packing them. */
  async cachePacks(leaderboardId: number): Promise<void> {
    try {
      await this.packs.cacheMissing(leaderboardId);
    } catch (err) {
      this.logger.warn({ err, leaderboardId }, 'Could not cache race packs; the run packs them from the rows');
    }
  }

  /**
   * The riders' names and the groups' (custom values'), and the redress given to the sets'
   * results, in one statement. Serial ids of one series' riders mostly sit close together: when
   * the span is not much wider than their count, one range scan beats a probe per id. Redress is
   * rare and has no slot in the packs: its rows are found through a partial index (migration
   * ResultRedress), an empty probe on a board without any, folded in here to cost no round trip.
   */
  private async names(client: PoolClient, ids: IdSet, groupIds: IdSet, setIds: number[]): Promise<Pick<BoardInputs, 'participantNames' | 'customValues' | 'redress'>> {
    if (ids.size === 0 && groupIds.size === 0) return { participantNames: new Map(), customValues: new Map() };
    const riders = isDense(ids)
      ? { where: 'id BETWEEN $2 AND $3', values: [ids.min, ids.max] }
      : { where: 'id = ANY($2::int[])', values: [ids.ids()] };
    const { rows } = await client.query<[number, number, string]>({
      text: namesSql('$1::int[]', riders.where, `$${riders.values.length + 2}::int[]`),
      values: [groupIds.ids(), ...riders.values, setIds],
      rowMode: 'array',
    });
    return namesOf(rows, ids);
  }

  /**
   * Names prefetch: adds to a run's opening statement (as the column `names`) the names and
   * redress the board's last run needed, by that run's ids (its riders' id range, its groups,
   * its sets), when this worker ran the board before with dense rider ids. load() uses them only
   * when they cover what this run's races need (every rider id in the range, every group among
   * them, the same sets: the redress is the sets'); else it asks as before. Read in the run's
   * transaction, after its lock, like everything else it reads. A repeated run or an edit then
   * has no names round trip. With them, the packs of the races this worker keeps for the board
   * that changed since (RacePacksRepository.addChanged: after an edit, the edited race), so an
   * edit needs no COPY round trip either.
   */
  addPrefetch(statement: OneStatement, leaderboardId: number): (row: Record<string, unknown>) => Prefetched {
    const hint = this.hints.get(leaderboardId);
    if (hint === undefined) return () => ({ leaderboardId, hint: null, names: null, changed: undefined });
    const kept: { id: number; digest: string }[] = [];
    for (const id of hint.sets) {
      const digest = this.memo.digestOf(id);
      if (digest !== undefined) kept.push({ id, digest });
    }
    if (kept.length > 0) this.packs.addChanged(statement, kept);
    if (hint.dense) {
      const p = (value: unknown) => statement.param(value);
      statement.select('names',
        `(SELECT COALESCE(json_agg(json_build_array(n.kind, n.id, n.text)), '[]')
            FROM (${namesSql(`${p(intArray(hint.groups))}::int[]`, `id BETWEEN ${p(hint.min)} AND ${p(hint.max)}`, `${p(intArray(hint.sets))}::int[]`)}) AS n(kind, id, text))`);
    }
    return (row) => ({
      leaderboardId,
      hint,
      names: hint.dense ? (row.names as [number, number, string][]) : null,
      changed: kept.length > 0 ? this.packs.changedOf(row) : undefined,
    });
  }

  /** Whether this worker has loaded the board before (it keeps the ids of its last run). */
  ranBefore(leaderboardId: number): boolean {
    return this.hints.has(leaderboardId);
  }

  /** What the next run of the board prefetches (addPrefetch): this run's ids. */
  private keepHint(leaderboardId: number, ids: IdSet, groupIds: IdSet, setIds: number[]): void {
    this.hints.delete(leaderboardId);
    if (this.hints.size >= NAME_HINTS) this.hints.delete(this.hints.keys().next().value!);
    this.hints.set(leaderboardId, { dense: isDense(ids), min: ids.min, max: ids.max, groups: groupIds.ids(), sets: setIds });
  }
}

/** The boards whose last run's ids a worker keeps for the names prefetch (oldest dropped first). */
const NAME_HINTS = 10_000;

/** The ids a board's last run read names and redress for (StandingsInputsRepository.addNames). */
interface NamesHint {
  /** Whether its rider ids were dense (else no names are prefetched: only a range is). */
  dense: boolean;
  min: number;
  max: number;
  groups: number[];
  sets: number[];
}

/** What an opening read prefetched (addPrefetch) by `hint` (null: nothing was). */
export interface Prefetched {
  leaderboardId: number;
  hint: NamesHint | null;
  /** The names statement's rows, by the hint's ids (null: none were read). */
  names: [number, number, string][] | null;
  /** The packs of kept races that changed (undefined: none were read, or too many changed). */
  changed: RacePack[] | undefined;
}

/** Serial ids of one series' riders mostly sit close together: a range scan beats a probe per id when the span is not much wider than their count. */
function isDense(ids: IdSet): boolean {
  return ids.size > 0 && ids.max - ids.min < 4 * ids.size && ids.max < IdSet.DENSE_LIMIT;
}

/** The names statement: groups' names (kind 1), riders' (0) by `riders`, redress of the sets' results (2). */
function namesSql(groups: string, riders: string, sets: string): string {
  return `SELECT 1, id, name FROM custom_list_value WHERE id = ANY(${groups})
          UNION ALL SELECT 0, id, first_name || ' ' || last_name FROM participant WHERE ${riders}
          UNION ALL SELECT 2, id, redress::text FROM race_result WHERE result_set_id = ANY(${sets}) AND redress IS NOT NULL`;
}

/** Whether names prefetched by `hint` hold every name and redress a load of these ids and sets needs. */
function covers(hint: NamesHint | null, ids: IdSet, groupIds: IdSet, setIds: number[]): boolean {
  if (hint === null || !hint.dense) return false;
  if (ids.size > 0 && (ids.min < hint.min || ids.max > hint.max)) return false;
  if (setIds.length !== hint.sets.length || setIds.some((id, i) => id !== hint.sets[i])) return false;
  if (groupIds.size === 0) return true;
  const groups = new Set(hint.groups);
  return groupIds.ids().every((id) => groups.has(id));
}

/** The names statement's rows as a load's maps; riders not among `ids` (a range reads a few more) are left out. */
function namesOf(rows: [number, number, string][], ids: IdSet): Pick<BoardInputs, 'participantNames' | 'customValues' | 'redress'> {
  const participantNames = new Map<number, string>();
  const customValues = new Map<number, CustomValueRef>();
  let redress: Map<number, ResultRedress> | undefined;
  for (const [kind, id, text] of rows) {
    if (kind === 1) customValues.set(id, { id, name: text });
    else if (kind === 2) (redress ??= new Map()).set(id, JSON.parse(text) as ResultRedress);
    else if (ids.has(id)) participantNames.set(id, text);
  }
  return { participantNames, customValues, ...(redress ? { redress } : {}) };
}

/** A race's pack as the calculators' PackedRace. */
function decodeRace(set: RaceSet, packed: Buffer): PackedRace {
  if (packed.length % (STRIDE * 4) !== 0) throw new Error(`result set ${set.id}: packed results of ${packed.length} bytes`);
  return { eventId: set.eventId, category: set.category, results: unpackRace(packed) };
}

/** The sets in batches of about BYTES_PER_READ packed bytes, by id. */
function* batches(sets: RaceSet[]): Generator<Map<number, RaceSet>> {
  let batch = new Map<number, RaceSet>();
  let bytes = 0;
  for (const set of sets) {
    batch.set(set.id, set);
    bytes += set.bytes ?? UNCACHED_ESTIMATE;
    if (bytes >= BYTES_PER_READ) {
      yield batch;
      batch = new Map();
      bytes = 0;
    }
  }
  if (batch.size > 0) yield batch;
}

/** Adds a packed race's rider ids to `participants` and its three slots' value ids to `groups`. */
function collectIds(results: Int32Array, participants: IdSet, groups: IdSet): void {
  for (let at = 0; at < results.length; at += STRIDE) {
    participants.add(results[at + PARTICIPANT_AT]);
    const c1 = results[at + CUSTOM1_AT];
    const c2 = results[at + CUSTOM2_AT];
    const c3 = results[at + CUSTOM3_AT];
    if (c1 >= 0) groups.add(c1);
    if (c2 >= 0) groups.add(c2);
    if (c3 >= 0) groups.add(c3);
  }
}

/**
 * Distinct ids (≥ 0; others are ignored) of a load: a bitmap while they are below DENSE_LIMIT
 * (serial ids are), a Set beyond. Millions of adds cost a bit test each, not a hash-set insert.
 */
class IdSet {
  static readonly DENSE_LIMIT = 2 ** 27;
  private bits = new Uint32Array(1024);
  private readonly others = new Set<number>();
  size = 0;
  min = Infinity;
  max = -Infinity;

  add(id: number): void {
    if (id < 0) return;
    if (id >= IdSet.DENSE_LIMIT) {
      if (!this.others.has(id)) this.counted(id);
      this.others.add(id);
      return;
    }
    const word = id >>> 5;
    if (word >= this.bits.length) this.grow(word);
    const bit = 1 << (id & 31);
    if ((this.bits[word] & bit) === 0) {
      this.bits[word] |= bit;
      this.counted(id);
    }
  }

  has(id: number): boolean {
    return id >= IdSet.DENSE_LIMIT ? this.others.has(id) : id >= 0 && (id >>> 5) < this.bits.length && (this.bits[id >>> 5] & (1 << (id & 31))) !== 0;
  }

  ids(): number[] {
    const out: number[] = [];
    for (let w = 0; w < this.bits.length; w++) {
      const word = this.bits[w];
      if (word === 0) continue;
      for (let b = 0; b < 32; b++) if (word & (1 << b)) out.push(w * 32 + b);
    }
    for (const id of this.others) out.push(id);
    return out;
  }

  private counted(id: number): void {
    this.size += 1;
    if (id < this.min) this.min = id;
    if (id > this.max) this.max = id;
  }

  private grow(word: number): void {
    let length = this.bits.length;
    while (length <= word) length *= 2;
    const grown = new Uint32Array(length);
    grown.set(this.bits);
    this.bits = grown;
  }
}
