import { Injectable } from '@nestjs/common';
import { WeightedLru } from '../../common/weighted-lru';
import type { KeptFingerprintsOf, StoredRows } from '../standings/standings-rows.repository';

/**
 * Standings rows whose fingerprints a worker keeps, over all its boards (a 25,000-entry board's
 * are about 2 MB in memory, so about 16 MB at most). Counted in rows, not boards: with a cap of
 * 64 boards (before issue 16's round four) a worker serving a fleet of 1,000 small boards kept
 * none of them from one `recalculate-all` to the next, and every run read its rows'
 * fingerprints again (a statement) and drew a new token (BENCHMARKS.md, round four).
 */
export const FINGERPRINT_MEMO_ROWS = 200_000;

/** `token`: the set's standings_fingerprints_token when these fingerprints were written or read. */
export interface KeptFingerprints extends KeptFingerprintsOf {
  rows: StoredRows;
}

/**
 * Fingerprint memo: the rows of each board's live standings set (id and fingerprint by key),
 * as the worker last wrote or read them, with the set's token (migration IncrementalRuns). A run that changes
 * the rows draws a new random token in its transaction, so the kept fingerprints are used only
 * while the set is the one they were kept for and still has their token: not after another
 * worker's run, nor after a run of this one that rolled back (its token never committed). A
 * restart only empties the memo: the next run reads the rows' fingerprints.
 */
@Injectable()
export class FingerprintMemo {
  /** Least recently used boards go first; the board just kept stays, however big. */
  private readonly boards = new WeightedLru<number, KeptFingerprints>((kept) => kept.rows.size, FINGERPRINT_MEMO_ROWS, true);

  /** Rows kept at most, over all boards. */
  get limitRows(): number {
    return this.boards.limit;
  }
  set limitRows(rows: number) {
    this.boards.limit = rows;
  }

  /**
   * The board's kept fingerprints if they are of set `setId` and `token`; null otherwise. The
   * caller takes them before awaiting anything else: other boards' runs may evict them.
   */
  get(leaderboardId: number, setId: number, token: string | null): StoredRows | null {
    const kept = this.boards.peek(leaderboardId);
    if (kept === undefined || token === null || kept.setId !== setId || kept.token !== token) return null;
    this.boards.touch(leaderboardId);
    return kept.rows;
  }

  /** The set and token of what the board's entry holds, if any; not a use of it. */
  keptFor(leaderboardId: number): KeptFingerprintsOf | null {
    const kept = this.boards.peek(leaderboardId);
    return kept === undefined ? null : { setId: kept.setId, token: kept.token };
  }

  /** Keeps the rows (ids and fingerprints by key) set `setId` holds under `token`. */
  keep(leaderboardId: number, setId: number, token: string, rows: StoredRows): void {
    this.boards.set(leaderboardId, { setId, token, rows });
  }

  /** How many boards and rows are kept (for tests and the bench). */
  get size(): { boards: number; rows: number } {
    return { boards: this.boards.count, rows: this.boards.weight };
  }

  clear(): void {
    this.boards.clear();
  }
}
