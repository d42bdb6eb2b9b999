import { ConflictError } from '../common/errors/domain-errors';
import { RESULT_SET_STATES, ResultSetState } from '../common/result-set-state';
import { assertEditable, assertRevisable, planTransition } from './state-machine';

/**
 * The race-set state machine as a table: every state × every action, with the expected
 * outcome. `null` = refused with 409; a state = allowed, and the set ends in that state.
 */
type Outcome = ResultSetState | null;
type Action = 'EDIT' | 'REVISE' | `TO_${ResultSetState}`;

const TABLE: Record<ResultSetState, Record<Action, Outcome>> = {
  DRAFT: {
    EDIT: 'DRAFT', REVISE: null,
    TO_DRAFT: 'DRAFT', TO_PROVISIONAL: 'PROVISIONAL', TO_APPROVED: 'APPROVED', TO_REPLACED: null, TO_DELETED: 'DELETED', TO_FAILED: null,
  },
  PROVISIONAL: {
    EDIT: 'PROVISIONAL', REVISE: 'PROVISIONAL',
    TO_DRAFT: 'DRAFT', TO_PROVISIONAL: 'PROVISIONAL', TO_APPROVED: 'APPROVED', TO_REPLACED: null, TO_DELETED: 'DELETED', TO_FAILED: null,
  },
  APPROVED: {
    EDIT: null, REVISE: 'APPROVED',
    TO_DRAFT: null, TO_PROVISIONAL: null, TO_APPROVED: 'APPROVED', TO_REPLACED: null, TO_DELETED: 'DELETED', TO_FAILED: null,
  },
  REPLACED: {
    EDIT: null, REVISE: null,
    TO_DRAFT: null, TO_PROVISIONAL: null, TO_APPROVED: null, TO_REPLACED: null, TO_DELETED: null, TO_FAILED: null,
  },
  DELETED: {
    EDIT: null, REVISE: 'DELETED',
    TO_DRAFT: null, TO_PROVISIONAL: null, TO_APPROVED: null, TO_REPLACED: null, TO_DELETED: 'DELETED', TO_FAILED: null,
  },
  FAILED: {
    EDIT: null, REVISE: null,
    TO_DRAFT: null, TO_PROVISIONAL: null, TO_APPROVED: null, TO_REPLACED: null, TO_DELETED: null, TO_FAILED: null,
  },
};

function perform(state: ResultSetState, action: Action): Outcome {
  const set = { id: 7, state, replacesId: null };
  try {
    if (action === 'EDIT') {
      assertEditable(set);
      return state;
    }
    if (action === 'REVISE') {
      assertRevisable(set);
      return state; // the original keeps its state; a DRAFT copy is made
    }
    const to = action.slice(3) as ResultSetState;
    const plan = planTransition(set, to);
    return plan.changes ? to : state;
  } catch (err) {
    if (err instanceof ConflictError) return null;
    throw err;
  }
}

describe('race result set state machine', () => {
  const cases = RESULT_SET_STATES.flatMap((state) =>
    (Object.keys(TABLE[state]) as Action[]).map((action) => [state, action, TABLE[state][action]] as const),
  );

  it('covers every state × action', () => {
    expect(cases).toHaveLength(RESULT_SET_STATES.length * (2 + RESULT_SET_STATES.length));
  });

  it.each(cases)('%s × %s → %s', (state, action, expected) => {
    expect(perform(state, action)).toBe(expected);
  });

  it('explains a refused edit of an APPROVED set by pointing at a revision', () => {
    expect(() => assertEditable({ id: 7, state: 'APPROVED', replacesId: null })).toThrow(/make a revision \(POST \/api\/result-sets\/7\/revisions\)/);
  });

  it('publishing a revision replaces its original; publishing a first set does not', () => {
    expect(planTransition({ id: 8, state: 'DRAFT', replacesId: 7 }, 'APPROVED')).toEqual({ changes: true, replacesOriginal: true });
    expect(planTransition({ id: 8, state: 'DRAFT', replacesId: 7 }, 'PROVISIONAL')).toEqual({ changes: true, replacesOriginal: true });
    expect(planTransition({ id: 8, state: 'DRAFT', replacesId: 7 }, 'DELETED')).toEqual({ changes: true, replacesOriginal: false });
    expect(planTransition({ id: 8, state: 'DRAFT', replacesId: null }, 'APPROVED')).toEqual({ changes: true, replacesOriginal: false });
  });
});
