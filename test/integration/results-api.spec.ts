import { ResultSetChangedEvent } from '../../src/common/events/catalogue';
import { recordChangeEvents } from '../support/events';
import { countRows, Fixtures, rider } from '../support/fixtures';
import { AUTH, startTestApp, TestApp } from '../support/test-app';

describe('results API under the state machine', () => {
  let t: TestApp;
  let fx: Fixtures;
  let recorder: ReturnType<typeof recordChangeEvents>;
  let seriesId: number;
  let eventId: number;
  let scaleId: number;
  let boardId: number;

  const outboxVersion = async (leaderboardId: number): Promise<number> => {
    const rows = await t.db.query('SELECT results_version FROM recalc_outbox WHERE leaderboard_id = $1', [leaderboardId]);
    return rows.length ? Number(rows[0].results_version) : 0;
  };
  const stateOf = async (id: number): Promise<string> => (await t.http().get(`/api/result-sets/${id}`).set(AUTH).expect(200)).body.state;

  beforeAll(async () => {
    t = await startTestApp();
    fx = new Fixtures(t);
    recorder = recordChangeEvents(t);
    seriesId = await fx.series();
    eventId = await fx.event(seriesId);
    scaleId = await fx.scale();
    boardId = await fx.leaderboard({ seriesId, name: 'Boys', type: 'INDIVIDUAL', pointsScaleId: scaleId, categories: ['U14 Boys'] });
  });
  afterAll(() => t?.close());
  beforeEach(() => recorder.clear());

  describe('rows', () => {
    it('replaces all rows in one change, resolving riders and groups by name', async () => {
      const setId = await fx.resultSet(eventId, 'U14 Boys');
      recorder.clear();
      const before = await outboxVersion(boardId);
      const res = await t.http().put(`/api/result-sets/${setId}/results`).set(AUTH).send([
        rider('Ann', 'Lee', { position: 1, timeMs: 3_600_000, bib: '7', custom1: "St Mary's", participant: { firstName: 'Ann', lastName: 'Lee', externalId: 'LIC-1' } }),
        rider('Bo', 'Chen', { position: 2, custom1: "ST MARY'S" }),
        rider('Cy', 'Diaz', { status: 'DNF', custom1: 'Hillside' }),
      ]).expect(200);
      expect(res.body.results).toHaveLength(3);
      expect(res.body.results[0]).toMatchObject({ position: 1, status: 'FIN', timeMs: 3_600_000, bib: '7', custom1: "St Mary's", participant: { externalId: 'LIC-1', firstName: 'Ann', lastName: 'Lee' } });
      // Custom values are matched case-insensitively: one school, not two.
      expect(res.body.results[1].custom1).toBe("St Mary's");
      const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM custom_list_value v JOIN custom_list l ON l.id = v.custom_list_id WHERE l.series_id = $1`, [seriesId]);
      expect(n).toBe(2);

      expect(recorder.events).toHaveLength(1);
      expect(recorder.events[0]).toEqual(new ResultSetChangedEvent(setId, eventId, seriesId, ['U14 Boys'], 'RESULTS_REPLACED', [boardId]));
      expect(await outboxVersion(boardId)).toBe(before + 1);
    });

    it('a replace of 500 rows is one event', async () => {
      const otherEvent = await fx.event(seriesId, { name: 'Big race' });
      const setId = await fx.resultSet(otherEvent, 'U14 Boys');
      recorder.clear();
      const rows = Array.from({ length: 500 }, (_, i) => rider(`Rider${i}`, `Big${i}`, { position: i + 1 }));
      await fx.replaceRows(setId, rows);
      expect(recorder.events).toHaveLength(1);
      const [{ n }] = await t.db.query('SELECT count(*)::int AS n FROM race_result WHERE result_set_id = $1', [setId]);
      expect(n).toBe(500);
    });

    it('adds, edits and deletes single rows, each one change', async () => {
      const setId = await fx.resultSet(await fx.event(seriesId), 'U14 Boys');
      recorder.clear();
      const added = await t.http().post(`/api/result-sets/${setId}/results`).set(AUTH).send(rider('Di', 'Evans', { position: 1 })).expect(201);
      const edited = await t.http().patch(`/api/results/${added.body.id}`).set(AUTH).send({ status: 'DSQ' }).expect(200);
      // A disqualified rider loses the place unless the patch gives one.
      expect(edited.body).toMatchObject({ status: 'DSQ', position: null, participant: { firstName: 'Di', lastName: 'Evans' } });
      await t.http().delete(`/api/results/${added.body.id}`).set(AUTH).expect(204);
      await t.http().patch(`/api/results/${added.body.id}`).set(AUTH).send({ status: 'FIN' }).expect(404);
      expect(recorder.events.map((e) => e.reason)).toEqual(['RESULTS_CREATED', 'RESULT_UPDATED', 'RESULT_DELETED']);
    });

    it.each([
      ['the same rider twice', [rider('A', 'B'), rider('a', 'b')], '[1].participant'],
      ['an unknown status', [rider('A', 'B', { status: 'LOST' })], '[0].status'],
      ['a missing last name', [{ participant: { firstName: 'A' }, status: 'FIN' }], '[0].participant.lastName'],
      ['a place of zero', [rider('A', 'B', { position: 0 })], '[0].position'],
      ['an unknown field', [rider('A', 'B', { colour: 'red' })], '[0].colour'],
      ['a body that is not a list', { rows: [] }, 'body'],
    ])('rejects %s with 400 naming the field; nothing written, nothing published', async (_, body, field) => {
      const setId = await fx.resultSet(await fx.event(seriesId), 'U14 Boys');
      await fx.replaceRows(setId, [rider('Keep', 'Me', { position: 1 })]);
      recorder.clear();
      const rowsBefore = await countRows(t, 'race_result');
      const version = await outboxVersion(boardId);
      const res = await t.http().put(`/api/result-sets/${setId}/results`).set(AUTH).send(body).expect(400);
      expect(res.body.errors.map((e: { field: string }) => e.field).join(' ')).toContain(field);
      expect(await countRows(t, 'race_result')).toBe(rowsBefore);
      expect(await outboxVersion(boardId)).toBe(version);
      expect(recorder.events).toHaveLength(0);
    });

    it('a change the database rolls back publishes nothing and marks nothing', async () => {
      const setId = await fx.resultSet(await fx.event(seriesId), 'U14 Boys');
      await fx.replaceRows(setId, [rider('Ann', 'Lee', { participant: { firstName: 'Ann', lastName: 'Lee', externalId: 'LIC-1' } })]);
      recorder.clear();
      const version = await outboxVersion(boardId);
      // The unlicensed "Ann Lee" resolves to the licensed rider already in the list: the
      // database's one-row-per-rider index refuses it, after the delete ran in the transaction.
      await t.http().put(`/api/result-sets/${setId}/results`).set(AUTH).send([
        rider('Ann', 'Lee', { participant: { firstName: 'Ann', lastName: 'Lee', externalId: 'LIC-1' } }),
        rider('Ann', 'Lee'),
      ]).expect(409);
      expect(recorder.events).toHaveLength(0);
      expect(await outboxVersion(boardId)).toBe(version);
      const res = await t.http().get(`/api/result-sets/${setId}`).expect(200);
      expect(res.body.results).toHaveLength(1);
    });

    it('edits of a DRAFT publish a change but mark no board (drafts feed nothing)', async () => {
      const setId = await fx.resultSet(await fx.event(seriesId), 'U14 Boys', 'DRAFT');
      const version = await outboxVersion(boardId);
      await fx.replaceRows(setId, [rider('Ann', 'Lee')]);
      expect(recorder.events).toHaveLength(1);
      expect(recorder.events[0].leaderboardIds).toEqual([]);
      expect(await outboxVersion(boardId)).toBe(version);
    });

    it('marks only boards whose categories and event scope contain the change', async () => {
      const starred = await fx.event(seriesId, { starred: true });
      const plain = await fx.event(seriesId);
      const starredBoard = await fx.leaderboard({ seriesId, name: 'Stars', type: 'INDIVIDUAL', pointsScaleId: scaleId, categories: ['U14 Boys'], eventScope: 'STARRED' });
      const listedBoard = await fx.leaderboard({ seriesId, name: 'Listed', type: 'INDIVIDUAL', pointsScaleId: scaleId, categories: ['U14 Boys'], eventScope: 'LISTED', eventIds: [plain] });
      const girlsBoard = await fx.leaderboard({ seriesId, name: 'Girls', type: 'INDIVIDUAL', pointsScaleId: scaleId, categories: ['U14 Girls'] });
      const inactive = await fx.leaderboard({ seriesId, name: 'Old', type: 'INDIVIDUAL', pointsScaleId: scaleId, categories: ['U14 Boys'], active: false });

      await fx.replaceRows(await fx.resultSet(starred, 'U14 Boys'), [rider('X', 'Y')]);
      await fx.replaceRows(await fx.resultSet(plain, 'U14 Boys'), [rider('X', 'Y')]);
      const [onStarred, onPlain] = recorder.events.filter((e) => e.reason === 'RESULTS_REPLACED');
      expect(onStarred.leaderboardIds.sort()).toEqual([boardId, starredBoard].sort());
      expect(onPlain.leaderboardIds.sort()).toEqual([boardId, listedBoard].sort());
      expect(onStarred.leaderboardIds).not.toContain(girlsBoard);
      expect(onPlain.leaderboardIds).not.toContain(inactive);
    });

    it('refuses a second open set for the same event and category', async () => {
      const ev = await fx.event(seriesId);
      const first = await fx.resultSet(ev, 'U14 Boys');
      const res = await t.http().post(`/api/events/${ev}/result-sets`).set(AUTH).send({ category: 'U14 Boys' }).expect(409);
      expect(res.body.message).toContain(`result set ${first}`);
      await t.http().post('/api/events/999999/result-sets').set(AUTH).send({ category: 'U14 Boys' }).expect(404);
    });

    it('shows a DRAFT only to admins (404 to the public, like a missing id)', async () => {
      const setId = await fx.resultSet(await fx.event(seriesId), 'U14 Boys', 'DRAFT');
      await t.http().get(`/api/result-sets/${setId}`).expect(404);
      await t.http().get(`/api/result-sets/${setId}`).set(AUTH).expect(200);
    });
  });

  describe('transitions and revisions', () => {
    it('approve, refuse edits with a message that says what to do, revise, publish the revision', async () => {
      const setId = await fx.resultSet(await fx.event(seriesId), 'U14 Boys');
      await fx.replaceRows(setId, [rider('Ann', 'Lee', { position: 1 }), rider('Bo', 'Chen', { position: 2 })]);
      await fx.transition(setId, 'APPROVED');

      const refused = await t.http().put(`/api/result-sets/${setId}/results`).set(AUTH).send([]).expect(409);
      expect(refused.body.message).toMatch(/APPROVED.*make a revision/);

      recorder.clear();
      const revision = await t.http().post(`/api/result-sets/${setId}/revisions`).set(AUTH).expect(201);
      expect(revision.body).toMatchObject({ state: 'DRAFT', replacesId: setId });
      expect(revision.body.results).toHaveLength(2);
      expect(recorder.events).toHaveLength(0); // a draft copy feeds no board: not a result change
      await t.http().post(`/api/result-sets/${setId}/revisions`).set(AUTH).expect(409); // one open revision at a time

      await fx.replaceRows(revision.body.id, [rider('Ann', 'Lee', { position: 2 }), rider('Bo', 'Chen', { position: 1 })]);
      recorder.clear();
      await fx.transition(revision.body.id, 'APPROVED');
      expect(await stateOf(setId)).toBe('REPLACED');
      expect(await stateOf(revision.body.id)).toBe('APPROVED');
      const original = await t.http().get(`/api/result-sets/${setId}`).expect(200);
      expect(original.body.replacedById).toBe(revision.body.id);
      expect(recorder.events).toHaveLength(1);
      expect(recorder.events[0]).toMatchObject({ resultSetId: revision.body.id, reason: 'REVISION_PUBLISHED', leaderboardIds: [boardId] });
    });

    it('a transition to the current state changes nothing and publishes nothing', async () => {
      const setId = await fx.resultSet(await fx.event(seriesId), 'U14 Boys');
      recorder.clear();
      await fx.transition(setId, 'PROVISIONAL');
      expect(recorder.events).toHaveLength(0);
    });

    it('rejects an unknown target state with 400', async () => {
      const setId = await fx.resultSet(await fx.event(seriesId), 'U14 Boys');
      const res = await t.http().post(`/api/result-sets/${setId}/transitions`).set(AUTH).send({ to: 'PUBLISHED' }).expect(400);
      expect(res.body.errors[0].field).toBe('to');
    });
  });

  /**
   * Every reachable state of a race set × every action, over HTTP against the real database:
   * the answer, and the state the set is in afterwards.
   */
  describe('state × action table over HTTP', () => {
    type Reachable = 'DRAFT' | 'PROVISIONAL' | 'APPROVED' | 'DELETED' | 'REPLACED';
    const reach: Record<Reachable, string[]> = {
      DRAFT: [],
      PROVISIONAL: ['PROVISIONAL'],
      APPROVED: ['APPROVED'],
      DELETED: ['DELETED'],
      REPLACED: ['APPROVED', 'REVISE_AND_PUBLISH'],
    };
    const editable = (s: Reachable) => s === 'DRAFT' || s === 'PROVISIONAL';
    const allowedTargets: Record<Reachable, string[]> = {
      DRAFT: ['DRAFT', 'PROVISIONAL', 'APPROVED', 'DELETED'],
      PROVISIONAL: ['DRAFT', 'PROVISIONAL', 'APPROVED', 'DELETED'],
      APPROVED: ['APPROVED', 'DELETED'],
      DELETED: ['DELETED'],
      REPLACED: [],
    };
    const actions = ['PUT', 'POST', 'PATCH', 'DELETE', 'REVISE', 'TO_DRAFT', 'TO_PROVISIONAL', 'TO_APPROVED', 'TO_DELETED', 'TO_REPLACED', 'TO_FAILED'];

    async function setIn(state: Reachable): Promise<{ setId: number; rowId: number }> {
      const created = await t.http().post(`/api/events/${await fx.event(seriesId)}/result-sets`).set(AUTH).send({ category: 'U14 Boys', state: 'DRAFT' }).expect(201);
      const setId = created.body.id;
      await fx.replaceRows(setId, [rider('Ann', 'Lee', { position: 1 })]);
      for (const step of reach[state]) {
        if (step === 'REVISE_AND_PUBLISH') {
          const rev = await t.http().post(`/api/result-sets/${setId}/revisions`).set(AUTH).expect(201);
          await fx.transition(rev.body.id, 'APPROVED');
        } else {
          await fx.transition(setId, step);
        }
      }
      const rows = await t.db.query('SELECT id FROM race_result WHERE result_set_id = $1', [setId]);
      return { setId, rowId: rows[0].id };
    }

    const cases = (Object.keys(reach) as Reachable[]).flatMap((state) => actions.map((action) => [state, action] as const));

    it.each(cases)('%s × %s', async (state, action) => {
      const { setId, rowId } = await setIn(state);
      let expectedStatus: number;
      let expectedState: string = state;
      let res;
      switch (action) {
        case 'PUT':
          res = await t.http().put(`/api/result-sets/${setId}/results`).set(AUTH).send([rider('Bo', 'Chen', { position: 1 })]);
          expectedStatus = editable(state) ? 200 : 409;
          break;
        case 'POST':
          res = await t.http().post(`/api/result-sets/${setId}/results`).set(AUTH).send(rider('Bo', 'Chen', { position: 2 }));
          expectedStatus = editable(state) ? 201 : 409;
          break;
        case 'PATCH':
          res = await t.http().patch(`/api/results/${rowId}`).set(AUTH).send({ position: 3 });
          expectedStatus = editable(state) ? 200 : 409;
          break;
        case 'DELETE':
          res = await t.http().delete(`/api/results/${rowId}`).set(AUTH);
          expectedStatus = editable(state) ? 204 : 409;
          break;
        case 'REVISE':
          res = await t.http().post(`/api/result-sets/${setId}/revisions`).set(AUTH);
          expectedStatus = ['PROVISIONAL', 'APPROVED', 'DELETED'].includes(state) ? 201 : 409;
          break;
        default: {
          const to = action.slice(3);
          res = await t.http().post(`/api/result-sets/${setId}/transitions`).set(AUTH).send({ to });
          const allowed = allowedTargets[state].includes(to);
          expectedStatus = allowed ? 200 : 409;
          if (allowed) expectedState = to;
        }
      }
      expect({ status: res.status, message: res.body?.message }).toMatchObject({ status: expectedStatus });
      if (expectedStatus === 409) expect(res.body.message).toEqual(expect.any(String));
      expect(await stateOf(setId)).toBe(expectedState);
    });
  });
});
