import { Leaderboard, LeaderboardCategory, LeaderboardEvent } from '../leaderboards/leaderboard.entity';
import { PointsScale } from '../leaderboards/points-scale.entity';
import { RecalcOutbox, RecalcRun } from '../leaderboards/recalc.entities';
import { FailureEpisode, Notification, RetryToken } from '../notifications/notification.entities';
import { Participant } from '../results/participant.entity';
import { RaceResult } from '../results/race-result.entity';
import { ResultSet } from '../results/result-set.entity';
import { CustomList, CustomListValue } from '../series/custom-list.entity';
import { RaceEvent } from '../series/race-event.entity';
import { Series } from '../series/series.entity';

/** Every entity, listed once: the app, the CLI data source and the tests all use this list. */
export const ENTITIES = [
  Series, RaceEvent, CustomList, CustomListValue, Participant, ResultSet, RaceResult,
  PointsScale, Leaderboard, LeaderboardCategory, LeaderboardEvent, RecalcOutbox, RecalcRun,
  FailureEpisode, Notification, RetryToken,
];
