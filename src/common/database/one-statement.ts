import { createHash } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { PipedStatement, pipeline, PipelineError } from './pipeline';
import { rawClient } from './raw-client';

/**
 * Several repositories' statements sent to PostgreSQL as one: each owner adds its part (a
 * data-modifying `WITH` part, or a column of the one answer row) with its own parameters, and
 * the caller sends them together. One round trip instead of one per part; every part sees the
 * same snapshot, so parts must not depend on each other's effects (PostgreSQL runs every
 * data-modifying `WITH` part to completion whether or not anything reads it).
 */
export class OneStatement {
  private readonly values: unknown[] = [];
  private readonly parts: string[] = [];
  private readonly columns: string[] = [];

  /** The placeholder of `value` in this statement. */
  param(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }

  /** A `WITH` part named `name`: a data-modifying statement, or rows a column reads. */
  with(name: string, sql: string): this {
    this.parts.push(`${name} AS (${sql})`);
    return this;
  }

  /** A column of the answer row, named `alias`. */
  select(alias: string, sql: string): this {
    this.columns.push(`${sql} AS "${alias}"`);
    return this;
  }

  /**
   * The statement, prepared (see PREPARED_NAMES), for a pipeline (pipeline.ts) that sends it
   * with others; its answer is one row (`from`, when given, must yield exactly one).
   */
  piped(from = ''): PipedStatement {
    const withClause = this.parts.length > 0 ? `WITH ${this.parts.join(',\n')}\n` : '';
    const columns = this.columns.length > 0 ? this.columns.join(',\n') : 'NULL';
    const text = `${withClause}SELECT ${columns}${from ? `\n  FROM ${from}` : ''}`;
    return { name: preparedName(text), text, values: this.values };
  }

  /**
   * Sends the statement on its own, prepared; its answer is one row (`from`, when given, must
   * yield exactly one). Runs in a transaction (TransactionRunner.run).
   */
  async run<T>(manager: EntityManager, from = ''): Promise<T> {
    const client = await rawClient(manager);
    try {
      const [rows] = await pipeline(client, [this.piped(from)]);
      return rows[0] as T;
    } catch (err) {
      // As manager.query would have thrown it: failure handling reads TypeORM's error.
      throw err instanceof PipelineError ? err.queryFailed : err;
    }
  }
}

/**
 * A run's statements are few texts sent again and again with new values: prepared once per
 * connection under a name of their text, PostgreSQL parses them once, and plans them once
 * they have run a few times (its generic plan). Planning the run's two largest statements had
 * cost about 1.4 ms a run (EXPLAIN ANALYZE: 0.45 ms the opening read, 0.9 ms the closing one),
 * about as much as the whole hand-written SQL of a small board.
 */
const PREPARED_NAMES = new Map<string, string>();
const PREPARED_NAMES_LIMIT = 256;

function preparedName(text: string): string {
  let name = PREPARED_NAMES.get(text);
  if (name === undefined) {
    // Forgetting names only costs a new prepare: the texts are a bounded family in practice.
    if (PREPARED_NAMES.size >= PREPARED_NAMES_LIMIT) PREPARED_NAMES.clear();
    name = `podium_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    PREPARED_NAMES.set(text, name);
  }
  return name;
}
