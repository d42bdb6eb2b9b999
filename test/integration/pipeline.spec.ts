import { Pool, PoolClient } from 'pg';
import { BEGIN, COMMIT, pipeline, PipelineError } from '../../src/common/database/pipeline';
import { createSandboxDatabase, destroySandbox, newSandbox, Sandbox } from '../support/sandbox';

/** Pipelining (common/database/pipeline.ts): several statements, one Sync, one round trip. */
describe('pipelined statements', () => {
  let sandbox: Sandbox;
  let pool: Pool;
  let client: PoolClient;

  beforeAll(async () => {
    sandbox = newSandbox();
    await createSandboxDatabase(sandbox);
    pool = new Pool({ connectionString: sandbox.databaseUrl, max: 2 });
    client = await pool.connect();
    await client.query('CREATE TABLE t (id int PRIMARY KEY, v text)');
  });
  afterAll(async () => {
    client?.release();
    await pool?.end();
    if (sandbox) await destroySandbox(sandbox);
  });

  const parsed = () => (client as unknown as { connection: { parsedStatements: Record<string, string> } }).connection.parsedStatements;

  it('answers the rows of each statement, in order, with the driver types; a named statement is parsed once', async () => {
    const insert = { name: 'test_insert', text: 'INSERT INTO t VALUES ($1, $2) RETURNING id, v', values: [1, 'one'] };
    const rows = await pipeline(client, [BEGIN, insert, { text: 'SELECT count(*)::int AS n, now() AS at FROM t' }, COMMIT]);
    expect(rows[1]).toEqual([{ id: 1, v: 'one' }]);
    expect(rows[2][0].n).toBe(1);
    expect(rows[2][0].at).toBeInstanceOf(Date);
    expect(parsed()['test_insert']).toBe(insert.text);
    // Again on the same connection: bound to the statement parsed before (a second Parse under the name would fail).
    await pipeline(client, [{ ...insert, values: [2, 'two'] }]);
    expect((await client.query('SELECT count(*)::int AS n FROM t')).rows[0].n).toBe(2);
  });

  it('stops at a failing statement: says how many completed, runs none after it, and leaves the transaction to roll back', async () => {
    const failing = pipeline(client, [
      BEGIN,
      { text: 'INSERT INTO t VALUES (10, $1)', values: ['ten'] },
      { name: 'test_divide', text: 'SELECT 1 / $1::int AS q', values: [0] },
      { text: 'INSERT INTO t VALUES (11, $1)', values: ['eleven'] },
    ]);
    const err = await failing.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PipelineError);
    expect((err as PipelineError).completed).toBe(2);
    expect(((err as PipelineError).error as { code?: string }).code).toBe('22012');
    // The transaction is left aborted. (Asked with a query, not the client's _txStatus: the
    // pipeline is rejected at the ErrorResponse, and the ReadyForQuery that sets the status may
    // not have been read yet.)
    await expect(client.query('SELECT 1')).rejects.toMatchObject({ code: '25P02' });
    await client.query('ROLLBACK');
    expect((await client.query('SELECT id FROM t WHERE id >= 10')).rows).toEqual([]);
    // Its Parse may have happened before it failed: the name is closed and parsed again, not refused.
    expect(parsed()['test_divide']).toBeUndefined();
    const [[answer]] = await pipeline(client, [{ name: 'test_divide', text: 'SELECT 1 / $1::int AS q', values: [1] }]);
    expect(answer).toEqual({ q: 1 });
  });

  it('fails before sending anything when a value cannot be serialised', async () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const err = await pipeline(client, [BEGIN, { text: 'INSERT INTO t VALUES (20, $1)', values: [circular] }, COMMIT]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PipelineError);
    expect((err as PipelineError).completed).toBe(0);
    expect((client as unknown as { _txStatus: string })._txStatus).toBe('I');
    expect((await client.query('SELECT count(*)::int AS n FROM t WHERE id = 20')).rows[0].n).toBe(0);
  });
});
