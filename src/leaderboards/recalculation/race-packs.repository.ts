import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { DataSource } from 'typeorm';
import { packedResultSql } from '../../calculators/packed-format';
import { OneStatement } from '../../common/database/one-statement';
import type { PipedStatement } from '../../common/database/pipeline';
import { intArray, textArray } from '../../common/database/pg-arrays';
import { PUBLIC_STATES_SQL } from '../../common/result-set-state';

/** At most this many changed packs travel in a run's opening read (addChanged). */
const CHANGED_IN_READ = 4;

/**
 * Pack lanes (cacheMissing): after a first statement that packed FIRST_PACKS sets, the rest are
 * packed by PACK_LANES statements side by side, one per core of the two-core database server
 * they were measured on (BENCHMARKS.md, issue 16, pack lanes).
 */
const FIRST_PACKS = 8;
const PACK_LANES = 2;

/**
 * Set s's results packed from its rows in the calculators' format (NULL when it has none), in
 * participant order: the same rows make the same bytes, and so the same digest, whoever packs
 * them and whatever the rows' places in the table (a run packing an edited race from the rows
 * in its read, then caching it in its closing pipeline, keeps it under the digest the cache gets).
 * In the table's order, rows updated and updated back could pack in another order after their
 * tuples moved (seen in incremental-runs.spec once the caching ran beside the run).
 *
 * **Packs in index order**: a race set has one row per participant (race_result_set_rider_uq,
 * result_set_id then participant_id), so that index gives a set's rows in an order that is
 * total, and a subquery ordered by it is read off the index with no sort. The aggregate takes
 * the subquery's rows in its order (PostgreSQL never flattens a subquery with an ORDER BY: the
 * documented way to order an aggregate's input). `string_agg(… ORDER BY …)` sorts its input in
 * the aggregate whatever order it arrives in: packing a 1M-result series' 400 sets in id order
 * that way took 1.4–1.5 s of PostgreSQL's CPU, 1.0–1.1 s this way (BENCHMARKS.md, issue 16,
 * packs in index order). Packs cached in the id order of before stay valid: every comparison
 * of packs is by the digest of their bytes, and the calculators give the same standings for
 * any order of a race's results (standings.property.spec).
 */
const PACK_OF_SET = `(SELECT string_agg(q.packed, ''::bytea) FROM (
    SELECT ${packedResultSql('r')} AS packed FROM race_result r WHERE r.result_set_id = s.id ORDER BY r.participant_id) q)`;

/**
 * Caches the packs of the sets `candidates` lists (SQL selecting ids of race sets without a
 * pack), each under its row lock (FOR NO KEY UPDATE, skipping a set a writer holds). The row
 * version guard: a writer's trigger rewrites the set's row whenever its rows change, so a set
 * row that is no longer the version this statement's snapshot saw (a writer committed after
 * the snapshot was taken and before the lock: PostgreSQL then rechecks the newest version, but
 * PACK_OF_SET would still read the rows as the snapshot saw them) is left without a pack for the
 * next run, instead of cached from rows that are no longer the set's.
 */
const CACHE_PACKS = (candidates: string): string => `UPDATE result_set s
    SET packed_results = COALESCE(${PACK_OF_SET}, ''::bytea)
  WHERE s.id IN (${candidates} FOR NO KEY UPDATE OF l SKIP LOCKED)
    AND s.xmin = (SELECT v.xmin FROM result_set v WHERE v.id = s.id)`;

export interface RacePack {
  id: number;
  packed: Buffer;
  /** result_set.packed_sha256 (hex) of these very bytes, read in the same statement; null for a pack made from the rows now. */
  digest: string | null;
}

/**
 * Race packs: caches them (in SQL, before a run) and reads them with COPY … TO STDOUT in
 * binary format on the run's own connection (its transaction's snapshot), so a bytea arrives
 * as its bytes; a plain query sends it as hex text twice its size, and node-pg has no binary
 * row mode.
 */
