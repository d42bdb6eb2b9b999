import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';

/** Boards whose fingerprints a worker keeps (a 25,000-entry board's are about 2 MB in memory). */
export const FINGERPRINT_MEMO_BOARDS = 64;

export interface KeptFingerprints {
  setId: number;
  /** md5 (hex) of the set's standings_fingerprints text these fingerprints were parsed from or written as. */
  digest: string;
  fingerprints: ReadonlyMap<string, string | null>;
}

/**
 * Fingerprint memo: the fingerprints by key of each board's live standings set, as the worker
 * last read or wrote them, with the md5 of their stored text. The run's lock of the live set
 * asks PostgreSQL for the md5 of what it stores and receives the text only when it differs from
 * the kept one's (StandingsRowsRepository.lockLive): what is kept is used only when it is, byte
 * for byte, what the set holds, whoever wrote it and whether or not the run that kept it
 * committed. A run that changed nothing keeps what it had; an emptied memo costs one read.
 */
@Injectable()
export class FingerprintMemo {
  private readonly boards = new Map<number, KeptFingerprints>();

  /**
   * The board's kept fingerprints, with the set and the md5 of the text they are of. The caller
   * holds on to the answer: the lock's reply is compared with it, not with the memo, which other
   * boards' runs may change meanwhile.
   */
  get(leaderboardId: number): KeptFingerprints | null {
    const kept = this.boards.get(leaderboardId);
    if (kept === undefined) return null;
    this.boards.delete(leaderboardId);
    this.boards.set(leaderboardId, kept);
    return kept;
  }

  /** Keeps the fingerprints set `setId` stores as `text` (read, or about to be written). */
  keep(leaderboardId: number, setId: number, text: string, fingerprints: ReadonlyMap<string, string | null>): void {
    this.boards.delete(leaderboardId);
    this.boards.set(leaderboardId, { setId, digest: md5(text), fingerprints });
    for (const [id] of this.boards) {
      if (this.boards.size <= FINGERPRINT_MEMO_BOARDS) break;
      this.boards.delete(id);
    }
  }

  clear(): void {
    this.boards.clear();
  }
}

/** md5 of the text's UTF-8 bytes, as PostgreSQL's md5(text) gives it on a UTF8 database. */
function md5(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}
