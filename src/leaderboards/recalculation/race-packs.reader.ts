import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { DataSource } from 'typeorm';

/**
 * One result as the calculators' PACKED ints, big-endian: id, participant, custom1, custom2,
 * custom3 (ids, -1 for none), place (0 for none), status (its index in STATUSES; 255 when
 * unknown, which the calculators reject). Two int4 go into one int8send: half the calls.
 */
const pair = (high: string, low: string) => `int8send((${high})::int8 << 32 | ((${low})::int8 & 4294967295))`;
export const PACKED_RESULT = [
  pair('r.id', 'COALESCE(r.participant_id, -1)'),
  pair('COALESCE(r.custom1_id, -1)', 'COALESCE(r.custom2_id, -1)'),
  pair('COALESCE(r.custom3_id, -1)', 'COALESCE(r.position, 0)'),
  `int4send(CASE r.status WHEN 'FIN' THEN 0 WHEN 'DNF' THEN 1 WHEN 'DNS' THEN 2 WHEN 'DSQ' THEN 3 ELSE 255 END)`,
].join(' || ');

export interface RacePack {
  id: number;
  /** The set's results_rev the pack belongs to. */
  rev: string;
  /** Packed now from the rows (not read from the cache). */
  fresh: boolean;
  packed: Buffer;
}

/**
 * Reads race packs with COPY … TO STDOUT in binary format, on the run's own connection (its
 * transaction's snapshot): a bytea arrives as its bytes. A plain query sends it as hex text
 * twice its size, and node-pg has no binary row mode.
 */
@Injectable()
export class RacePacksReader {
  constructor(private readonly dataSource: DataSource) {}

  /** The sets' packs: cached, or packed now from the rows, with the rev read in the same statement. */
  async read(client: PoolClient, ids: number[]): Promise<RacePack[]> {
    if (ids.length === 0) return [];
    // COPY takes no parameters; the ids are whole numbers this load read from the database.
    const list = ids.map((id) => {
      if (!Number.isInteger(id)) throw new Error(`result set id ${id} is not a whole number`);
      return id;
    }).join(',');
    const stream = client.query(copyTo(
      `COPY (SELECT s.id, s.results_rev::text, s.packed_results IS NULL,
                    COALESCE(s.packed_results, (SELECT string_agg(${PACKED_RESULT}, ''::bytea) FROM race_result r WHERE r.result_set_id = s.id))
               FROM result_set s WHERE s.id = ANY('{${list}}'::int[])) TO STDOUT (FORMAT binary)`,
    ));
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return parseCopy(Buffer.concat(chunks));
  }

  /**
   * Caches packs on their sets: only while the set is still at the rev the pack was made from,
   * and skipping sets a writer holds (its change clears the pack anyway). Outside the run's
   * transaction, so a run never holds race sets' row locks while it computes.
   */
  async store(packs: RacePack[]): Promise<void> {
    // Each pack is let go once stored: on a first run they are a million results' bytes.
    for (let pack = packs.shift(); pack; pack = packs.shift()) {
      await this.dataSource.query(
        `UPDATE result_set SET packed_results = $3
          WHERE id = (SELECT id FROM result_set WHERE id = $1 AND results_rev = $2::bigint AND packed_results IS NULL
                      FOR NO KEY UPDATE SKIP LOCKED)`,
        [pack.id, pack.rev, pack.packed],
      );
    }
  }
}

/** PostgreSQL's binary COPY signature, then flags and header-extension length (int32 each). */
const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

/** The binary COPY of (id int4, rev text, fresh bool, packed bytea) rows. */
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
    if (fields !== 4) throw new Error(`binary COPY row of ${fields} fields, expected 4`);
    const id = field()!.readInt32BE(0);
    const rev = field()!.toString('utf8');
    const fresh = field()![0] === 1;
    packs.push({ id, rev, fresh, packed: field() ?? EMPTY });
  }
}

const EMPTY = Buffer.alloc(0);