@Injectable()
export class RacePacksRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Packs and caches the published race sets of the board's series that have no pack, skipping
   * sets a writer holds (its change would clear the pack anyway, and the run packs those from
   * the rows as it reads them). It runs on its own before the run's transaction: no connection
   * is held while it waits for one, no race set's row lock is held for the length of a run, and
   * the packs never travel to Node and back. A writer whose statement ends after this one packed
   * stays correct: its trigger clears the pack again; one that committed after this statement's
   * snapshot but before its lock is caught by the row version guard (CACHE_PACKS).
   *
   * **Pack lanes**: packing is PostgreSQL's CPU (a 1M-result series' 400 sets: about a second)
   * and one statement runs on one core. The first statement packs at most FIRST_PACKS sets;
   * if there were that many, the rest are split by id into PACK_LANES disjoint lanes, one
   * statement each on a pooled connection of its own, sent at once. With nothing or little to
   * pack (most calls: a board among many whose series is cached) it stays one statement. The
   * lanes are independent (no set is in two, each commits on its own, SKIP LOCKED never waits):
   * one that fails leaves the others' packs cached, and the run packs what is missing from the
   * rows. `on`, a connection (a test's open transaction), runs every statement on it in turn.
   */
  async cacheMissing(leaderboardId: number, on?: Pick<DataSource, 'query'>): Promise<void> {
    // TypeORM answers an UPDATE with [rows, row count].
    const pack = async (lane: string, limit: string, values: unknown[]): Promise<number> => (await (on ?? this.dataSource).query<[unknown[], number]>(
      CACHE_PACKS(`SELECT l.id FROM result_set l JOIN event e ON e.id = l.event_id
                    WHERE e.series_id = (SELECT series_id FROM leaderboard WHERE id = $1)
                      AND l.state IN ${PUBLIC_STATES_SQL} AND l.packed_results IS NULL${lane} ${limit}`),
      [leaderboardId, ...values],
    ))[1];
    if (await pack('', 'ORDER BY l.id LIMIT $2', [FIRST_PACKS]) < FIRST_PACKS) return;
    const lane = (k: number) => pack(' AND l.id % $2 = $3', '', [PACK_LANES, k]);
    const lanes = Array.from({ length: PACK_LANES }, (_, k) => k);
    if (on) {
      for (const k of lanes) await lane(k);
      return;
    }
    const failed = (await Promise.allSettled(lanes.map(lane))).find((settled) => settled.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /**
   * Packs cached in the closing pipeline: the statement that caches the packs of the race sets
   * `ids` (the run found them without one: an edit's race), for the run to send after its
   * closing statement and before its COMMIT, in the same round trip (RecalculationRunner.close).
   * The same statement as cacheMissing but for those sets: packed in SQL from the rows its own
   * snapshot sees (never the bytes the run read earlier), skipping a set a writer holds, under
   * the row version guard. It runs after the closing statement, so the run holds no race set's
   * lock while it could wait for another lock (the closing statement's outbox row), and it never
   * waits itself (SKIP LOCKED).
   */
  cacheStatement(ids: number[]): PipedStatement {
    return {
      name: 'podium_cache_packs',
      text: CACHE_PACKS(`SELECT l.id FROM result_set l WHERE l.id = ANY($1::int[]) AND l.event_id IS NOT NULL
                           AND l.state IN ${PUBLIC_STATES_SQL} AND l.packed_results IS NULL`),
      values: [intArray(ids)],
    };
  }

  /**
   * Changed packs in the opening read: adds to a run's opening statement, as the column
   * `changed_packs`, the packs of the sets among `kept` (the races the worker keeps for the board,
   * with the digests it keeps them under) whose pack is no longer that one: cached, or made from
   * the rows now (the edited race, its cache cleared), each with the digest of the cached pack it
   * is (null for one made now), in base64. At most CHANGED_IN_READ of them: for more, the column
   * is null and the run COPYs them as before. After an edit the run then needs no COPY round trip.
   *
   * Each kept set is looked up by its id (a primary-key probe, the LATERAL part kept apart by
   * OFFSET 0): joined plainly under the LIMIT, PostgreSQL's generic plan compared every kept set
   * with every result set (a nested loop with a join filter: 40,199 pairs rejected for the
   * season board's 200 races, 12.7 ms of a 24 ms opening read under auto_explain at load 8),
   * in every run, repeated or after an edit; for a small board among many, it hashed a
   * sequential scan of every result set instead (0.5 ms of a fleet board's 1.25 ms read).
   */
  addChanged(statement: OneStatement, kept: { id: number; digest: string }[]): void {
    const p = (value: unknown) => statement.param(value);
    statement.select('changed_packs',
      `(SELECT CASE WHEN count(*) <= ${CHANGED_IN_READ} THEN COALESCE(json_agg(json_build_array(c.id, c.packed, c.digest)), '[]') END
          FROM (SELECT s.id, encode(COALESCE(s.packed_results, ${PACK_OF_SET}), 'base64') AS packed, encode(s.packed_sha256, 'hex') AS digest
                  FROM unnest(${p(intArray(kept.map((k) => k.id)))}::int[], ${p(textArray(kept.map((k) => k.digest)))}::text[]) AS k(id, digest)
                  CROSS JOIN LATERAL (SELECT s.id, s.packed_results, s.packed_sha256 FROM result_set s
                                       WHERE s.id = k.id AND s.packed_sha256 IS DISTINCT FROM decode(k.digest, 'hex') OFFSET 0) s
                 LIMIT ${CHANGED_IN_READ + 1}) c)`);
  }

  /** The column addChanged added, as packs (undefined: more changed than it carries). */
  changedOf(row: Record<string, unknown>): RacePack[] | undefined {
    const packs = row.changed_packs as [number, string | null, string | null][] | null;
    return packs?.map(([id, packed, digest]) => ({ id, packed: packed === null ? EMPTY : Buffer.from(packed, 'base64'), digest }));
  }

  /**
   * The sets' packs: cached, or (for a set cacheMissing skipped) packed now from the rows; each
   * with the digest of the cached pack it is (from the same row version), none for one packed now.
   */
  async read(client: PoolClient, ids: number[]): Promise<RacePack[]> {
    if (ids.length === 0) return [];
    // COPY takes no parameters; the ids are whole numbers this load read from the database.
    const list = ids.map((id) => {
      if (!Number.isInteger(id)) throw new Error(`result set id ${id} is not a whole number`);
      return id;
    }).join(',');
    const stream = client.query(copyTo(
      `COPY (SELECT s.id, COALESCE(s.packed_results, ${PACK_OF_SET}), s.packed_sha256
               FROM result_set s WHERE s.id = ANY('{${list}}'::int[])) TO STDOUT (FORMAT binary)`,
    ));
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return parseCopy(Buffer.concat(chunks));
  }
}

/** PostgreSQL's binary COPY signature, then flags and header-extension length (int32 each). */
const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

/** The binary COPY of (id int4, packed bytea, digest bytea) rows. */
function parseCopy(data: Buffer): RacePack[] {
  if (data.length === 0) return [];
  if (!data.subarray(0, SIGNATURE.length).equals(SIGNATURE)) throw new Error('not a binary COPY stream');
  let at = SIGNATURE.length + 4;
  at += 4 + data.readInt32BE(at);
  const field = (): Buffer | null => {
    const length = data.readInt32BE(at);
    at += 4;
    if (length < 0) return null;
    const value = data.subarray(at, at + length);
    at += length;
    return value;
  };
  const packs: RacePack[] = [];
  for (;;) {
    const fields = data.readInt16BE(at);
    at += 2;
    if (fields === -1) return packs;
    if (fields !== 3) throw new Error(`binary COPY row of ${fields} fields, expected 3`);
    const id = field()!.readInt32BE(0);
    const packed = field() ?? EMPTY;
    // toString copies: a slice kept would hold the whole COPY buffer alive.
    const digest = field()?.toString('hex') ?? null;
    packs.push({ id, packed, digest });
  }
}

const EMPTY = Buffer.alloc(0);
