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
   * and skipping sets a writer holds (its change clears the pack anyway). Called once the run
   * has committed, holding no connection: storing never waits for the pool while holding one,
   * and never holds race sets' row locks for the length of a run. A few statements of about
   * STORE_BYTES each.
   */
  async store(packs: RacePack[]): Promise<void> {
    for (let at = 0; at < packs.length; ) {
      const batch: RacePack[] = [];
      for (let bytes = 0; at < packs.length && bytes < STORE_BYTES; at++) {
        batch.push(packs[at]);
        bytes += packs[at].packed.length;
      }
      await this.dataSource.query(
        `UPDATE result_set s SET packed_results = p.packed
           FROM unnest($1::int[], $2::bigint[], $3::bytea[]) AS p(id, rev, packed)
          WHERE s.id = p.id
            AND s.id IN (SELECT l.id FROM result_set l JOIN unnest($1::int[], $2::bigint[]) AS q(id, rev) ON q.id = l.id
                          WHERE l.results_rev = q.rev AND l.packed_results IS NULL
                            FOR NO KEY UPDATE OF l SKIP LOCKED)`,
        [batch.map((p) => p.id), batch.map((p) => p.rev), batch.map((p) => p.packed)],
      );
    }
  }
}

/** Packed bytes per storing statement (sent as hex: twice this on the wire). */
const STORE_BYTES = 4 * 2 ** 20;

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
    // A pack to store is copied out of the batch's buffer, which can then go once decoded.
    const packed = field() ?? EMPTY;
    packs.push({ id, rev, fresh, packed: fresh ? Buffer.from(packed) : packed });
  }
}

const EMPTY = Buffer.alloc(0);
