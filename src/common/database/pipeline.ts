import type { PoolClient, QueryResultRow } from 'pg';
import { QueryFailedError } from 'typeorm';

// pg's own row parser and value serialiser, as its Query uses them.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Result = require('pg/lib/result') as new (rowMode: string | undefined, types: unknown) => PgResult;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { prepareValue } = require('pg/lib/utils') as { prepareValue: (value: unknown) => unknown };

interface PgResult {
  rows: QueryResultRow[];
  _types: unknown;
  addFields(fields: unknown[]): void;
  parseRow(fields: unknown[]): QueryResultRow;
  addRow(row: QueryResultRow): void;
}

/** What a custom query object uses of pg's Connection (pg/lib/connection.js), with its record of the statements it has parsed. */
interface PgConnection {
  parsedStatements: Record<string, string>;
  stream: { cork?(): void; uncork?(): void };
  close(msg: { type: 'S' | 'P'; name: string }): void;
  parse(msg: { text: string; name: string; types: number[] }): void;
  bind(msg: { portal: string; statement: string; values: unknown[]; binary: boolean }): void;
  describe(msg: { type: 'S' | 'P'; name: string }): void;
  execute(msg: { portal: string; rows: number }): void;
  sync(): void;
  sendCopyFail(message: string): void;
}

/** One statement of a pipeline: prepared under `name` (once per connection) when given, else as the unnamed statement. */
export interface PipedStatement {
  text: string;
  values?: unknown[];
  name?: string;
}

/**
 * A pipeline's failure: the error of the statement that failed, and how many statements before
 * it completed (PostgreSQL skipped every one after it).
 */
export class PipelineError extends Error {
  constructor(
    readonly error: unknown,
    readonly completed: number,
    /** The statement that failed (undefined when the pipeline could not be sent). */
    readonly statement: PipedStatement | undefined,
  ) {
    super(error instanceof Error ? error.message : String(error));
  }

  /** The failure as TypeORM's manager.query would have thrown it (failure handling reads TypeORM's error). */
  get queryFailed(): unknown {
    return this.error instanceof Error && 'code' in this.error
      ? new QueryFailedError(this.statement?.text ?? '', this.statement?.values ?? [], this.error)
      : this.error;
  }
}

export const BEGIN: PipedStatement = { text: 'BEGIN', name: 'podium_begin' };
export const COMMIT: PipedStatement = { text: 'COMMIT', name: 'podium_commit' };

/**
 * Pipelining: sends `statements` to PostgreSQL at once, in the extended protocol with one Sync
 * at the end, and resolves with each statement's rows: one round trip for all of them. node-pg
 * waits for each query's answer before sending the next (its `pipeline` mode is a client-wide
 * option that refuses COPY streams, and it ends each query with its own Sync), so this is a
 * custom query object (like pg-copy-streams) that writes the messages itself. PostgreSQL runs
 * the statements in order, each with its own snapshot under READ COMMITTED (taken when it is
 * bound, after the one before it ended: a lock taken by one is held when the next reads); after
 * an error it skips the rest up to the Sync, so a failure says how many completed
 * (PipelineError). BEGIN and COMMIT are statements like the others: an explicit transaction
 * stays open after the Sync until a later COMMIT or ROLLBACK.
 *
 * A named statement is parsed once per connection; node-pg's record of the connection's parsed
 * statements is shared, and a name is recorded once its statement completed. A name not
 * recorded is closed before it is parsed (closing an unknown name is not an error), so a
 * statement parsed by a pipeline that then failed is never parsed twice under one name.
 */
export function pipeline(client: PoolClient, statements: PipedStatement[]): Promise<QueryResultRow[][]> {
  return new Promise((resolve, reject) => {
    const query = new PipelinedQuery(statements, (err, rows) => (err ? reject(err) : resolve(rows!)));
    (client as unknown as { query(q: unknown): unknown }).query(query);
  });
}

class PipelinedQuery {
  private shown: string | null = null;
  private readonly results: QueryResultRow[][] = [];
  private current: PgResult | null = null;
  private completed = 0;
  private failed: unknown = null;
  private connection: PgConnection | null = null;

  constructor(
    private readonly statements: PipedStatement[],
    public callback: (err: unknown, rows?: QueryResultRow[][]) => void,
  ) {}

  /**
   * What the bench's trace shows (no `name`: node-pg must not do its own parse bookkeeping for
   * this object). Made when read: a run's statements are kilobytes of SQL, and collapsing their
   * whitespace for every pipeline cost about 0.2 ms of a small board's repeated run.
   */
  get text(): string {
    return (this.shown ??= this.statements.map((s) => s.text.slice(0, 200).replace(/\s+/g, ' ').slice(0, 40)).join(' ‖ '));
  }

  submit(connection: PgConnection): Error | null {
    this.connection = connection;
    // Every value serialised first: one pg cannot serialise fails the pipeline before any of
    // it is written (node-pg then calls handleError), never after a part of it has run.
    let values: unknown[][];
    try {
      values = this.statements.map((s) => (s.values ?? []).map((v) => prepareValue(v)));
    } catch (err) {
      return err instanceof Error ? err : new Error(String(err));
    }
    const parsedHere = new Set<string>();
    connection.stream.cork?.();
    try {
      this.statements.forEach((statement, i) => {
        const name = statement.name ?? '';
        if (name === '' || (connection.parsedStatements[name] === undefined && !parsedHere.has(name))) {
          if (name !== '') connection.close({ type: 'S', name });
          connection.parse({ text: statement.text, name, types: [] });
          if (name !== '') parsedHere.add(name);
        }
        connection.bind({ portal: '', statement: name, values: values[i], binary: false });
        connection.describe({ type: 'P', name: '' });
        connection.execute({ portal: '', rows: 0 });
      });
      connection.sync();
    } finally {
      connection.stream.uncork?.();
    }
    return null;
  }

  handleRowDescription(msg: { fields: unknown[] }): void {
    this.current = new Result(undefined, this.types);
    this.current.addFields(msg.fields);
  }

  handleDataRow(msg: { fields: unknown[] }): void {
    if (this.failed || !this.current) return;
    try {
      this.current.addRow(this.current.parseRow(msg.fields));
    } catch (err) {
      this.failed = err;
    }
  }

  handleCommandComplete(): void {
    this.results.push(this.current?.rows ?? []);
    this.current = null;
    const name = this.statements[this.completed].name;
    // Completed, so parsed: later pipelines (and node-pg's own queries) skip its Parse.
    if (name) this.connection!.parsedStatements[name] = this.statements[this.completed].text;
    this.completed += 1;
  }

  handleEmptyQuery(): void {
    this.handleCommandComplete();
  }

  handleError(err: unknown): void {
    this.callback(new PipelineError(this.failed ?? err, this.completed, this.statements[this.completed]));
  }

  handleReadyForQuery(): void {
    if (this.failed) this.callback(new PipelineError(this.failed, this.completed, this.statements[this.completed]));
    else this.callback(null, this.results);
  }

  handlePortalSuspended(): void {}

  handleCopyInResponse(connection: PgConnection): void {
    connection.sendCopyFail('No source stream defined');
  }

  handleCopyData(): void {}

  /** Set by node-pg (the client's type parsers) before submit. */
  _result = { _types: undefined as unknown };
  private get types(): unknown {
    return this._result._types;
  }
}
