/** The ResultSet state machine's states and their one-letter database codes (DESIGN.md). */
export const RESULT_SET_STATES = ['DRAFT', 'PROVISIONAL', 'APPROVED', 'REPLACED', 'DELETED', 'FAILED'] as const;
export type ResultSetState = (typeof RESULT_SET_STATES)[number];

const CODE_BY_STATE: Record<ResultSetState, string> = {
  DRAFT: '-',
  PROVISIONAL: 'P',
  APPROVED: 'A',
  REPLACED: 'R',
  DELETED: 'D',
  FAILED: 'F',
};
const STATE_BY_CODE = new Map(Object.entries(CODE_BY_STATE).map(([state, code]) => [code, state as ResultSetState]));

export function stateCode(state: ResultSetState): string {
  return CODE_BY_STATE[state];
}

export function stateFromCode(code: string): ResultSetState {
  const state = STATE_BY_CODE.get(code);
  if (!state) throw new Error(`Unknown result set state code "${code}"`);
  return state;
}

/** Race results in these states feed leaderboards; standings in these states are public. */
export const PUBLIC_STATES: readonly ResultSetState[] = ['PROVISIONAL', 'APPROVED'];

/**
 * The state codes as SQL, made from the table above so that queries cannot drift from it: a
 * code as a literal (`s.state <> ${stateSql('REPLACED')}`) and a set of them as a list
 * (`s.state IN ${statesSql(PUBLIC_STATES)}`).
 */
export function stateSql(state: ResultSetState): string {
  return `'${stateCode(state)}'`;
}

export function statesSql(states: readonly ResultSetState[]): string {
  return `(${states.map(stateSql).join(', ')})`;
}

/** `('P', 'A')`: PUBLIC_STATES in SQL. */
export const PUBLIC_STATES_SQL = statesSql(PUBLIC_STATES);
