/**
 * Which events of a series feed a board (its event scope), the one definition: the calculators
 * filter events with eventInScope, and SQL (the inputs a run loads, the boards a change marks
 * pending) with eventInScopeSql, both made from SCOPE_RULES.
 */
export const EVENT_SCOPES = ['ALL', 'STARRED', 'LISTED'] as const;
export type EventScope = (typeof EVENT_SCOPES)[number];

/** What a rule reads of an event: whether it is starred, and whether the board lists it. */
interface ScopeFacts<T> {
  starred: T;
  listed: T;
}

/** Each scope's rule, once over booleans and once over SQL boolean expressions. */
const SCOPE_RULES: Record<EventScope, { holds(facts: ScopeFacts<boolean>): boolean; sql(facts: ScopeFacts<string>): string }> = {
  ALL: { holds: () => true, sql: () => 'TRUE' },
  STARRED: { holds: (f) => f.starred, sql: (f) => f.starred },
  LISTED: { holds: (f) => f.listed, sql: (f) => f.listed },
};

/** Whether a board of `scope` reads the event (`listedIds`: the events a LISTED board names). */
export function eventInScope(scope: EventScope, event: { id: number; starred: boolean }, listedIds: readonly number[] | undefined): boolean {
  return SCOPE_RULES[scope].holds({ starred: event.starred, listed: (listedIds ?? []).includes(event.id) });
}

/**
 * The same rule as a SQL boolean: `scope` is an SQL expression of the board's scope (a column
 * or a parameter), `board` of its id, `event` the alias of an `event` row. A LISTED board's
 * events are its leaderboard_event rows marked listed.
 */
export function eventInScopeSql(sql: { scope: string; board: string; event: string }): string {
  const facts: ScopeFacts<string> = {
    starred: `${sql.event}.starred`,
    listed: `EXISTS (SELECT 1 FROM leaderboard_event le WHERE le.leaderboard_id = ${sql.board} AND le.event_id = ${sql.event}.id AND le.listed)`,
  };
  return `(${EVENT_SCOPES.map((scope) => `(${sql.scope} = '${scope}' AND ${SCOPE_RULES[scope].sql(facts)})`).join(' OR ')})`;
}
