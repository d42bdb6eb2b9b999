/**
 * What must hold once the system is quiet after each scenario, judged from PostgreSQL alone:
 * every board equals a from-scratch recomputation of the same database (and, for individual
 * boards, the brute-force oracle's totals), one live standings set per board with unique keys,
 * nothing pending, FAILED, queued or running, and every acknowledged write saved.
 */
import { isDeepStrictEqual } from 'node:util';
import { DataSource, In } from 'typeorm';
import { computeStandings, EventInput, RaceResultInput, StandingEntry, Status } from '../../../src/calculators';
import { expand } from '../../../src/calculators/breakdown-form';
import { dataSourceOptions } from '../../../src/database/data-source-options';
import { toLeaderboardConfig, toPointsScaleConfig } from '../../../src/leaderboards/board-config';
import { Leaderboard } from '../../../src/leaderboards/leaderboard.entity';
import { LeaderboardsRepository } from '../../../src/leaderboards/leaderboards.repository';
import { PointsScale } from '../../../src/leaderboards/points-scale.entity';
import { StatusCodesRepository } from '../../../src/results/status-codes/status-codes.repository';
import { oracle } from '../../unit/calculators/oracle';
import { eventually } from '../../support/test-app';
import { EditLog, rowsKey } from './edits';

export async function openDatabase(databaseUrl: string): Promise<DataSource> {
  const db = new DataSource({ ...dataSourceOptions(databaseUrl), extra: { max: 3, application_name: 'podium-chaos-checks' } });
  return db.initialize();
}

interface Versions {
  leaderboard_id: number;
  results_version: number;
  standings_version: number;
}

/** Active boards whose standings lag their results; all of them, or those of `boards`. */
async function pendingBoards(db: DataSource, boards: number[] | null = null): Promise<Versions[]> {
  return db.query(
    `SELECT o.leaderboard_id, o.results_version, o.standings_version FROM recalc_outbox o
       JOIN leaderboard l ON l.id = o.leaderboard_id
      WHERE l.active AND o.results_version IS DISTINCT FROM o.standings_version AND ($1::int[] IS NULL OR l.id = ANY($1))
      ORDER BY 1`,
    [boards],
  );
}

/**
 * Waits until every board's standings_version has caught up with its results_version; returns
 * the milliseconds it took, or throws a message saying what was still pending at the deadline.
 */
export async function timeUntilCurrent(db: DataSource, boards: number[], what: string, timeoutMs: number, since = Date.now()): Promise<number> {
  try {
    await eventually(async () => (await pendingBoards(db, boards)).length === 0, timeoutMs, 50);
  } catch {
    const pending = await pendingBoards(db, boards).catch(() => []);
    throw new Error(
      `${what}: boards still pending after ${timeoutMs} ms (results_version ≠ standings_version): ` +
        JSON.stringify(pending),
    );
  }
  return Date.now() - since;
}

/**
 * Every invariant of the suite for one scenario's boards (so a scenario's failure is not
 * reported again by the next); an empty list means the database is as it should be.
 */
export async function problemsOf(db: DataSource, boards: number[], log: EditLog, describeJob: (jobId: string) => Promise<string>): Promise<string[]> {
  const problems: string[] = [];
  for (const p of await pendingBoards(db, boards)) {
    problems.push(`board ${p.leaderboard_id} left pending: results_version ${p.results_version} ≠ standings_version ${p.standings_version}`);
  }
  for (const r of await db.query(`SELECT id, leaderboard_id, job_id, status, trigger, queued_at FROM recalc_run WHERE status IN ('queued', 'running') AND leaderboard_id = ANY($1) ORDER BY id`, [boards])) {
    problems.push(
      `recalc_run ${r.id} (board ${r.leaderboard_id}, job ${r.job_id}, ${r.trigger}) left ${r.status} since ${new Date(r.queued_at).toISOString()}; ${await describeJob(r.job_id)}`,
    );
  }
  for (const r of await db.query(`SELECT leaderboard_id, id, error_message FROM result_set WHERE leaderboard_id = ANY($1) AND state = 'F'`, [boards])) {
    problems.push(`board ${r.leaderboard_id} standings FAILED (set ${r.id}): ${r.error_message}`);
  }
  for (const r of await db.query(`SELECT leaderboard_id, count(*)::int AS n FROM result_set WHERE leaderboard_id = ANY($1) AND state <> 'R' GROUP BY 1 HAVING count(*) > 1`, [boards])) {
    problems.push(`board ${r.leaderboard_id} has ${r.n} live standings sets`);
  }
  for (const r of await db.query(
    `SELECT s.leaderboard_id, r.group_key, count(*)::int AS n FROM race_result r JOIN result_set s ON s.id = r.result_set_id
      WHERE s.leaderboard_id = ANY($1) AND s.state <> 'R' GROUP BY 1, 2 HAVING count(*) > 1`,
    [boards],
  )) {
    problems.push(`board ${r.leaderboard_id}: standings key ${r.group_key} appears ${r.n} times`);
  }
  for (const board of await db.getRepository(Leaderboard).find({ where: { id: In(boards) }, order: { id: 'ASC' } })) {
    problems.push(...(await boardProblems(db, board)));
  }
  problems.push(...(await lostWrites(db, log)));
  return problems;
}

