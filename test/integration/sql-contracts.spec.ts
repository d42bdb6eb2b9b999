import fc from 'fast-check';
import { Client } from 'pg';
import { EVENT_SCOPES, eventInScope, eventInScopeSql } from '../../src/calculators/event-scope';
import { toPackedInput } from '../../src/calculators/packed';
import { packedResultSql, STATUS_AT, STATUSES, UNKNOWN_STATUS_CODE, unpackRace } from '../../src/calculators/packed-format';
import type { RaceResultInput, Status } from '../../src/calculators/types';
import { PUBLIC_STATES, PUBLIC_STATES_SQL, RESULT_SET_STATES, ResultSetState, stateCode, statesSql, stateSql } from '../../src/common/result-set-state';
import { createSandboxDatabase, destroySandbox, newSandbox } from '../support/sandbox';

/**
 * Contracts written once in TypeScript and run both there and in SQL (the packed-race format,
 * the result set state codes, the event scope): each is evaluated by a real PostgreSQL on a
 * sandbox database and compared with what the TypeScript side says.
 */
/** Organiser-defined codes, as the status_code registry holds them. */
const REGISTERED = { OTL: 32, LAP: 33, X9: 200 };

describe('SQL made from the TypeScript definitions agrees with them', () => {
  const sandbox = newSandbox();
  let pg: Client;

  beforeAll(async () => {
    await createSandboxDatabase(sandbox);
    pg = new Client({ connectionString: sandbox.databaseUrl });
    await pg.connect();
    // The registry as packing reads it (code → number); the migration's constraints are not the contract here.
    await pg.query(`CREATE TABLE status_code (code text PRIMARY KEY, number smallint NOT NULL UNIQUE)`);
    await pg.query(`INSERT INTO status_code SELECT s, n - 1 FROM unnest($1::text[]) WITH ORDINALITY AS b(s, n)`, [STATUSES]);
    await pg.query(`INSERT INTO status_code SELECT code, number::smallint FROM json_each_text($1::json) AS r(code, number)`, [JSON.stringify(REGISTERED)]);
  });

  afterAll(async () => {
    await pg?.end();
    await destroySandbox(sandbox);
  });

  describe('the packed-race format', () => {
    const REGISTERED_CODES = Object.keys(REGISTERED);
    const ref = (id: number) => ({ id, name: `value ${id}` });
    const result = fc.record({
      participantId: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
      custom1: fc.option(fc.integer({ min: 1, max: 2 ** 31 - 1 }).map(ref)),
      custom2: fc.option(fc.integer({ min: 1, max: 2 ** 31 - 1 }).map(ref)),
      custom3: fc.option(fc.integer({ min: 1, max: 2 ** 31 - 1 }).map(ref)),
      status: fc.constantFrom<string>(...STATUSES, ...REGISTERED_CODES),
      place: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
      timeMs: fc.option(fc.integer({ min: 0, max: 2 ** 31 - 1 })),
    }).map(({ place, ...r }): Omit<RaceResultInput, 'id'> => ({
      ...r, eventId: 1, category: 'A', participantName: `#${r.participantId}`, position: r.status === 'FIN' && place % 3 !== 0 ? place : null,
    }));

    /** The rows packed by packedResultSql in PostgreSQL, in row order, as TypeScript unpacks them. */
    async function packInSql(rows: { id: number; participantId: number; c1: number | null; c2: number | null; c3: number | null; position: number | null; status: string; timeMs?: number | null }[]): Promise<Int32Array> {
      const { rows: [{ packed }] } = await pg.query<{ packed: Buffer }>(
        `SELECT string_agg(${packedResultSql('r')}, ''::bytea ORDER BY r.ord) AS packed
           FROM unnest($1::int[], $2::int[], $3::int[], $4::int[], $5::int[], $6::int[], $7::text[], $8::int[]) WITH ORDINALITY
                AS r(id, participant_id, custom1_id, custom2_id, custom3_id, position, status, time_ms, ord)`,
        [rows.map((r) => r.id), rows.map((r) => r.participantId), rows.map((r) => r.c1), rows.map((r) => r.c2), rows.map((r) => r.c3),
          rows.map((r) => r.position), rows.map((r) => r.status), rows.map((r) => r.timeMs ?? null)],
      );
      return unpackRace(packed);
    }

    it('a race packed in SQL decodes in TypeScript to what packing the same results in TypeScript gives', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(result, { minLength: 1, maxLength: 30 }), async (drafts) => {
          const results: RaceResultInput[] = drafts.map((r, i) => ({ ...r, id: 1000 + i }));
          const [race] = toPackedInput({ scale: { kind: 'LINEAR', first: 1, step: 0, registeredCodes: REGISTERED }, board: { type: 'INDIVIDUAL', categories: [], eventScope: 'ALL' }, events: [], results }).races;
          const inSql = await packInSql(results.map((r) => ({
            id: r.id, participantId: r.participantId, c1: r.custom1?.id ?? null, c2: r.custom2?.id ?? null, c3: r.custom3?.id ?? null, position: r.position, status: r.status, timeMs: r.timeMs,
          })));
          expect(Array.from(inSql)).toEqual(Array.from(race.results));
        }),
        { numRuns: 40 },
      );
    });

    it('an organiser-defined code packs as its registry number', async () => {
      const packed = await packInSql([{ id: 1, participantId: 2, c1: null, c2: null, c3: null, position: null, status: 'X9' }]);
      expect(packed[STATUS_AT]).toBe(200);
    });

    it('a status the calculators do not know packs as the code they reject', async () => {
      const [, , , , , , status] = await packInSql([{ id: 1, participantId: 2, c1: null, c2: null, c3: null, position: null, status: 'XYZ' as Status }]);
      expect(status).toBe(UNKNOWN_STATUS_CODE);
    });
  });

  describe('result set state codes', () => {
    async function holds(predicate: (code: string) => string): Promise<Map<ResultSetState, boolean>> {
      const out = new Map<ResultSetState, boolean>();
      for (const state of RESULT_SET_STATES) {
        const { rows: [{ v }] } = await pg.query<{ v: boolean }>(`SELECT ${predicate('$1::char(1)')} AS v`, [stateCode(state)]);
        out.set(state, v);
      }
      return out;
    }

    it('PUBLIC_STATES_SQL holds of exactly the public states, stateSql of exactly its own', async () => {
      expect(await holds((code) => `${code} IN ${PUBLIC_STATES_SQL}`)).toEqual(new Map(RESULT_SET_STATES.map((s) => [s, PUBLIC_STATES.includes(s)])));
      for (const state of RESULT_SET_STATES) {
        expect(await holds((code) => `${code} = ${stateSql(state)}`)).toEqual(new Map(RESULT_SET_STATES.map((s) => [s, s === state])));
      }
    });

    it('statesSql of any set of states holds of exactly those', async () => {
      await fc.assert(
        fc.asyncProperty(fc.subarray([...RESULT_SET_STATES], { minLength: 1 }), async (states) => {
          expect(await holds((code) => `${code} IN ${statesSql(states)}`)).toEqual(new Map(RESULT_SET_STATES.map((s) => [s, states.includes(s)])));
        }),
        { numRuns: 20 },
      );
    });
  });

  describe('the event scope', () => {
    beforeAll(async () => {
      // The columns the predicate reads, shaped as in the schema.
      await pg.query(`CREATE TABLE event (id int PRIMARY KEY, starred boolean NOT NULL)`);
      await pg.query(`CREATE TABLE leaderboard_event (leaderboard_id int, event_id int, listed boolean NOT NULL, PRIMARY KEY (leaderboard_id, event_id))`);
    });

    const board = fc.record({
      id: fc.integer({ min: 1, max: 3 }),
      scope: fc.constantFrom(...EVENT_SCOPES),
      /** Per event id 1..8: not on the board, on it but not listed (e.g. only non-droppable), or listed. */
      roles: fc.array(fc.constantFrom('none', 'unlisted', 'listed'), { minLength: 8, maxLength: 8 }),
    });
    const events = fc.array(fc.boolean(), { minLength: 8, maxLength: 8 });

    it('the SQL predicate picks the events the TypeScript one does, on random boards and events', async () => {
      await fc.assert(
        fc.asyncProperty(board, fc.array(board, { maxLength: 3 }), events, async (b, others, starred) => {
          await pg.query('TRUNCATE event, leaderboard_event');
          await pg.query(`INSERT INTO event SELECT i, s FROM unnest($1::boolean[]) WITH ORDINALITY AS t(s, i)`, [starred]);
          // Other boards' rows must not count for this one.
          const boards = new Map([...others, b].map((o) => [o.id, o]));
          for (const other of boards.values()) {
            const roles = other.roles.map((role, i) => ({ event: i + 1, role })).filter((r) => r.role !== 'none');
            await pg.query(
              `INSERT INTO leaderboard_event SELECT $1, e, l FROM unnest($2::int[], $3::boolean[]) AS t(e, l)`,
              [other.id, roles.map((r) => r.event), roles.map((r) => r.role === 'listed')],
            );
          }
          const { rows } = await pg.query<{ id: number }>(
            `SELECT e.id FROM event e WHERE ${eventInScopeSql({ scope: '$1::text', board: '$2::int', event: 'e' })} ORDER BY e.id`,
            [b.scope, b.id],
          );
          const listedIds = b.roles.flatMap((role, i) => (role === 'listed' ? [i + 1] : []));
          const expected = starred.map((s, i) => ({ id: i + 1, starred: s })).filter((e) => eventInScope(b.scope, e, listedIds)).map((e) => e.id);
          expect(rows.map((r) => r.id)).toEqual(expected);
        }),
        { numRuns: 60 },
      );
    });
  });
});
