import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditTrail } from '../../audit/audit-trail';
import { TransactionRunner } from '../../common/database/transaction-runner';
import { ConflictError, NotFoundError } from '../../common/errors/domain-errors';
import { RecalcQueue } from './recalc-queue.service';
import { RunView } from '../leaderboard-views';
import { LeaderboardsRepository } from '../leaderboards.repository';
import { toRunView } from '../leaderboards.service';
import { RunTrigger } from '../recalc.entities';
import { RecalculateAllView, RecalculationView } from './recalculation.dto';
import { RunsRepository } from './runs.repository';

/** Manual recalculation and the status of runs; bypasses the debounce. */
@Injectable()
export class RecalculationService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly boards: LeaderboardsRepository,
    private readonly runs: RunsRepository,
    private readonly queue: RecalcQueue,
    private readonly audit: AuditTrail,
    private readonly dataSource: DataSource,
  ) {}

  async recalculate(leaderboardId: number, trigger: RunTrigger = 'MANUAL'): Promise<RecalculationView> {
    const board = await this.tx.run((uow) => this.boards.find(uow.manager, leaderboardId));
    if (!board.active) throw new ConflictError(`Leaderboard ${leaderboardId} is inactive; activate it (PATCH active: true) to recalculate it`);
    const job = await this.enqueue(leaderboardId, trigger);
    // Recorded once queued (a request the queue refused is no request); it changes no data, so
    // the row has a transaction of its own.
    await this.tx.run(({ manager }) => this.audit.record(manager, {
      action: 'recalculation.request', entity: 'leaderboard', entityId: leaderboardId, changes: { jobId: job.jobId, trigger },
    }));
    return job;
  }

  async recalculateSeries(seriesId: number): Promise<RecalculateAllView> {
    // One statement, outside a transaction: the series' existence and its active boards' ids.
    const ids = await this.boards.activeIdsOfSeries(this.dataSource.manager, seriesId);
    if (ids === null) throw new NotFoundError('Series', seriesId);
    const jobs = await this.queue.enqueueNowMany(ids, 'MANUAL');
    await this.tx.run(({ manager }) => this.audit.record(manager, {
      action: 'recalculation.request',
      entity: 'series',
      entityId: seriesId,
      changes: { trigger: 'MANUAL', jobs: jobs.map((job) => ({ leaderboardId: job.leaderboardId, jobId: job.jobId })) },
    }));
    return { seriesId, jobs };
  }

  async status(jobId: string): Promise<RunView> {
    const run = await this.tx.run((uow) => this.runs.byJobId(uow.manager, jobId));
    if (run) return toRunView(run);
    // Not started yet and not recorded (a job made by a change or the sweeper): ask BullMQ.
    const job = await this.queue.getJob(jobId);
    if (!job) throw new NotFoundError('Recalculation', jobId);
    const state = await job.getState();
    return {
      jobId,
      leaderboardId: job.data.leaderboardId,
      status: state === 'active' ? 'running' : state === 'completed' ? 'completed' : state === 'failed' ? 'failed' : 'queued',
      trigger: job.data.trigger,
      queuedAt: new Date(job.timestamp).toISOString(),
      startedAt: job.processedOn ? new Date(job.processedOn).toISOString() : null,
      finishedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
      error: job.failedReason ?? null,
      rows: null,
      phases: null,
      servedBy: null,
    };
  }

  async history(leaderboardId: number, limit: number): Promise<RunView[]> {
    return this.tx.run(async (uow) => {
      await this.boards.find(uow.manager, leaderboardId);
      return (await this.runs.history(uow.manager, leaderboardId, limit)).map(toRunView);
    });
  }

  private enqueue(leaderboardId: number, trigger: RunTrigger): Promise<RecalculationView> {
    return this.queue.enqueueNow(leaderboardId, trigger);
  }
}
