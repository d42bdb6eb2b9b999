import { Client } from 'pg';
import { expand } from '../../src/calculators/breakdown-form';
import { RecalcQueue } from '../../src/leaderboards/recalculation/recalc-queue.service';
import { eventually, TestApp } from './test-app';

/** Short debounce, lock and stalled-job intervals, so worker tests see a killed or closed worker's job retaken in about a second. */
export const FAST_WORKER_TIMING = {
  RECALC_DEBOUNCE_MS: '300',
  RECALC_MAX_WAIT_MS: '1500',
  RECALC_SWEEP_INTERVAL_MS: '300',
  RECALC_LOCK_DURATION_MS: '1000',
  RECALC_STALLED_INTERVAL_MS: '500',
};

export interface RunRow {
  job_id: string;
  trigger: string;
  status: string;
  started_at: Date | null;
  finished_at: Date | null;
  rows_inserted: number | null;
  rows_updated: number | null;
  rows_deleted: number | null;
  error: string | null;
}

export async function runsOf(t: TestApp, leaderboardId: number): Promise<RunRow[]> {
  return t.db.query('SELECT * FROM recalc_run WHERE leaderboard_id = $1 ORDER BY id', [leaderboardId]);
}

/** Waits until the board's standings reflect every committed change and no run is queued or running. */
export async function settled(t: TestApp, leaderboardId: number, timeoutMs = 20_000): Promise<void> {
  await eventually(async () => {
    const [o] = await t.db.query('SELECT results_version, standings_version FROM recalc_outbox WHERE leaderboard_id = $1', [leaderboardId]);
    const [busy] = await t.db.query(`SELECT count(*)::int AS n FROM recalc_run WHERE leaderboard_id = $1 AND status IN ('queued', 'running')`, [leaderboardId]);
    return o && o.results_version === o.standings_version && busy.n === 0 && !(await t.app.get(RecalcQueue).hasLiveJob(leaderboardId));
  }, timeoutMs);
}

export interface StandingRow {
  group_key: string;
  position: number | null;
  points: number;
  seq: number;
  name: string;
  breakdown: unknown;
}

export async function standingsRows(t: TestApp, leaderboardId: number): Promise<StandingRow[]> {
  const rows: (StandingRow & { breakdown: string | null })[] = await t.db.query(
    `SELECT r.group_key, r.position, r.points, r.seq, r.name, r.breakdown FROM race_result r
       JOIN result_set s ON s.id = r.result_set_id
      WHERE s.leaderboard_id = $1 AND s.state <> 'R' ORDER BY r.seq`,
    [leaderboardId],
  );
  // The breakdown is stored as compact text (breakdown-form.ts): given as the object it expands to.
  return rows.map((row) => ({ ...row, breakdown: row.breakdown === null ? null : expand(row.breakdown) }));
}

export async function standingsState(t: TestApp, leaderboardId: number): Promise<{ id: number; state: string; error_message: string | null } | undefined> {
  const [row] = await t.db.query(`SELECT id, state, error_message FROM result_set WHERE leaderboard_id = $1 AND state <> 'R'`, [leaderboardId]);
  return row;
}

/**
 * Locks the board's live standings row from outside: a run then reads its inputs and blocks
 * when it comes to write, so changes committed meanwhile are newer than what it computed.
 */
export async function holdStandingsRow(databaseUrl: string, leaderboardId: number): Promise<() => Promise<void>> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query('BEGIN');
  await client.query(`SELECT id FROM result_set WHERE leaderboard_id = $1 AND state <> 'R' FOR UPDATE`, [leaderboardId]);
  return async () => {
    await client.query('COMMIT');
    await client.end();
  };
}