/** The board's stored standings against computeStandings (and the oracle) on its race rows, read with plain SQL rather than the worker's packs. */
async function boardProblems(db: DataSource, board: Leaderboard): Promise<string[]> {
  const [definition] = await new LeaderboardsRepository().definitions(db.manager, [board]);
  const config = toLeaderboardConfig(definition);
  const registered = await new StatusCodesRepository().registered(db.manager);
  const scale = toPointsScaleConfig(await db.getRepository(PointsScale).findOneByOrFail({ id: board.pointsScaleId }), registered);
  const events: EventInput[] = (
    await db.query(`SELECT id, name, to_char(date, 'YYYY-MM-DD') AS date, starred, points_multiplier FROM event WHERE series_id = $1`, [board.seriesId])
  ).map((e: any) => ({ id: e.id, name: e.name, date: e.date, starred: e.starred, pointsMultiplier: e.points_multiplier }));
  const results: RaceResultInput[] = (
    await db.query(
      `SELECT r.id, s.event_id, s.category, r.participant_id, p.first_name || ' ' || p.last_name AS participant_name,
              r.custom1_id, c1.name AS custom1_name, r.custom2_id, c2.name AS custom2_name, r.custom3_id, c3.name AS custom3_name,
              r.position, r.status, r.time_ms
         FROM race_result r
         JOIN result_set s ON s.id = r.result_set_id
         JOIN event e ON e.id = s.event_id
         JOIN participant p ON p.id = r.participant_id
         LEFT JOIN custom_list_value c1 ON c1.id = r.custom1_id
         LEFT JOIN custom_list_value c2 ON c2.id = r.custom2_id
         LEFT JOIN custom_list_value c3 ON c3.id = r.custom3_id
        WHERE e.series_id = $1 AND s.state IN ('P', 'A') AND s.category = ANY($2::text[])`,
      [board.seriesId, config.categories.map((c) => c.code)],
    )
  ).map((r: any) => ({
    id: r.id,
    eventId: r.event_id,
    category: r.category,
    participantId: r.participant_id,
    participantName: r.participant_name,
    custom1: r.custom1_id === null ? null : { id: r.custom1_id, name: r.custom1_name },
    custom2: r.custom2_id === null ? null : { id: r.custom2_id, name: r.custom2_name },
    custom3: r.custom3_id === null ? null : { id: r.custom3_id, name: r.custom3_name },
    position: r.position,
    status: r.status as Status,
    timeMs: r.time_ms,
  }));
  const input = { scale, board: config, events, results };
  const expected = computeStandings(input).entries;
  const stored: { group_key: string; position: number | null; points: number; breakdown: unknown }[] = await db.query(
    `SELECT r.group_key, r.position, r.points, r.breakdown FROM race_result r JOIN result_set s ON s.id = r.result_set_id
      WHERE s.leaderboard_id = $1 AND s.state <> 'R' ORDER BY r.seq`,
    [board.id],
  );
  const problems: string[] = [];
  // The breakdown is stored as compact text (breakdown-form.ts): compared as the object it expands to.
  const byKey = new Map(stored.map((row) => [row.group_key, { ...row, breakdown: row.breakdown === null ? null : expand(row.breakdown as string) }]));
  for (const entry of expected) {
    const row = byKey.get(entry.key);
    byKey.delete(entry.key);
    const difference = entryDifference(entry, row);
    if (difference) problems.push(`board ${board.id} (${board.name}) ${entry.key}: ${difference}`);
  }
  for (const key of byKey.keys()) problems.push(`board ${board.id} (${board.name}): stored entry ${key} that a recomputation does not have`);
  if (config.type === 'INDIVIDUAL') {
    const { totals } = oracle(input);
    for (const entry of expected) {
      if (totals.get(entry.key) !== Math.round(entry.points * 1000)) {
        problems.push(`board ${board.id} ${entry.key}: computeStandings gives ${entry.points} points, the brute-force oracle ${(totals.get(entry.key) ?? 0) / 1000}`);
      }
    }
  }
  return problems.slice(0, 20);
}

function entryDifference(entry: StandingEntry, row: { position: number | null; points: number; breakdown: unknown } | undefined): string | null {
  if (!row) return 'missing from the stored standings';
  if (row.position !== entry.position) return `stored position ${row.position}, recomputed ${entry.position}`;
  if (row.points !== entry.points) return `stored points ${row.points}, recomputed ${entry.points}`;
  if (!isDeepStrictEqual(row.breakdown, JSON.parse(JSON.stringify(entry.breakdown)))) {
    return `stored breakdown ${JSON.stringify(row.breakdown)} differs from the recomputed ${JSON.stringify(entry.breakdown)}`;
  }
  return null;
}

/** Every race set the client wrote holds a write the client cannot know was overwritten: no acknowledged edit lost. */
async function lostWrites(db: DataSource, log: EditLog): Promise<string[]> {
  const problems: string[] = [];
  for (const [setId, { allowed, anyAcked }] of log.expectations()) {
    const rows = await db.query(
      `SELECT p.first_name || ' ' || p.last_name AS name, r.position, r.status, c.name AS school
         FROM race_result r JOIN participant p ON p.id = r.participant_id LEFT JOIN custom_list_value c ON c.id = r.custom1_id
        WHERE r.result_set_id = $1`,
      [setId],
    );
    if (!allowed.has(rowsKey(rows))) {
      problems.push(
        anyAcked
          ? `race set ${setId}: the database holds none of the ${allowed.size} writes not superseded for certain (an acknowledged edit was lost or overwritten by an older one)`
          : `race set ${setId}: the database holds none of its unanswered writes`,
      );
    }
  }
  return problems;
}
