import { DataSource } from 'typeorm';

export interface SeasonShape {
  events: number;
  categories: number;
  riders: number; // per category
}

/** What the seeders need of a connection: DataSource.query's shape (a pg Client can be wrapped). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Queryable = { query(text: string, params?: unknown[]): Promise<any> };

export interface SeededBoard {
  seriesId: number;
  leaderboardId: number;
  table: number[];
  results: number;
}

export const F1_TABLE = [25, 18, 15, 12, 10, 8, 6, 4, 2, 1];

/**
 * Seeds a season straight into PostgreSQL with generate_series: every rider of every category
 * races every event, places a deterministic shuffle (no ties), all sets PROVISIONAL.
 */
export async function seedSeason(db: Queryable, shape: SeasonShape): Promise<SeededBoard> {
  const { seriesId, scaleId } = await seedRaces(db, shape);
  const [{ id: leaderboardId }] = await db.query(
    `INSERT INTO leaderboard (series_id, name, type, points_scale_id, tie_breaks) VALUES ($1, 'Season', 'INDIVIDUAL', $2, '{}') RETURNING id`,
    [seriesId, scaleId],
  );
  await db.query(
    `INSERT INTO leaderboard_category (leaderboard_id, code, multiplier, ordinal)
     SELECT $1, 'Cat ' || c, 1, c FROM generate_series(1, $2) AS c`,
    [leaderboardId, shape.categories],
  );
  await db.query('ANALYZE');
  return { seriesId, leaderboardId, table: F1_TABLE, results: shape.events * shape.categories * shape.riders };
}

/**
 * The fleet (issue 16): `boards` F1 INDIVIDUAL boards over one series, board b reading the one
 * category 'Cat ((b-1) mod categories + 1)'.
 */
export async function seedFleet(db: Queryable, shape: SeasonShape, boards: number): Promise<SeededBoard[]> {
  const { seriesId, scaleId } = await seedRaces(db, shape);
  const rows: { id: number }[] = await db.query(
    `INSERT INTO leaderboard (series_id, name, type, points_scale_id, tie_breaks)
     SELECT $1, 'Board ' || b, 'INDIVIDUAL', $2, '{}' FROM generate_series(1, $3) AS b ORDER BY b RETURNING id`,
    [seriesId, scaleId, boards],
  );
  const ids = rows.map((r) => r.id).sort((a, b) => a - b);
  await db.query(
    `INSERT INTO leaderboard_category (leaderboard_id, code, multiplier, ordinal)
     SELECT id, 'Cat ' || ((ord - 1) % $2 + 1), 1, 1 FROM unnest($1::int[]) WITH ORDINALITY AS b(id, ord)`,
    [ids, shape.categories],
  );
  await db.query('ANALYZE');
  return ids.map((leaderboardId) => ({ seriesId, leaderboardId, table: F1_TABLE, results: shape.events * shape.riders }));
}

/** A series with its events, riders and published race results, and an F1 scale; no board. */
async function seedRaces(db: Queryable, shape: SeasonShape): Promise<{ seriesId: number; scaleId: number }> {
  const [{ id: seriesId }] = await db.query(`INSERT INTO series (name, custom1_label) VALUES ('Bench series', 'School') RETURNING id`);
  const [{ id: scaleId }] = await db.query(`INSERT INTO points_scale (name, kind, config) VALUES ('F1', 'TABLE', $1) RETURNING id`, [JSON.stringify({ table: F1_TABLE })]);
  await db.query(
    `INSERT INTO event (series_id, name, date) SELECT $1, 'Event ' || e, DATE '2026-01-01' + e * 7 FROM generate_series(1, $2) AS e`,
    [seriesId, shape.events],
  );
  const [{ id: listId }] = await db.query(`INSERT INTO custom_list (series_id, slot, name) VALUES ($1, 1, 'School') RETURNING id`, [seriesId]);
  await db.query(`INSERT INTO custom_list_value (custom_list_id, name) SELECT $1, 'School ' || s FROM generate_series(1, 50) AS s`, [listId]);
  const [{ first_value: firstValue }] = await db.query(`SELECT min(id) AS first_value FROM custom_list_value WHERE custom_list_id = $1`, [listId]);
  const [{ first_participant: firstParticipant }] = await db.query(
    `WITH ins AS (INSERT INTO participant (first_name, last_name)
                  SELECT 'Rider', 'No ' || p FROM generate_series(1, $1::int) AS p RETURNING id)
     SELECT min(id) AS first_participant FROM ins`,
    [shape.categories * shape.riders],
  );
  await db.query(
    `INSERT INTO result_set (event_id, category, state)
     SELECT e.id, 'Cat ' || c, 'P' FROM event e CROSS JOIN generate_series(1, $2) AS c WHERE e.series_id = $1`,
    [seriesId, shape.categories],
  );
  // Rider k of category c is participant (c-1)*riders + k; places are a per-race permutation.
  await db.query(
    `INSERT INTO race_result (result_set_id, participant_id, custom1_id, category, position, status)
     SELECT s.id, $2 + (c - 1) * $4 + (k - 1), $3 + ((k - 1) % 50), s.category,
            row_number() OVER (PARTITION BY s.id ORDER BY md5(s.id::text || ':' || k)), 'FIN'
       FROM result_set s
       JOIN event e ON e.id = s.event_id AND e.series_id = $1
       CROSS JOIN LATERAL (SELECT substring(s.category FROM 5)::int AS c) cat
       CROSS JOIN generate_series(1, $4) AS k`,
    [seriesId, firstParticipant, firstValue, shape.riders],
  );
  return { seriesId, scaleId };
}

/**
 * The hand-written SQL a person would run today for the same INDIVIDUAL F1 board: table points
 * summed per rider over published results, ranked. (Valid for the seeded data: no ties.)
 */
export async function sqlStandings(db: Queryable, board: SeededBoard): Promise<{ participant_id: number; points: number; position: number }[]> {
  return db.query(
    `SELECT r.participant_id, sum(COALESCE(t.points, 0) * e.points_multiplier * lc.multiplier)::float8 AS points,
            rank() OVER (ORDER BY sum(COALESCE(t.points, 0) * e.points_multiplier * lc.multiplier) DESC)::int AS position
       FROM result_set s
       JOIN event e ON e.id = s.event_id AND e.series_id = $1
       JOIN leaderboard_category lc ON lc.leaderboard_id = $2 AND lc.code = s.category
       JOIN race_result r ON r.result_set_id = s.id
       LEFT JOIN unnest($3::float8[]) WITH ORDINALITY AS t(points, place) ON t.place = r.position
      WHERE s.state IN ('P', 'A')
      GROUP BY r.participant_id
      ORDER BY points DESC, r.participant_id`,
    [board.seriesId, board.leaderboardId, board.table],
  );
}
