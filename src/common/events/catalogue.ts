/**
 * The one catalogue of in-process events. Each event has a name constant and a payload class;
 * publish and listen only through these, never with string literals.
 */
export type ChangeReason =
  | 'RESULTS_CREATED'
  | 'RESULTS_REPLACED'
  | 'RESULT_UPDATED'
  | 'RESULT_DELETED'
  | 'STATE_CHANGED'
  | 'REVISION_PUBLISHED'
  | 'IMPORTED';

/**
 * A committed change to a race's results. `leaderboardIds` are the boards it marked pending.
 * An import is one change however many sets it writes: `resultSetIds` lists them all
 * (`resultSetId` is the first); any other change has one set.
 */
export class ResultSetChangedEvent {
  static readonly eventName = 'result-set.changed';
  readonly resultSetIds: number[];
  constructor(
    readonly resultSetId: number,
    readonly eventId: number,
    readonly seriesId: number,
    readonly categories: string[],
    readonly reason: ChangeReason,
    readonly leaderboardIds: number[],
    resultSetIds?: number[],
  ) {
    this.resultSetIds = resultSetIds ?? [resultSetId];
  }
}

/** A committed change to a leaderboard's configuration or its points scale. */
export class LeaderboardConfigChangedEvent {
  static readonly eventName = 'leaderboard.config-changed';
  constructor(
    readonly leaderboardIds: number[],
    readonly reason: 'CREATED' | 'UPDATED' | 'POINTS_SCALE_UPDATED',
  ) {}
}

/**
 * A committed change to a race day that the standings read (its date, star or points
 * multiplier), or its deletion. `leaderboardIds` are the boards it marked pending.
 */
export class RaceEventChangedEvent {
  static readonly eventName = 'race-event.changed';
  constructor(
    readonly eventId: number,
    readonly seriesId: number,
    readonly reason: 'UPDATED' | 'DELETED',
    readonly leaderboardIds: number[],
  ) {}
}

/**
 * A committed change to riders that moves or renames what boards show: a merge (results moved
 * from one rider to another) or a rename or licence change. One per change, however many events
 * and series it spans; `leaderboardIds` are the boards it marked pending.
 */
export class ParticipantsChangedEvent {
  static readonly eventName = 'participants.changed';
  constructor(
    readonly participantIds: number[],
    readonly reason: 'MERGED' | 'UPDATED',
    readonly leaderboardIds: number[],
  ) {}
}

/** A recalculation failed for good (after retries): the standings went FAILED. */
export class RecalculationFailedEvent {
  static readonly eventName = 'recalculation.failed';
  constructor(
    readonly leaderboardId: number,
    readonly episodeId: number,
    readonly error: string,
  ) {}
}

/** A board that was FAILED computed successfully again. */
export class RecalculationRecoveredEvent {
  static readonly eventName = 'recalculation.recovered';
  constructor(
    readonly leaderboardId: number,
    readonly episodeId: number,
  ) {}
}

/**
 * A board's standings were written (a run committed new rows, or a run failed and they went
 * stale). Bridged across processes: the worker that wrote them is rarely the API process
 * holding the live-update streams.
 */
export class StandingsChangedEvent {
  static readonly eventName = 'standings.changed';
  constructor(
    readonly leaderboardId: number,
    readonly resultSetId: number | null,
  ) {}
}

export type DomainEvent =
  | ResultSetChangedEvent
  | LeaderboardConfigChangedEvent
  | RaceEventChangedEvent
  | ParticipantsChangedEvent
  | RecalculationFailedEvent
  | RecalculationRecoveredEvent
  | StandingsChangedEvent;

export function eventNameOf(event: DomainEvent): string {
  return (event.constructor as unknown as { eventName: string }).eventName;
}
