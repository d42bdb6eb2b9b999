import type { StandingsTable } from './types';

/**
 * A standings entry's fingerprint, the scheme's one owner: this version prefix, then the
 * entry's values digest, then its breakdown digest (StandingsTable, 16 hex digits each; the
 * digests are Digest's). The prefix marks the scheme: fingerprints of an earlier one (a sha1
 * of the row's JSON) never match, and a new scheme must change it.
 */
const FINGERPRINT_VERSION = 'v3:';

export interface EntryFingerprint {
  fingerprint: string;
  breakdownDigest: string;
}

/** Entry i's fingerprint, and its breakdown digest (to compare with a stored fingerprint's). */
export function entryFingerprint(standings: StandingsTable, i: number): EntryFingerprint {
  const breakdownDigest = standings.breakdownDigest(i);
  return { fingerprint: FINGERPRINT_VERSION + standings.valuesDigest(i) + breakdownDigest, breakdownDigest };
}

/** Whether a stored fingerprint (null: none) is of this scheme and of the same breakdown: only the values changed. */
export function sameBreakdown(stored: string | null, current: EntryFingerprint): boolean {
  return stored !== null && stored.startsWith(FINGERPRINT_VERSION) && stored.endsWith(current.breakdownDigest);
}
