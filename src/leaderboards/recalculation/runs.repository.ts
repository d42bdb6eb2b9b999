import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { OneStatement } from '../../common/database/one-statement';
import type { PipedStatement } from '../../common/database/pipeline';
import { RecalcRun, RunTrigger } from '../recalc.entities';
import type { RowCountsSql } from '../standings/standings-rows.repository';

/**
 * Ends the board's other open rows that the run `r` (a row of recalc_run, from `from`) served:
 * see RunsRepository.closeServed.
 */
const SERVED_BY = (from: string): string => `
  UPDATE recalc_run q
     SET status = r.status, served_by = r.job_id, finished_at = r.finished_at, error = r.error
    FROM ${from}
   WHERE q.leaderboard_id = r.leaderboard_id AND q.job_id <> r.job_id
     AND q.status IN ('queued', 'running') AND q.queued_at < r.started_at
     AND (q.status = 'queued' OR q.started_at < r.started_at)`;

/**
 * The "running" mark's transaction commits without waiting for its WAL to reach the disk
 * (synchronous_commit off, for that transaction only): a WAL flush is an fsync, 1–3 ms on this
 * machine's disk, and the mark's was one of the two a repeated run waited for. Other sessions
 * see the mark at once either way; only a PostgreSQL crash in the next few hundred milliseconds
 * (3 × wal_writer_delay at most) can lose it, and then it is lost together with the run that
 * followed it: the run commits synchronously, which flushes the WAL up to its commit, the mark's
 * records included (WAL is written in order), so a completed run never loses its mark (a quiet
 * run commits asynchronously too, addQuietCommit: a crash then loses both, as if neither ran). A run
 * cut short by the crash rolls back anyway; its row is back to what it was before the mark
 * (queued by its request, back to queued by a failed attempt, running since an earlier attempt
 * of a worker that died, or absent when nothing recorded the job): states the worker's retry,
 * BullMQ's stalled-job check and the sweeper (open rows whose job is gone get a run, which
 * serves them) already handle, as after any crash mid-run (the chaos suite's PostgreSQL
 * restarts are immediate-mode stops, crashes).
 */
export const MARK_COMMITS_ASYNC: PipedStatement = { name: 'podium_mark_async', text: 'SET LOCAL synchronous_commit = off' };

/**
 * Quiet runs commit without waiting for the disk: a run that changed no standings row, no
 * set's state and closed no failure episode (a repeated run, most of a recalculate-all)
 * commits only bookkeeping: the run's completion (and the open rows it served), the board's
 * computed mark, the set's computed_at and cached packs. A PostgreSQL crash in the next few
 * hundred milliseconds can lose that and nothing else, leaving what the sweeper already
 * handles: a board whose pending mark is due and has no job gets one, an open run row whose job
 * is gone gets a run of its board, a pack missing is packed again. Standings a client has seen
 * cannot un-happen: a run that changed any commits with the database's setting, and with it
 * every WAL record before its commit. The setting is decided in the closing statement itself
 * (set_config is SET LOCAL), because only it knows whether an episode was closed; its column
 * `synchronous_commit` is the setting the COMMIT used.
 */
export function addQuietCommit(statement: OneStatement, durableIf: string): void {
  statement.select('synchronous_commit',
    `set_config('synchronous_commit', CASE WHEN ${durableIf} THEN current_setting('synchronous_commit') ELSE 'off' END, true)`);
}

/** The run history: one row per job, from queued (RecalcQueue.enqueueNow) or started (worker) to its end. */
@Injectable()
export class RunsRepository {
  /** A run queued for a job; a row the job already has (it joined a waiting one) is kept. */
  async queued(manager: EntityManager, jobId: string, leaderboardId: number, trigger: RunTrigger): Promise<void> {
    await this.queuedMany(manager, [{ jobId, leaderboardId }], trigger);
  }

  /**
   * queued() for many jobs, in one statement. A worker may already have started some of them
   * (their rows are committed by startStatements()); those are skipped by NOT EXISTS rather than by ON
   * CONFLICT alone, which would wait for each of those runs' transactions to end once they
   * have updated their row (an index entry of a transaction in progress).
   */
  async queuedMany(manager: EntityManager, jobs: { jobId: string; leaderboardId: number }[], trigger: RunTrigger): Promise<void> {
    if (jobs.length === 0) return;
    await manager.query(
      `INSERT INTO recalc_run (job_id, leaderboard_id, trigger, status)
       SELECT j.job_id, j.leaderboard_id, $3, 'queued' FROM unnest($1::text[], $2::int[]) AS j(job_id, leaderboard_id)
        WHERE NOT EXISTS (SELECT FROM recalc_run r WHERE r.job_id = j.job_id)
       ON CONFLICT (job_id) DO NOTHING`,
      [jobs.map((j) => j.jobId), jobs.map((j) => j.leaderboardId), trigger],
    );
  }

