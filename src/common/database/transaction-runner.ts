import { Injectable, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { PoolClient, QueryResultRow } from 'pg';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { DomainEvent, eventNameOf } from '../events/catalogue';
import { BEGIN, COMMIT, PipedStatement, pipeline, PipelineError } from './pipeline';

/** What a unit of work sees: the transaction's manager and a way to queue events for after commit. */
export interface UnitOfWork {
  readonly manager: EntityManager;
  publishAfterCommit(event: DomainEvent): void;
}

/** A unit of work that sends its own BEGIN and COMMIT, each pipelined with its neighbours (TransactionRunner.runPipelined). */
export interface PipelinedUnitOfWork extends UnitOfWork {
  /**
   * Sends, as one pipeline: `preface` in a transaction of its own, committed; BEGIN; `opening`.
   * Answers the rows of each statement of `opening`. Called once, first.
   */
  begin(preface: PipedStatement[], opening: PipedStatement[]): Promise<QueryResultRow[][]>;
  /** Sends `closing` then COMMIT, as one pipeline; answers the rows of each statement of `closing`. Called once, last. */
  commit(closing: PipedStatement[]): Promise<QueryResultRow[][]>;
}

/** runPipelined's preface failed (so nothing of it was committed, and the work did not start): `error` is what its statement threw. */
export class PrefaceFailed extends Error {
  constructor(readonly error: unknown) {
    super(error instanceof Error ? error.message : String(error));
  }
}

/** TypeORM's query runner state that its startTransaction/commitTransaction keep (protected in its types). */
type TransactionState = { isTransactionActive: boolean; transactionDepth: number };

/**
 * Runs work in one database transaction and publishes the events it queued only once the
 * transaction has committed: a rolled-back change publishes nothing.
 */
@Injectable()
export class TransactionRunner {
  private readonly logger = new Logger(TransactionRunner.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly events: EventEmitter2,
  ) {}

  async run<T>(work: (uow: UnitOfWork) => Promise<T>): Promise<T> {
    const queued: DomainEvent[] = [];
    const result = await this.dataSource.transaction((manager) =>
      work({ manager, publishAfterCommit: (event) => queued.push(event) }),
    );
    for (const event of queued) await this.publish(event);
    return result;
  }

  /**
   * run(), with the transaction's BEGIN and COMMIT sent by the work, each in one pipeline with
   * the statements next to it (pipeline.ts): `uow.begin(preface, opening)` sends the preface
   * (committed on its own, before the transaction), BEGIN and the opening statements in one
   * round trip; `uow.commit(closing)` the closing statements and COMMIT in one. TypeORM's
   * transaction API sends START TRANSACTION and COMMIT as queries of their own, two round trips
   * (pipelined BEGIN and COMMIT). Until the work's commit(), the query runner is marked as in a
   * transaction (as TypeORM's startTransaction marks it), so nested transactions are savepoints.
   * A failure rolls back what is open, and publishes nothing.
   */
  async runPipelined<T>(work: (uow: PipelinedUnitOfWork) => Promise<T>): Promise<T> {
    const queued: DomainEvent[] = [];
    const queryRunner = this.dataSource.createQueryRunner();
    const state = queryRunner as unknown as TransactionState;
    let client: PoolClient | null = null;
    let committed = false;
    const active = (on: boolean) => {
      state.isTransactionActive = on;
      state.transactionDepth = on ? 1 : 0;
    };
    let result: T;
    try {
      client = (await queryRunner.connect()) as PoolClient;
      const on = client;
      result = await work({
        manager: queryRunner.manager,
        publishAfterCommit: (event) => queued.push(event),
        begin: async (preface, opening) => {
          const sent = [...(preface.length > 0 ? [BEGIN, ...preface, COMMIT] : []), BEGIN, ...opening];
          const firstOpening = sent.length - opening.length;
          try {
            const rows = await pipeline(on, sent);
            active(true);
            return rows.slice(firstOpening);
          } catch (err) {
            if (!(err instanceof PipelineError)) throw err;
            if (err.completed >= firstOpening) active(true);
            // Failed before the preface's COMMIT completed: the preface is not committed.
            if (preface.length > 0 && err.completed < firstOpening - 1) throw new PrefaceFailed(err.queryFailed);
            throw err.queryFailed;
          }
        },
        commit: async (closing) => {
          try {
            const rows = await pipeline(on, [...closing, COMMIT]);
            committed = true;
            active(false);
            return rows.slice(0, closing.length);
          } catch (err) {
            // A COMMIT that failed ended the transaction (rolled back): nothing is left to roll back.
            if (err instanceof PipelineError && err.completed === closing.length) active(false);
            throw err instanceof PipelineError ? err.queryFailed : err;
          }
        },
      });
      if (!committed && state.isTransactionActive) await queryRunner.commitTransaction();
    } catch (err) {
      const broken = await this.rollBack(queryRunner, client);
      // A connection whose rollback failed is dropped by the pool, not handed out mid-transaction.
      await (queryRunner as unknown as { releasePostgresConnection(err?: unknown): Promise<void> }).releasePostgresConnection(broken);
      throw err;
    }
    await queryRunner.release();
    for (const event of queued) await this.publish(event);
    return result;
  }

  /**
   * Ends what a failed pipelined unit of work left open: a transaction begun, or a preface
   * aborted mid-way (the connection's status, from its last ReadyForQuery, says which). Answers
   * an error when the connection cannot be trusted (the pool then drops it).
   *
   * The status is trusted only once that ReadyForQuery has been read: node-pg rejects a query
   * at its ErrorResponse, and under load the ReadyForQuery that follows can arrive in a later
   * read, so the status may still be the one from before the failed pipeline ("idle" while a
   * transaction is aborted). Then the ROLLBACK is sent anyway; node-pg queues it until the
   * connection is ready, and with no transaction open it only draws a warning.
   */
  private async rollBack(queryRunner: QueryRunner, client: PoolClient | null): Promise<unknown> {
    if (client === null) return undefined;
    const { _txStatus: status, readyForQuery } = client as unknown as { _txStatus?: string | null; readyForQuery?: boolean };
    const state = queryRunner as unknown as TransactionState;
    state.isTransactionActive = false;
    state.transactionDepth = 0;
    if (readyForQuery === true && status === 'I') return undefined;
    try {
      await client.query('ROLLBACK');
      return undefined;
    } catch (err) {
      return err;
    }
  }

  /**
   * Listeners run awaited so their failures surface here. The change is already committed and
   * its durable pending mark is the safety net, so a failing listener is logged, not rethrown.
   */
  private async publish(event: DomainEvent): Promise<void> {
    try {
      await this.events.emitAsync(eventNameOf(event), event);
    } catch (err) {
      this.logger.error({ err, event: eventNameOf(event) }, 'A listener failed; the sweeper will pick the change up');
    }
  }
}
