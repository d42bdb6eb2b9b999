import { Injectable } from '@nestjs/common';
import type { StoredRows } from '../standings/standings-rows.repository';

/** Boards whose fingerprints a worker keeps (a 25,000-entry board's are about 2 MB in memory). */
export const FINGERPRINT_MEMO_BOARDS = 64;

export interface KeptFingerprints {
  setId: number;
  /** The set's standings_fingerprints_token when these fingerprints were written or read. */
  token: string;
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
  private readonly boards = new Map<number, KeptFingerprints>();

  /**
   * The board's kept fingerprints if they are of set `setId` and `token`; null otherwise. The
   * caller takes them before awaiting anything else: other boards' runs may evict them.
   */
  get(leaderboardId: number, setId: number, token: string | null): StoredRows | null {
    const kept = this.boards.get(leaderboardId);
    if (kept === undefined || token === null || kept.setId !== setId || kept.token !== token) return null;
    this.boards.delete(leaderboardId);
    this.boards.set(leaderboardId, kept);
    return kept.rows;
  }

  /** Keeps the rows (ids and fingerprints by key) set `setId` holds under `token`. */
  keep(leaderboardId: number, setId: number, token: string, rows: StoredRows): void {
    this.boards.delete(leaderboardId);
    this.boards.set(leaderboardId, { setId, token, rows });
    for (const [id] of this.boards) {
      if (this.boards.size <= FINGERPRINT_MEMO_BOARDS) break;
      this.boards.delete(id);
    }
  }

  clear(): void {
    this.boards.clear();
  }
}
