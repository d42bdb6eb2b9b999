import { Injectable } from '@nestjs/common';
import { RaceScoreMemo } from '../../calculators/race-scores';
import { WeightedLru } from '../../common/weighted-lru';

/**
 * Decoded races a worker keeps from one run to the next, up to this many bytes of results (a
 * 1M-result series is 32 MB): a one-result edit then re-reads one race, not the whole board.
 */
export const RACE_PACK_MEMO_BYTES = 96 * 2 ** 20;

interface Kept {
  /** The SHA-256 (hex) of the pack the results were decoded from: result_set.packed_sha256. */
  digest: string;
  results: Int32Array;
}

/**
 * Race pack memo: the races (result sets) a run decoded, kept by set id with the SHA-256 of
 * the pack they came from. A run lists every race set of the board with its pack's digest (a
 * generated column: PostgreSQL computes it from the bytes it stores, migration RacePackDigest)
 * and takes from here only the races whose digest is the one listed; every other race is read
 * and decoded again. So an entry is never trusted for what its key says but for the content
 * it was made from: a changed set has a different digest (or none, until its pack is cached
 * again), and a worker restart or a lost Redis only empties the memo. Least recently used races
 * go first when it is full. The calculators never write into a race's results (they copy when
 * they join two sets of one race), so a kept array stays as it was decoded.
 */
@Injectable()
export class RacePackMemo {
  private readonly races = new WeightedLru<number, Kept>((kept) => kept.results.byteLength, RACE_PACK_MEMO_BYTES, false);
  /**
   * The scores of the kept races, held on their results arrays: they live as long as the race
   * is kept (or handed to a computation), and a race read again is a new array, scored again.
   */
  readonly scores = new RaceScoreMemo();
  /** The kept races' results arrays a computation found valid (validatePackedRace): a race read again is checked again. */
  readonly validated = new WeakSet<Int32Array>();

  /** Bytes of results kept at most; a race larger than this is not kept. */
  get limitBytes(): number {
    return this.races.limit;
  }
  set limitBytes(bytes: number) {
    this.races.limit = bytes;
  }

  /** Set `setId`'s results if they were decoded from the pack of this digest (null: the set has no cached pack). */
  get(setId: number, digest: string | null): Int32Array | null {
    if (digest === null) return null;
    const kept = this.races.peek(setId);
    if (kept === undefined || kept.digest !== digest) return null;
    this.races.touch(setId);
    return kept.results;
  }

  /** The digest of the pack set `setId`'s kept results came from (undefined: none kept); not a use of them. */
  digestOf(setId: number): string | undefined {
    return this.races.peek(setId)?.digest;
  }

  /** Keeps set `setId`'s results, decoded from the pack of this digest. */
  keep(setId: number, digest: string, results: Int32Array): void {
    this.races.set(setId, { digest, results });
  }

  /** How many races and bytes are kept (for tests and the bench). */
  get size(): { races: number; bytes: number } {
    return { races: this.races.count, bytes: this.races.weight };
  }

  /** Forgets every race (and so, with their arrays, their scores). */
  clear(): void {
    this.races.clear();
  }
}
