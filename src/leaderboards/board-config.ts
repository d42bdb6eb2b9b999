import type { LeaderboardConfig, PointsScaleConfig, RegisteredCodes } from '../calculators';
import { BoardDefinition } from './leaderboards.repository';
import { PointsScale } from './points-scale.entity';

/** The calculators' view of a stored board: the one place the two shapes meet. */
export function toLeaderboardConfig(def: BoardDefinition): LeaderboardConfig {
  const { board } = def;
  return {
    type: board.type,
    categories: def.categories.map((c) => ({ code: c.code, multiplier: c.multiplier })),
    eventScope: board.eventScope,
    eventIds: def.listedEventIds,
    bestOf: board.bestOf,
    dropWorst: board.dropWorst,
    nonDroppableEventIds: def.nonDroppableEventIds,
    minEvents: board.minEvents,
    belowMinEvents: board.belowMinEvents,
    countingRiders: board.countingRiders,
    minRiders: board.minRiders,
    groupBy: board.groupBy,
    tieBreaks: board.tieBreaks,
    ranking: board.ranking,
    missed: board.missed,
    discardSchedule: board.discardSchedule,
  };
}

/** The scale as the calculators score it: its settings, and the deployment's organiser-defined codes (never stored with it). */
export function toPointsScaleConfig(scale: PointsScale, registeredCodes: RegisteredCodes): PointsScaleConfig {
  return { kind: scale.kind, ...scale.config, registeredCodes };
}
