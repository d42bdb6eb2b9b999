import { Leaderboard, LeaderboardCategory, LeaderboardEvent } from '../leaderboards/leaderboard.entity';
import { PointsScale } from '../leaderboards/points-scale.entity';
import { RecalcRun } from '../leaderboards/recalc.entities';
import { ResultSet } from '../results/result-set.entity';
import { RaceEvent } from '../series/race-event.entity';
import { Series } from '../series/series.entity';

/**
 * The entities the code reads or writes through TypeORM, listed once: the app, the CLI data
 * source and the tests all use this list. They map the columns the code uses; they are not a
 * description of the schema, which is the hand-written SQL of src/migrations (constraints,
 * partial and expression indexes, NULLS NOT DISTINCT, triggers, none of which an entity can
 * state faithfully), so there is no `migration:generate`. Tables the code reaches only with
 * SQL (participant, race_result, custom lists, the outbox, failure episodes, notifications,
 * retry tokens)
 * have no entity.
 */
export const ENTITIES = [
  Series, RaceEvent, ResultSet, PointsScale, Leaderboard, LeaderboardCategory, LeaderboardEvent, RecalcRun,
];