  /**
   * Removes the rows of jobs that were recorded as queued but never added (recalculate-all's
   * batches after one that failed; a request folded into another job). Only still-queued rows:
   * one a worker has started is its run's.
   */
  async forgetQueued(manager: EntityManager, jobIds: string[]): Promise<void> {
    if (jobIds.length === 0) return;
    await manager.query(`DELETE FROM recalc_run WHERE job_id = ANY($1::text[]) AND status = 'queued'`, [jobIds]);
  }

  /**
   * The run's "running" mark, as statements the run sends first, committed on their own before
   * its transaction (RecalculationRunner: in the pipeline that begins it), so the record is
   * visible while the run works: MARK_COMMITS_ASYNC, then the mark itself.
   */
  startStatements(jobId: string, leaderboardId: number, trigger: RunTrigger, queuedAt: Date, attempt: number): PipedStatement[] {
    return [
      MARK_COMMITS_ASYNC,
      {
        name: 'podium_run_start',
        text: `INSERT INTO recalc_run (job_id, leaderboard_id, trigger, status, queued_at, started_at, attempts)
               VALUES ($1, $2, $3, 'running', $4, clock_timestamp(), $5)
               ON CONFLICT (job_id) DO UPDATE SET status = 'running', started_at = clock_timestamp(), attempts = EXCLUDED.attempts, finished_at = NULL, served_by = NULL`,
        values: [jobId, leaderboardId, trigger, queuedAt, attempt],
      },
    ];
  }

  /**
   * Marks that the run's interval starts now, from when it may write: a part of the statement
   * that takes the board's lock, joined to the lock's part `lock` so that it runs once the lock
   * is held. Every later statement of the run reads a snapshot taken after this time.
   */
  addLocked(statement: OneStatement, jobId: string, lock: string): void {
    statement.with('run_locked', `UPDATE recalc_run SET started_at = clock_timestamp() FROM ${lock} WHERE job_id = ${statement.param(jobId)}`);
  }

  /**
   * The run's end, and the board's open rows it served (closeServed), as parts of the run's
   * closing statement; `rows` counts the standings rows written, as SQL over that statement.
   */
  addComplete(statement: OneStatement, jobId: string, rows: RowCountsSql, resultsVersion: number, summary: unknown): void {
    const p = (value: unknown) => statement.param(value);
    statement.with('run_done',
      `UPDATE recalc_run SET status = 'completed', finished_at = clock_timestamp(), rows_inserted = ${rows.inserted}, rows_updated = ${rows.updated},
              rows_deleted = ${rows.deleted}, results_version = ${p(resultsVersion)}, summary = ${p(JSON.stringify(summary))}, error = NULL, served_by = NULL
        WHERE job_id = ${p(jobId)}
       RETURNING job_id, leaderboard_id, status, finished_at, error, started_at`);
    statement.with('run_served', SERVED_BY('run_done r'));
  }

  /** A failed attempt: `failed` for good, or back to `queued` while BullMQ retries it. */
  async fail(manager: EntityManager, jobId: string, error: string, final: boolean): Promise<void> {
    await manager.query(
      `UPDATE recalc_run SET status = $2, finished_at = CASE WHEN $2 = 'failed' THEN clock_timestamp() END, error = $3, served_by = NULL WHERE job_id = $1`,
      [jobId, final ? 'failed' : 'queued', error],
    );
    if (final) await this.closeServed(manager, jobId);
  }

  /**
   * Ends the board's other open rows that this run served, with its outcome: a run reads
   * everything committed before it started, so it answers every request made before then. Their
   * own jobs may never run (BullMQ keeps one follow-up per board; a later change can take its
   * place), or be lost with a killed worker or a flushed Redis. One that does run later reopens
   * its row. A row running since before this run is a worker's that died (one job per board is
   * active at a time).
   */
  private async closeServed(manager: EntityManager, jobId: string): Promise<void> {
    await manager.query(`${SERVED_BY('recalc_run r')} AND r.job_id = $1`, [jobId]);
  }

  /** Rows not yet ended, oldest first: the sweeper checks their jobs still exist. */
  async open(manager: EntityManager): Promise<{ jobId: string; leaderboardId: number }[]> {
    const rows: { job_id: string; leaderboard_id: number }[] = await manager.query(
      `SELECT job_id, leaderboard_id FROM recalc_run WHERE status IN ('queued', 'running') ORDER BY id`,
    );
    return rows.map((row) => ({ jobId: row.job_id, leaderboardId: row.leaderboard_id }));
  }

  async byJobId(manager: EntityManager, jobId: string): Promise<RecalcRun | null> {
    return manager.getRepository(RecalcRun).findOneBy({ jobId });
  }

  async history(manager: EntityManager, leaderboardId: number, limit: number): Promise<RecalcRun[]> {
    return manager.getRepository(RecalcRun).find({ where: { leaderboardId }, order: { id: 'DESC' }, take: limit });
  }
}
