import { PUBLIC_STATES, ResultSetState, stateSql, statesSql } from './result-set-state';

/**
 * What anonymous readers may see. Public routes serve both audiences: a request with a valid
 * admin key (`isAdminRequest`) sees everything, the public only published data, without
 * licence numbers or the text of failures (which can carry database internals).
 */

/** Shown to the public instead of a failed recalculation's error. */
export const PUBLIC_FAILURE_MESSAGE = 'These standings could not be updated; the last good standings are shown';

export interface SetVisibility {
  state: ResultSetState;
  stateBeforeFailure: ResultSetState | null;
  replacedFrom: ResultSetState | null;
}

/**
 * DESIGN.md: DRAFT, DELETED and never-published sets are never public, whatever path reads
 * them. A FAILED set counts as the state it failed from, a REPLACED one as the state it was
 * replaced from (unknown for sets replaced before that was recorded: not public).
 */
export function isPublicSet(set: SetVisibility): boolean {
  const shownAs = set.state === 'FAILED' ? set.stateBeforeFailure : set.state === 'REPLACED' ? set.replacedFrom : set.state;
  return shownAs !== null && PUBLIC_STATES.includes(shownAs);
}

/** A failure's detail for admins; for the public only that there was one. */
export function errorFor(admin: boolean, error: string | null): string | null {
  return admin || error === null ? error : PUBLIC_FAILURE_MESSAGE;
}

/**
 * isPublicSet as an SQL condition on a result_set row aliased `s`, for lists that page in the
 * database: the same three cases, from the same PUBLIC_STATES.
 */
export function publicSetSql(s: string): string {
  const published = statesSql(PUBLIC_STATES);
  return `(${s}.state IN ${published}
       OR (${s}.state = ${stateSql('FAILED')} AND ${s}.state_before_failure IN ${published})
       OR (${s}.state = ${stateSql('REPLACED')} AND ${s}.replaced_from IN ${published}))`;
}
