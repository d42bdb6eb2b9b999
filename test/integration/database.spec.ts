import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { prepareDatabase } from '../../src/database/prepare-database';
import { destroySandbox, newSandbox, Sandbox } from '../support/sandbox';

/** Every migration's name (`<Name><timestamp>`), in the order they apply: read from src/migrations. */
const MIGRATIONS = readdirSync(join(__dirname, '..', '..', 'src', 'migrations'))
  .map((file) => /^(\d+)-(\w+)\.ts$/.exec(file))
  .filter((match): match is RegExpExecArray => match !== null)
  .sort((a, b) => Number(a[1]) - Number(b[1]))
  .map(([, timestamp, name]) => `${name}${timestamp}`);

describe('database: creation, migrations and constraints', () => {
  let sandbox: Sandbox;
  let db: Client;

  beforeAll(async () => {
    sandbox = newSandbox();
    // Three processes starting at once on a machine with no database yet.
    const applied = await Promise.all([1, 2, 3].map(() => prepareDatabase(sandbox.databaseUrl)));
    expect(applied.flat()).toEqual(MIGRATIONS); // exactly one of them ran them
    db = new Client({ connectionString: sandbox.databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    if (sandbox) await destroySandbox(sandbox);
  });

  it('a second start finds nothing to migrate', async () => {
    expect(await prepareDatabase(sandbox.databaseUrl)).toEqual([]);
  });

  describe('constraints the database enforces', () => {
    let eventId: number;
    let boardId: number;

    beforeAll(async () => {
      const { rows: [series] } = await db.query(`INSERT INTO series (name) VALUES ('S') RETURNING id`);
      ({ rows: [{ id: eventId }] } = await db.query(`INSERT INTO event (series_id, name, date) VALUES ($1, 'E', '2026-01-01') RETURNING id`, [series.id]));
      const { rows: [scale] } = await db.query(`INSERT INTO points_scale (name, kind, config) VALUES ('T', 'TABLE', '{"table":[1]}') RETURNING id`);
      ({ rows: [{ id: boardId }] } = await db.query(`INSERT INTO leaderboard (series_id, name, type, points_scale_id) VALUES ($1, 'B', 'INDIVIDUAL', $2) RETURNING id`, [series.id, scale.id]));
    });

    const rejects = async (sql: string, params: unknown[], code: string) => {
      await expect(db.query(sql, params)).rejects.toMatchObject({ code });
    };

    it('a result set belongs to exactly one of a race or a leaderboard', async () => {
      await rejects(`INSERT INTO result_set (state) VALUES ('-')`, [], '23514');
      await rejects(`INSERT INTO result_set (event_id, category, leaderboard_id, state) VALUES ($1, 'A', $2, '-')`, [eventId, boardId], '23514');
      await rejects(`INSERT INTO result_set (event_id, state) VALUES ($1, '-')`, [eventId], '23514');
    });

    it('states are the six codes, and only standings can be FAILED (with the state to return to)', async () => {
      await rejects(`INSERT INTO result_set (event_id, category, state) VALUES ($1, 'A', 'X')`, [eventId], '23514');
      await rejects(`INSERT INTO result_set (event_id, category, state, state_before_failure) VALUES ($1, 'A', 'F', 'P')`, [eventId], '23514');
      await rejects(`INSERT INTO result_set (leaderboard_id, state) VALUES ($1, 'F')`, [boardId], '23514');
    });

    it('one published set per race category, one live standings set per board', async () => {
      await db.query(`INSERT INTO result_set (event_id, category, state) VALUES ($1, 'U14', 'P')`, [eventId]);
      await rejects(`INSERT INTO result_set (event_id, category, state) VALUES ($1, 'U14', 'A')`, [eventId], '23505');
      await db.query(`INSERT INTO result_set (leaderboard_id, state) VALUES ($1, 'P')`, [boardId]);
      await rejects(`INSERT INTO result_set (leaderboard_id, state) VALUES ($1, '-')`, [boardId], '23505');
    });

    it('standings keys are unique per set; race rows are unique per rider; NULL keys do not collide', async () => {
      const { rows: [standings] } = await db.query(`SELECT id FROM result_set WHERE leaderboard_id = $1`, [boardId]);
      await db.query(`INSERT INTO race_result (result_set_id, group_key, name) VALUES ($1, 'p:1', 'A')`, [standings.id]);
      await rejects(`INSERT INTO race_result (result_set_id, group_key, name) VALUES ($1, 'p:1', 'B')`, [standings.id], '23505');

      const { rows: [race] } = await db.query(`SELECT id FROM result_set WHERE event_id = $1`, [eventId]);
      const { rows: [p1] } = await db.query(`INSERT INTO participant (first_name, last_name) VALUES ('A', 'B') RETURNING id`);
      const { rows: [p2] } = await db.query(`INSERT INTO participant (first_name, last_name) VALUES ('C', 'D') RETURNING id`);
      await db.query(`INSERT INTO race_result (result_set_id, participant_id) VALUES ($1, $2), ($1, $3)`, [race.id, p1.id, p2.id]);
      await rejects(`INSERT INTO race_result (result_set_id, participant_id) VALUES ($1, $2)`, [race.id, p1.id], '23505');
      await rejects(`INSERT INTO race_result (result_set_id, participant_id, position, status) VALUES ($1, $2, 1, 'DNF')`, [race.id, p1.id], '23514');
    });

    it('custom values are unique per list whatever their case', async () => {
      const { rows: [list] } = await db.query(`INSERT INTO custom_list (series_id, slot, name) SELECT series_id, 1, 'School' FROM event WHERE id = $1 RETURNING id`, [eventId]);
      await db.query(`INSERT INTO custom_list_value (custom_list_id, name) VALUES ($1, 'Hillside')`, [list.id]);
      await rejects(`INSERT INTO custom_list_value (custom_list_id, name) VALUES ($1, 'HILLSIDE')`, [list.id], '23505');
    });

    it('one open failure episode per board', async () => {
      await db.query(`INSERT INTO failure_episode (leaderboard_id, error_message) VALUES ($1, 'x')`, [boardId]);
      await rejects(`INSERT INTO failure_episode (leaderboard_id, error_message) VALUES ($1, 'y')`, [boardId], '23505');
    });
  });

  // The migrations are the schema; the entities only map the columns the code reads and writes
  // through TypeORM. What they map must exist as they say, or a query fails at run time.
  it('every entity column exists in the migrated schema, with the entity\'s nullability', async () => {
    const ds = new DataSource(dataSourceOptions(sandbox.databaseUrl));
    await ds.initialize();
    try {
      const { rows } = await db.query<{ table_name: string; column_name: string; is_nullable: 'YES' | 'NO' }>(
        `SELECT table_name, column_name, is_nullable FROM information_schema.columns WHERE table_schema = 'public'`);
      const schema = new Map(rows.map((r) => [`${r.table_name}.${r.column_name}`, r.is_nullable === 'YES']));
      const mapped = ds.entityMetadatas.flatMap((entity) => entity.columns.map((column) => ({
        column: `${entity.tableName}.${column.databaseName}`,
        nullable: column.isNullable,
      })));
      expect(mapped.length).toBeGreaterThan(0);
      expect(mapped.filter(({ column, nullable }) => schema.get(column) !== nullable)).toEqual([]);
    } finally {
      await ds.destroy();
    }
  });

  it('the migrations revert cleanly and apply again', async () => {
    const other = newSandbox();
    try {
      await prepareDatabase(other.databaseUrl);
      const ds = new DataSource(dataSourceOptions(other.databaseUrl));
      await ds.initialize();
      for (let i = 0; i < MIGRATIONS.length; i++) await ds.undoLastMigration({ transaction: 'all' });
      const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'typeorm_migrations'`);
      expect(n).toBe(0);
      await ds.destroy();
      expect(await prepareDatabase(other.databaseUrl)).toEqual(MIGRATIONS);
    } finally {
      await destroySandbox(other);
    }
  });
});
