import { RESULT_SET_STATES, ResultSetState } from '../../common/result-set-state';
import { failedStateOf, planStandingsWrite } from './standings-state';

/** Every live standings state × (success, failure): what the write does and where the set ends. */
describe('standings write plan', () => {
  const initial: ResultSetState = 'PROVISIONAL';
  const table: [string, ResultSetState | null, ResultSetState | null, string, string, ResultSetState][] = [
    // label, state, before failure, success plan, success ends in, failure remembers
    ['none yet', null, null, 'CREATE', 'PROVISIONAL', 'PROVISIONAL'],
    ['DRAFT', 'DRAFT', null, 'IN_PLACE', 'DRAFT', 'DRAFT'],
    ['PROVISIONAL', 'PROVISIONAL', null, 'IN_PLACE', 'PROVISIONAL', 'PROVISIONAL'],
    ['APPROVED', 'APPROVED', null, 'CLONE', 'DRAFT (clone; original REPLACED)', 'APPROVED'],
    ['DELETED', 'DELETED', null, 'CLONE', 'DRAFT (clone; original REPLACED)', 'DELETED'],
    ['FAILED from DRAFT', 'FAILED', 'DRAFT', 'IN_PLACE', 'DRAFT', 'DRAFT'],
    ['FAILED from PROVISIONAL', 'FAILED', 'PROVISIONAL', 'IN_PLACE', 'PROVISIONAL', 'PROVISIONAL'],
    ['FAILED from APPROVED', 'FAILED', 'APPROVED', 'CLONE', 'DRAFT (clone; original REPLACED)', 'APPROVED'],
    ['FAILED from DELETED', 'FAILED', 'DELETED', 'CLONE', 'DRAFT (clone; original REPLACED)', 'DELETED'],
  ];

  it.each(table)('%s', (_, state, before, kind, endsIn, remembered) => {
    const current = state === null ? null : { state, stateBeforeFailure: before };
    const plan = planStandingsWrite(current, initial);
    expect(plan.kind).toBe(kind);
    if (plan.kind === 'CREATE') expect(plan.state).toBe(endsIn);
    if (plan.kind === 'IN_PLACE') expect(plan.restoreTo ?? state).toBe(endsIn);
    expect(failedStateOf(current, initial).stateBeforeFailure).toBe(remembered);
  });

  it('refuses to write a REPLACED set (never the live one)', () => {
    expect(() => planStandingsWrite({ state: 'REPLACED', stateBeforeFailure: null }, initial)).toThrow();
  });

  it('a first run creates the set in the board\'s initial state', () => {
    for (const s of RESULT_SET_STATES.filter((x) => x === 'DRAFT' || x === 'PROVISIONAL')) {
      expect(planStandingsWrite(null, s)).toEqual({ kind: 'CREATE', state: s });
    }
  });
});
