import { eventInScopeSql } from '../../calculators/event-scope';
import { PUBLIC_STATES_SQL, stateSql } from '../../common/result-set-state';

/**
 * The events a board's table has a column for: in its event scope, with results published in
 * one of its categories (a published set now under a DRAFT revision still counts, as the public
 * keeps seeing it), in date order. The pages and the exports share it so their columns agree.
 * `$1` is the board id; `columns` are expressions over the event alias `e`.
 */
export function countedEventsSql(columns: string): string {
  return `SELECT ${columns}
     FROM leaderboard l JOIN event e ON e.series_id = l.series_id
    WHERE l.id = $1
      AND ${eventInScopeSql({ scope: 'l.event_scope', board: 'l.id', event: 'e' })}
      AND EXISTS (SELECT 1 FROM result_set rs JOIN leaderboard_category c ON c.leaderboard_id = l.id AND c.code = rs.category
                   WHERE rs.event_id = e.id
                     AND (rs.state IN ${PUBLIC_STATES_SQL} OR (rs.state = ${stateSql('REPLACED')} AND rs.replaced_from IN ${PUBLIC_STATES_SQL})))
    ORDER BY e.date, e.id`;
}
