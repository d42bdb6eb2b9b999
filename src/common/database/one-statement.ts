import { EntityManager } from 'typeorm';

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

  /** Sends the statement; its answer is one row (`from`, when given, must yield exactly one). */
  async run<T>(manager: EntityManager, from = ''): Promise<T> {
    const withClause = this.parts.length > 0 ? `WITH ${this.parts.join(',\n')}\n` : '';
    const columns = this.columns.length > 0 ? this.columns.join(',\n') : 'NULL';
    const rows: T[] = await manager.query(`${withClause}SELECT ${columns}${from ? `\n  FROM ${from}` : ''}`, this.values);
    return rows[0];
  }
}
