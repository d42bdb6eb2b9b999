import { ResultSetState } from '../../common/result-set-state';

/**
 * The standings side of the ResultSet state machine (DESIGN.md, "Writing standings"), as a
 * pure decision: given the board's live standings set, how does a recalculation write?
 */
export type StandingsWritePlan =
  | { kind: 'CREATE'; state: ResultSetState }
  | { kind: 'IN_PLACE'; restoreTo: ResultSetState | null }
  | { kind: 'CLONE' };

export interface LiveStandings {
  state: ResultSetState;
  stateBeforeFailure: ResultSetState | null;
}

export function planStandingsWrite(current: LiveStandings | null, initialState: ResultSetState): StandingsWritePlan {
  if (current === null) return { kind: 'CREATE', state: initialState };
  const failed = current.state === 'FAILED';
  // A FAILED set behaves as the state it had before it failed, and returns to it on success.
  const effective = failed ? current.stateBeforeFailure! : current.state;
  switch (effective) {
    case 'DRAFT':
    case 'PROVISIONAL':
      return { kind: 'IN_PLACE', restoreTo: failed ? effective : null };
    case 'APPROVED':
    case 'DELETED':
      return { kind: 'CLONE' };
    default:
      throw new Error(`Standings in state ${current.state} cannot be written`);
  }
}

/** On failure: the set goes FAILED, remembering the state to return to; a first run's failure creates it. */
export function failedStateOf(current: LiveStandings | null, initialState: ResultSetState): { stateBeforeFailure: ResultSetState } {
  if (current === null) return { stateBeforeFailure: initialState };
  return { stateBeforeFailure: current.state === 'FAILED' ? current.stateBeforeFailure! : current.state };
}
