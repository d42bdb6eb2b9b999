import { ConflictError } from '../common/errors/domain-errors';
import { ResultSetState } from '../common/result-set-state';

/**
 * The race-result side of the ResultSet state machine, as pure functions: each either returns
 * what to do or throws a ConflictError that tells the caller what to do instead.
 */

export interface RaceSetFacts {
  id: number;
  state: ResultSetState;
  /** Set when this set is a revision of another (made by POST …/revisions). */
  replacesId: number | null;
}

const EDIT_REFUSALS: Partial<Record<ResultSetState, (set: RaceSetFacts) => string>> = {
  APPROVED: (s) => `Result set ${s.id} is APPROVED and cannot be edited; make a revision (POST /api/result-sets/${s.id}/revisions), edit it, then publish it`,
  DELETED: (s) => `Result set ${s.id} is DELETED and cannot be edited; make a revision (POST /api/result-sets/${s.id}/revisions) to restore it`,
  REPLACED: (s) => `Result set ${s.id} was REPLACED by a newer revision; edit that one instead`,
  FAILED: (s) => `Result set ${s.id} is FAILED; only standings can be FAILED and they are written by recalculation`,
};

/** Rows may be changed only in DRAFT and PROVISIONAL. */
export function assertEditable(set: RaceSetFacts): void {
  const refusal = EDIT_REFUSALS[set.state];
  if (refusal) throw new ConflictError(refusal(set));
}

/** Transitions a client may ask for; REPLACED and FAILED are set by the system only (the console offers only these). */
export const ALLOWED: Record<ResultSetState, readonly ResultSetState[]> = {
  DRAFT: ['PROVISIONAL', 'APPROVED', 'DELETED'],
  PROVISIONAL: ['DRAFT', 'APPROVED', 'DELETED'],
  APPROVED: ['DELETED'],
  DELETED: [],
  REPLACED: [],
  FAILED: [],
};

export interface TransitionPlan {
  /** False when the set is already in the requested state: nothing to write or publish. */
  changes: boolean;
  /** Publishing a revision: the set it revises becomes REPLACED in the same transaction. */
  replacesOriginal: boolean;
}

export function planTransition(set: RaceSetFacts, to: ResultSetState): TransitionPlan {
  if (to === 'REPLACED' || to === 'FAILED') {
    throw new ConflictError(`${to} is set by the system, not by a transition: REPLACED when a revision is published, FAILED when a recalculation fails`);
  }
  if (set.state === to) return { changes: false, replacesOriginal: false };
  if (!ALLOWED[set.state].includes(to)) {
    throw new ConflictError(transitionRefusal(set, to));
  }
  const publishing = to === 'PROVISIONAL' || to === 'APPROVED';
  return { changes: true, replacesOriginal: publishing && set.replacesId !== null };
}

function transitionRefusal(set: RaceSetFacts, to: ResultSetState): string {
  switch (set.state) {
    case 'APPROVED':
      return `Result set ${set.id} is APPROVED; it cannot go back to ${to}. Make a revision (POST /api/result-sets/${set.id}/revisions) and publish that`;
    case 'DELETED':
      return `Result set ${set.id} is DELETED; make a revision (POST /api/result-sets/${set.id}/revisions) to restore it`;
    case 'REPLACED':
      return `Result set ${set.id} was REPLACED by a newer revision; it cannot change state`;
    default:
      return `Result set ${set.id} cannot go from ${set.state} to ${to}`;
  }
}

/** Revisions are made of published or deleted sets; a draft is simply edited. */
export function assertRevisable(set: RaceSetFacts): void {
  if (set.state === 'DRAFT') {
    throw new ConflictError(`Result set ${set.id} is a DRAFT; edit it directly instead of making a revision`);
  }
  if (set.state === 'REPLACED') {
    throw new ConflictError(`Result set ${set.id} was REPLACED; make a revision of the set that replaced it`);
  }
  if (set.state === 'FAILED') {
    throw new ConflictError(`Result set ${set.id} is FAILED standings; retry the recalculation instead`);
  }
}
