import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { DataSource } from 'typeorm';
import { packedResultSql } from '../../calculators/packed-format';
import { OneStatement } from '../../common/database/one-statement';
import { intArray, textArray } from '../../common/database/pg-arrays';
import { PUBLIC_STATES_SQL } from '../../common/result-set-state';

/** At most this many changed packs travel in a run's opening read (addChanged). */
const CHANGED_IN_READ = 4;

/**
 * Set s's results packed from its rows in the calculators' format (NULL when it has none), in
 * the rows' id order: the same rows make the same bytes, and so the same digest, whoever packs
 * them and whatever the rows' places in the table (a run packing an edited race from the rows
 * while the caching beside it packs it too keeps it under the digest the cache gets). In the
 * table's order, rows updated and updated back could pack in another order after their tuples
 * moved (seen in incremental-runs.spec once the caching ran beside the run).
 */
const PACK_OF_SET = `(SELECT string_agg(${packedResultSql('r')}, ''::bytea ORDER BY r.id) FROM race_result r WHERE r.result_set_id = s.id)`;

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
   * Packs and caches, in one statement, the published race sets of the board's series that
   * have no pack, skipping sets a writer holds (its change would clear the pack anyway, and the
   * run packs those from the rows as it reads them). It runs on its own before the run's
   * transaction: no connection is held while it waits for one, no race set's row lock is held
   * for the length of a run, and the packs never travel to Node and back. A writer whose
   * statement ends after this one packed stays correct: its trigger clears the pack again.
   * `on` is the connection (a pooled one by default).
   */
  async cacheMissing(leaderboardId: number, on: Pick<DataSource, 'query'> = this.dataSource): Promise<void> {
    await on.query(
      `UPDATE result_set s
          SET packed_results = COALESCE(${PACK_OF_SET}, ''::bytea)
        WHERE s.id IN (SELECT l.id FROM result_set l JOIN event e ON e.id = l.event_id
                        WHERE e.series_id = (SELECT series_id FROM leaderboard WHERE id = $1)
                          AND l.state IN ${PUBLIC_STATES_SQL} AND l.packed_results IS NULL
                          FOR NO KEY UPDATE OF l SKIP LOCKED)`,
      [leaderboardId],
    );
  }

  /**
   * Changed packs in the opening read: adds to a run's opening statement, as the column
   * `changed_packs`, the packs of the sets among `kept` (the races the worker keeps for the board,
   * with the digests it keeps them under) whose pack is no longer that one: cached, or made from
   * the rows now (the edited race, its cache cleared), each with the digest of the cached pack it
   * is (null for one made now), in base64. At most CHANGED_IN_READ of them: for more, the column
   * is null and the run COPYs them as before. After an edit the run then needs no COPY round trip.
   */
  addChanged(statement: OneStatement, kept: { id: number; digest: string }[]): void {
    const p = (value: unknown) => statement.param(value);
    // The sets are found by their ids in result_set's primary key (`s.id = ANY(ids)`), each
    // compared with its kept digest by its place in the arrays: joined to an unnest of the
    // arrays, the generic plan hashed a sequential scan of the whole table (1,160 wide rows in
    // the fleet bench's 1,000 boards, 0.5 ms of the opening read's 1.25: EXPLAIN ANALYZE), every
    // run, for the handful of sets a board reads (and a join to the index scan is a nested loop
    // of sets × sets for a big board's hundreds).
    const ids = p(intArray(kept.map((k) => k.id)));
    statement.select('changed_packs',
      `(SELECT CASE WHEN count(*) <= ${CHANGED_IN_READ} THEN COALESCE(json_agg(json_build_array(c.id, c.packed, c.digest)), '[]') END
          FROM (SELECT s.id, encode(COALESCE(s.packed_results, ${PACK_OF_SET}), 'base64') AS packed, encode(s.packed_sha256, 'hex') AS digest
                  FROM result_set s
                 WHERE s.id = ANY(${ids}::int[])
                   AND s.packed_sha256 IS DISTINCT FROM decode((${p(textArray(kept.map((k) => k.digest)))}::text[])[array_position(${ids}::int[], s.id)], 'hex')
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
