import { NotFoundError } from '../../src/common/errors/domain-errors';
import { ShownState, StandingsService } from '../../src/leaderboards/standings/standings.service';
import { Fixtures, rider } from '../support/fixtures';
import { recordingQueries, sqlOf } from '../support/queries';
import { settled, standingsState } from '../support/sync';
import { AUTH, eventually, startTestApp, TestApp } from '../support/test-app';

/** What anonymous readers may see, and what only a request with an admin key sees. */
describe('public visibility of results, standings and boards', () => {
  let t: TestApp;
  let fx: Fixtures;
  let seriesId: number;
  let scaleId: number;

  beforeAll(async () => {
    t = await startTestApp({ RECALC_DEBOUNCE_MS: '200', RECALC_MAX_WAIT_MS: '1000', RECALC_SWEEP_INTERVAL_MS: '250' });
    fx = new Fixtures(t);
    seriesId = await fx.series();
    scaleId = await fx.scale({ name: 'Top 3', kind: 'TABLE', table: [10, 6, 3] });
  });
  afterAll(() => t?.close());

  const licensed = (first: string, last: string, licence: string, position: number) =>
    rider(first, last, { position, participant: { firstName: first, lastName: last, externalId: licence } });

  describe('GET /api/result-sets/:id', () => {
    it('a never-published DRAFT moved to DELETED is 404 to the public, with nothing of its riders', async () => {
      const setId = await fx.resultSet(await fx.event(seriesId), 'Vis A', 'DRAFT');
      await fx.replaceRows(setId, [licensed('Secret', 'Rider', 'LIC-SECRET', 1)]);
      await fx.transition(setId, 'DELETED');
      const res = await t.http().get(`/api/result-sets/${setId}`);
      expect(res.status).toBe(404);
      expect(JSON.stringify(res.body)).not.toMatch(/Secret|LIC-SECRET|DELETED/);
      // The same answer as an id that does not exist: nothing to probe.
      const missing = await t.http().get('/api/result-sets/99999999').expect(404);
      expect(res.body.message).toBe(missing.body.message.replace('99999999', String(setId)));
      const admin = await t.http().get(`/api/result-sets/${setId}`).set(AUTH).expect(200);
      expect(admin.body.results[0].participant).toMatchObject({ firstName: 'Secret', externalId: 'LIC-SECRET' });
    });

    it('a DRAFT is 404 to the public, 200 to admins', async () => {
      const setId = await fx.resultSet(await fx.event(seriesId), 'Vis B', 'DRAFT');
      await t.http().get(`/api/result-sets/${setId}`).expect(404);
      await t.http().get(`/api/result-sets/${setId}`).set(AUTH).expect(200);
    });

    it('a published-then-DELETED set is 404 to the public', async () => {
      const setId = await fx.resultSet(await fx.event(seriesId), 'Vis C');
      await fx.replaceRows(setId, [licensed('Ann', 'Lee', 'LIC-1', 1)]);
      await fx.transition(setId, 'APPROVED');
      await fx.transition(setId, 'DELETED');
      await t.http().get(`/api/result-sets/${setId}`).expect(404);
    });

    it('a set REPLACED while DELETED stays hidden; one REPLACED while published stays public', async () => {
      const deletedId = await fx.resultSet(await fx.event(seriesId), 'Vis D', 'DRAFT');
      await fx.replaceRows(deletedId, [licensed('Never', 'Shown', 'LIC-NS', 1)]);
      await fx.transition(deletedId, 'DELETED');
      const restore = (await t.http().post(`/api/result-sets/${deletedId}/revisions`).set(AUTH).expect(201)).body.id;
      await fx.transition(restore, 'PROVISIONAL');
      const hidden = await t.http().get(`/api/result-sets/${deletedId}`);
      expect(hidden.status).toBe(404);
      expect(JSON.stringify(hidden.body)).not.toContain('Never');
      await t.http().get(`/api/result-sets/${deletedId}`).set(AUTH).expect(200);

      const approvedId = await fx.resultSet(await fx.event(seriesId), 'Vis E');
      await fx.replaceRows(approvedId, [licensed('Ann', 'Lee', 'LIC-1', 1)]);
      await fx.transition(approvedId, 'APPROVED');
      const revision = (await t.http().post(`/api/result-sets/${approvedId}/revisions`).set(AUTH).expect(201)).body.id;
      await fx.transition(revision, 'APPROVED');
      const old = await t.http().get(`/api/result-sets/${approvedId}`).expect(200);
      expect(old.body).toMatchObject({ state: 'REPLACED', replacedById: revision });
    });

    it('omits licence numbers for the public; admins see them', async () => {
      const setId = await fx.resultSet(await fx.event(seriesId), 'Vis F');
      await fx.replaceRows(setId, [licensed('Ann', 'Lee', 'LIC-PUBLIC-1', 1), rider('Bo', 'Chen', { position: 2 })]);
      const anon = await t.http().get(`/api/result-sets/${setId}`).expect(200);
      expect(JSON.stringify(anon.body)).not.toContain('LIC-PUBLIC-1');
      expect(anon.body.results[0].participant).toMatchObject({ firstName: 'Ann', lastName: 'Lee' });
      expect(anon.body.results[0].participant).not.toHaveProperty('externalId');
      const admin = await t.http().get(`/api/result-sets/${setId}`).set(AUTH).expect(200);
      expect(admin.body.results[0].participant.externalId).toBe('LIC-PUBLIC-1');
    });
  });

  describe('a failed recalculation', () => {
    let boardId: number;
    let standingsSetId: number;

    beforeAll(async () => {
      boardId = await fx.leaderboard({ seriesId, name: 'Failing', type: 'INDIVIDUAL', pointsScaleId: scaleId, categories: ['Vis Fail'] });
      const setId = await fx.resultSet(await fx.event(seriesId), 'Vis Fail');
      await fx.replaceRows(setId, [rider('Ann', 'Lee', { position: 1 })]);
      await settled(t, boardId);
      await t.db.query(`CREATE OR REPLACE FUNCTION podium_vis_fail() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'secret internals: relation "race_result", constraint "x"'; END $$`);
      await t.db.query(`CREATE TRIGGER podium_vis_fail BEFORE INSERT OR UPDATE ON race_result
        FOR EACH ROW WHEN (NEW.group_key IS NOT NULL) EXECUTE FUNCTION podium_vis_fail()`);
      try {
        await fx.replaceRows(setId, [rider('Bo', 'Chen', { position: 1 }), rider('Ann', 'Lee', { position: 2 })]);
        await eventually(async () => (await standingsState(t, boardId))?.state === 'F');
        await settled(t, boardId);
      } finally {
        await t.db.query('DROP TRIGGER IF EXISTS podium_vis_fail ON race_result');
      }
      standingsSetId = (await standingsState(t, boardId))!.id;
    });

    it('GET /api/leaderboards/:id shows the public a generic message, admins the detail', async () => {
      const anon = await t.http().get(`/api/leaderboards/${boardId}`).expect(200);
      expect(JSON.stringify(anon.body)).not.toMatch(/secret internals|race_result|P0001/);
      expect(anon.body.standings).toMatchObject({ state: 'FAILED', errorMessage: expect.stringMatching(/could not be updated/) });
      expect(anon.body.lastRun).toMatchObject({ status: 'failed', error: expect.stringMatching(/could not be updated/) });
      const admin = await t.http().get(`/api/leaderboards/${boardId}`).set(AUTH).expect(200);
      expect(admin.body.standings.errorMessage).toContain('secret internals');
      expect(admin.body.lastRun.error).toContain('secret internals');
    });

    it('the list and the standings set read show no database text to the public', async () => {
      const list = await t.http().get(`/api/leaderboards?seriesId=${seriesId}`).expect(200);
      expect(list.body.map((b: { id: number }) => b.id)).toContain(boardId);
      expect(JSON.stringify(list.body)).not.toMatch(/secret internals|race_result/);
      const set = await t.http().get(`/api/result-sets/${standingsSetId}`).expect(200);
      expect(set.body.errorMessage).toMatch(/could not be updated/);
      expect(JSON.stringify(set.body)).not.toMatch(/secret internals|race_result/);
      const adminSet = await t.http().get(`/api/result-sets/${standingsSetId}`).set(AUTH).expect(200);
      expect(adminSet.body.errorMessage).toContain('secret internals');
      // The last good rows stay public, flagged stale.
      const standings = await t.http().get(`/api/leaderboards/${boardId}/standings`).expect(200);
      expect(standings.body).toMatchObject({ stale: true, total: 1 });
    });
  });

  describe('GET /api/leaderboards?seriesId=', () => {
    it('lists only active boards with published standings to the public; admins see all', async () => {
      const own = await fx.series({ name: 'List Cup' });
      const board = (name: string, extra: object = {}) =>
        fx.leaderboard({ seriesId: own, name, type: 'INDIVIDUAL', pointsScaleId: scaleId, categories: [`L ${name}`], ...extra });
      const published = await board('Published');
      const draft = await board('Draft', { initialState: 'DRAFT' });
      const inactive = await board('Inactive');
      const event = await fx.event(own);
      for (const name of ['Published', 'Draft', 'Inactive']) {
        const setId = await fx.resultSet(event, `L ${name}`);
        await fx.replaceRows(setId, [rider('Ann', 'Lee', { position: 1 })]);
      }
      for (const id of [published, draft, inactive]) await settled(t, id);
      await t.http().patch(`/api/leaderboards/${inactive}`).set(AUTH).send({ active: false }).expect(200);
      const never = await board('Never computed', { categories: ['L nothing'] });

      const anon = await t.http().get(`/api/leaderboards?seriesId=${own}`).expect(200);
      expect(anon.body.map((b: { id: number }) => b.id)).toEqual([published]);
      const admin = await t.http().get(`/api/leaderboards?seriesId=${own}`).set(AUTH).expect(200);
      expect(admin.body.map((b: { id: number }) => b.id)).toEqual([published, draft, inactive, never]);
    });

    it('while a DRAFT revision of APPROVED standings is worked on, the public keeps seeing the approved rows', async () => {
      const own = await fx.series({ name: 'Revision Cup' });
      const id = await fx.leaderboard({ seriesId: own, name: 'R', type: 'INDIVIDUAL', pointsScaleId: scaleId, categories: ['R only'] });
      const setId = await fx.resultSet(await fx.event(own), 'R only');
      await fx.replaceRows(setId, [rider('Ann', 'Lee', { position: 1 }), rider('Bo', 'Chen', { position: 2 })]);
      await settled(t, id);
      const approvedId = (await standingsState(t, id))!.id;
      await fx.transition(approvedId, 'APPROVED');
      await fx.replaceRows(setId, [rider('Bo', 'Chen', { position: 1 }), rider('Ann', 'Lee', { position: 2 })]);
      await settled(t, id);
      expect((await standingsState(t, id))!.state).toBe('-'); // the recalculation wrote a DRAFT clone

      const anon = await t.http().get(`/api/leaderboards/${id}/standings`).expect(200);
      expect(anon.body).toMatchObject({ resultSetId: approvedId, state: 'APPROVED', stale: false });
      expect(anon.body.entries.map((e: { name: string }) => e.name)).toEqual(['Ann Lee', 'Bo Chen']);
      const admin = await t.http().get(`/api/leaderboards/${id}/standings`).set(AUTH).expect(200);
      expect(admin.body).toMatchObject({ state: 'DRAFT' });
      expect(admin.body.entries.map((e: { name: string }) => e.name)).toEqual(['Bo Chen', 'Ann Lee']);
      const list = await t.http().get(`/api/leaderboards?seriesId=${own}`).expect(200);
      expect(list.body.map((b: { id: number }) => b.id)).toEqual([id]);
    });

    it('each board of the list is its own GET, and twelve boards take as many statements as two', async () => {
      const own = await fx.series({ name: 'Many Boards Cup' });
      const event = await fx.event(own);
      const boards: number[] = [];
      const addBoards = async (count: number) => {
        for (let i = 0; i < count; i++) {
          const category = `Many ${boards.length}`;
          const id = await fx.leaderboard({ seriesId: own, name: category, type: 'INDIVIDUAL', pointsScaleId: scaleId, categories: [category], ...(boards.length % 3 === 2 ? { initialState: 'DRAFT' } : {}) });
          await fx.replaceRows(await fx.resultSet(event, category), [rider('Ann', 'Lee', { position: 1 }), rider('Bo', 'Chen', { position: 2 })]);
          boards.push(id);
        }
        for (const id of boards) await settled(t, id);
      };
      // The statements of the list's transaction: the connection that read the boards' pending changes, from its START TRANSACTION to its COMMIT.
      const statementsOfList = async (): Promise<number> => {
        const sent = (await recordingQueries(() => t.http().get(`/api/leaderboards?seriesId=${own}`).set(AUTH).expect(200)))
          .sent.map((q) => ({ client: q.client, sql: sqlOf(q.query) }));
        const at = sent.findIndex((s) => s.sql.includes('FROM recalc_outbox') && s.sql.includes('results_version > standings_version'));
        expect(at).toBeGreaterThan(-1);
        const ofList = sent.filter((s) => s.client === sent[at].client).map((s) => s.sql);
        const began = ofList.findLastIndex((sql, i) => i <= ofList.indexOf(sent[at].sql) && /START TRANSACTION|BEGIN/.test(sql));
        return ofList.findIndex((sql, i) => i > began && /^\s*COMMIT/.test(sql)) - began + 1;
      };

      await addBoards(2);
      // The first board with a DRAFT revision of approved standings (revisionPending for admins).
      await fx.transition((await standingsState(t, boards[0]))!.id, 'APPROVED');
      await fx.replaceRows((await t.db.query(`SELECT id FROM result_set WHERE event_id = $1 AND category = 'Many 0'`, [event]))[0].id, [rider('Bo', 'Chen', { position: 1 }), rider('Ann', 'Lee', { position: 2 })]);
      await settled(t, boards[0]);
      const forTwo = await statementsOfList();
      await addBoards(10);
      expect(await statementsOfList()).toBe(forTwo);

      for (const auth of [true, false]) {
        const list = auth ? await t.http().get(`/api/leaderboards?seriesId=${own}`).set(AUTH).expect(200) : await t.http().get(`/api/leaderboards?seriesId=${own}`).expect(200);
        // The public sees the boards whose standings are published (not the DRAFT ones).
        expect(list.body.map((b: { id: number }) => b.id)).toEqual(auth ? boards : boards.filter((_, i) => i % 3 !== 2));
        for (const view of list.body) {
          const own = auth ? await t.http().get(`/api/leaderboards/${view.id}`).set(AUTH).expect(200) : await t.http().get(`/api/leaderboards/${view.id}`).expect(200);
          expect(view).toEqual(own.body);
        }
        expect(list.body[0].standings.revisionPending).toBe(auth ? true : undefined);
      }
    });

    it('standings of a DRAFT board are 404 to the public', async () => {
      const own = await fx.series({ name: 'Draft Cup' });
      const id = await fx.leaderboard({ seriesId: own, name: 'D', type: 'INDIVIDUAL', pointsScaleId: scaleId, categories: ['D only'], initialState: 'DRAFT' });
      const setId = await fx.resultSet(await fx.event(own), 'D only');
      await fx.replaceRows(setId, [rider('Ann', 'Lee', { position: 1 })]);
      await settled(t, id);
      await t.http().get(`/api/leaderboards/${id}/standings`).expect(404);
      await t.http().get(`/api/leaderboards/${id}/standings/p:1`).expect(404);
      await t.http().get(`/api/leaderboards/${id}/standings`).set(AUTH).expect(200);
    });
  });

  describe('the pages that list boards (series page, home page)', () => {
    it('show each board as its own standings would: the batched decision is visible()\'s for every board of this file, public and admin', async () => {
      // Every board the tests above made: published, approved, DRAFT, inactive, never computed, failed after publication, revisions of approved standings.
      const ids: number[] = (await t.db.query('SELECT id FROM leaderboard ORDER BY id')).map((row: { id: number }) => row.id);
      const service = t.app.get(StandingsService);
      const oneByOne = async (admin: boolean) => {
        const shown: [number, ShownState][] = [];
        for (const id of ids) {
          try {
            const visible = await service.visible(id, admin, 'summary');
            shown.push([id, { resultSetId: visible.head.resultSetId, shownAs: visible.shownAs, stale: visible.stale }]);
          } catch (err) {
            if (!(err instanceof NotFoundError)) throw err;
          }
        }
        return shown;
      };
      const seen = new Map<boolean, [number, ShownState][]>();
      for (const admin of [false, true]) {
        // Compared until both reads agree: a late run of the in-process worker may land between them.
        await eventually(async () => {
          const one = await oneByOne(admin);
          seen.set(admin, one);
          const batched = [...(await service.shownStates(ids, admin))].sort(([a], [b]) => a - b);
          return JSON.stringify(batched) === JSON.stringify(one);
        });
      }
      const publicShown = new Map(seen.get(false));
      const adminShown = new Map(seen.get(true));
      expect(adminShown.size).toBeGreaterThan(publicShown.size);
      expect([...adminShown.values()]).toEqual(expect.arrayContaining([{ resultSetId: expect.any(Number), shownAs: 'DRAFT', stale: false }, { resultSetId: expect.any(Number), shownAs: 'PROVISIONAL', stale: true }, { resultSetId: expect.any(Number), shownAs: 'PROVISIONAL', stale: false }]));
      // A revision of approved standings: the public the approved set, admins the DRAFT.
      expect([...adminShown].some(([id, state]) => state.shownAs === 'DRAFT' && publicShown.get(id)?.shownAs === 'APPROVED')).toBe(true);
    });
  });
});
