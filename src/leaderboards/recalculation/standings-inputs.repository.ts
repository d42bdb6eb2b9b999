import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import Cursor from 'pg-cursor';
import type { CustomValueRef, EventInput, RaceResultInput } from '../../calculators';
import { ResultStatus } from '../../results/race-result.entity';

const BATCH = 20_000;

export interface BoardScope {
  seriesId: number;
  categories: string[];
  eventScope: 'ALL' | 'STARRED' | 'LISTED';
  leaderboardId: number;
}

/**
 * Loads a board's inputs with set-based SQL, streaming the results through a cursor in arrays
 * (no entity hydration), and interning names and group references so a million results cost
 * a million small objects, not a million copies of every string.
 */
@Injectable()
export class StandingsInputsRepository {
  async events(client: PoolClient, seriesId: number): Promise<EventInput[]> {
    const { rows } = await client.query<{ id: number; name: string; date: string; starred: boolean; points_multiplier: number }>(
      `SELECT id, name, to_char(date, 'YYYY-MM-DD') AS date, starred, points_multiplier FROM event WHERE series_id = $1 ORDER BY date, id`,
      [seriesId],
    );
    return rows.map((e) => ({ id: e.id, name: e.name, date: e.date, starred: e.starred, pointsMultiplier: e.points_multiplier }));
  }

  /** Published (PROVISIONAL or APPROVED) race results of the board's categories and event scope. */
  async results(client: PoolClient, scope: BoardScope): Promise<RaceResultInput[]> {
    const scopeFilter = `
      FROM result_set s
      JOIN event e ON e.id = s.event_id
      JOIN race_result r ON r.result_set_id = s.id
     WHERE e.series_id = $1 AND s.state IN ('P', 'A') AND s.category = ANY($2::text[])
       AND ($3 = 'ALL' OR ($3 = 'STARRED' AND e.starred) OR ($3 = 'LISTED' AND EXISTS (
             SELECT 1 FROM leaderboard_event le WHERE le.leaderboard_id = $4 AND le.event_id = e.id AND le.listed)))`;
    const params = [scope.seriesId, scope.categories, scope.eventScope, scope.leaderboardId];

    const names = new Map<number, string>();
    const people = await client.query<[number, string]>({
      text: `SELECT p.id, p.first_name || ' ' || p.last_name FROM participant p
              WHERE p.id IN (SELECT r.participant_id ${scopeFilter})`,
      values: params,
      rowMode: 'array',
    });
    for (const [id, name] of people.rows) names.set(id, name);

    const groups = new Map<number, CustomValueRef>();
    const values = await client.query<[number, string]>({
      text: `SELECT v.id, v.name FROM custom_list_value v
              WHERE v.id IN (SELECT unnest(ARRAY[r.custom1_id, r.custom2_id, r.custom3_id]) ${scopeFilter})`,
      values: params,
      rowMode: 'array',
    });
    for (const [id, name] of values.rows) groups.set(id, { id, name });

    const categories = new Map(scope.categories.map((c) => [c, c]));
    const results: RaceResultInput[] = [];
    const cursor = client.query(
      new Cursor(
        `SELECT r.id, s.event_id, s.category, r.participant_id, r.custom1_id, r.custom2_id, r.custom3_id,
                r.position, r.status, r.time_ms ${scopeFilter}`,
        params,
        { rowMode: 'array' },
      ),
    );
    try {
      for (;;) {
        const batch = (await cursor.read(BATCH)) as unknown[][];
        if (batch.length === 0) break;
        for (const row of batch) {
          const participantId = row[3] as number;
          results.push({
            id: row[0] as number,
            eventId: row[1] as number,
            category: categories.get(row[2] as string) ?? (row[2] as string),
            participantId,
            participantName: names.get(participantId) ?? `#${participantId}`,
            custom1: row[4] === null ? null : groups.get(row[4] as number)!,
            custom2: row[5] === null ? null : groups.get(row[5] as number)!,
            custom3: row[6] === null ? null : groups.get(row[6] as number)!,
            position: row[7] as number | null,
            status: row[8] as ResultStatus,
            timeMs: row[9] as number | null,
          });
        }
      }
    } finally {
      await cursor.close();
    }
    return results;
  }
}
