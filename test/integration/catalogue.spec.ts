import { EventEmitter2 } from '@nestjs/event-emitter';
import { LeaderboardConfigChangedEvent, RaceEventChangedEvent } from '../../src/common/events/catalogue';
import { TransactionRunner } from '../../src/common/database/transaction-runner';
import { RetryTokens } from '../../src/notifications/retry/retry-tokens';
import { Fixtures, rider } from '../support/fixtures';
import { settled, standingsState } from '../support/sync';
import { AUTH, eventually, startTestApp, TestApp } from '../support/test-app';

/** Issue 14, lists and edits: series, events, points scales, and the audit rows of their writes. */
describe('catalogue: lists and edits of series, events and points scales', () => {
  let t: TestApp;
  let fx: Fixtures;
  let scaleId: number;
  const published: { name: string; event: object }[] = [];

  beforeAll(async () => {
    t = await startTestApp({ RECALC_DEBOUNCE_MS: '300', RECALC_MAX_WAIT_MS: '1500', RECALC_SWEEP_INTERVAL_MS: '300' });
    fx = new Fixtures(t);
    scaleId = await fx.scale({ name: 'Top 3', kind: 'TABLE', table: [10, 6, 3] });
    const bus = t.app.get(EventEmitter2);
    bus.on(RaceEventChangedEvent.eventName, (event: object) => published.push({ name: RaceEventChangedEvent.eventName, event }));
    bus.on(LeaderboardConfigChangedEvent.eventName, (event: object) => published.push({ name: LeaderboardConfigChangedEvent.eventName, event }));
  });
  afterAll(() => t?.close());

  const auditOf = (entity: string, entityId: number) =>
    t.db.query(`SELECT actor, action, entity, entity_id, changes FROM audit_log WHERE entity = $1 AND entity_id = $2 ORDER BY id`, [entity, String(entityId)]);
  const resultsVersion = async (boardId: number): Promise<number> => {
    const [row] = await t.db.query('SELECT results_version FROM recalc_outbox WHERE leaderboard_id = $1', [boardId]);
    return row ? Number(row.results_version) : 0;
  };
  const standings = async (boardId: number): Promise<[string, number][]> => {
    const res = await t.http().get(`/api/leaderboards/${boardId}/standings`).set(AUTH).expect(200);
    return res.body.entries.map((e: { name: string; points: number }) => [e.name, e.points]);
  };
  const eventRow = async (id: number) => (await t.db.query('SELECT name, date::text AS date, starred, points_multiplier FROM event WHERE id = $1', [id]))[0];

  /** A race of `category` at a new event of the series, published with these riders in order. */
  async function race(seriesId: number, category: string, order: [string, string][], event: object = {}): Promise<{ eventId: number; setId: number }> {
    const eventId = await fx.event(seriesId, event);
    const setId = await fx.resultSet(eventId, category);
    await fx.replaceRows(setId, order.map(([first, last], i) => rider(first, last, { position: i + 1 })));
    return { eventId, setId };
  }

  describe('series', () => {
    let ids: Record<string, number>;

    beforeAll(async () => {
      ids = {
        old: await fx.series({ name: 'Coupe Élan', season: '2024' }),
        none: await fx.series({ name: 'Open Trophy' }),
        newer: await fx.series({ name: 'Schools Cup', season: '2026' }),
        newest: await fx.series({ name: 'Schools Cup', season: '2026' }),
        mid: await fx.series({ name: '100% Club', season: '2025/26' }),
      };
    });

    it('lists newest season first, series without a season last, newest series first among equals; paged', async () => {
      const all = await t.http().get('/api/series').expect(200);
      const order = all.body.items.map((s: { id: number }) => s.id);
      expect(order.filter((id: number) => Object.values(ids).includes(id))).toEqual([ids.newest, ids.newer, ids.mid, ids.old, ids.none]);
      expect(all.body).toMatchObject({ offset: 0, limit: 50 });
      expect(all.body.total).toBe(all.body.items.length);
      const second = await t.http().get('/api/series?offset=1&limit=1').expect(200);
      expect(second.body).toMatchObject({ total: all.body.total, offset: 1, limit: 1, items: [all.body.items[1]] });
    });

    it('filters by q: a part of the name or season, ignoring case and accents; % and _ are plain text', async () => {
      const ids_ = async (q: string) => (await t.http().get(`/api/series?q=${encodeURIComponent(q)}`).expect(200)).body.items.map((s: { id: number }) => s.id);
      expect(await ids_('ELAN')).toEqual([ids.old]);
      expect(await ids_('coupe élan')).toEqual([ids.old]);
      expect(await ids_('2025/')).toEqual([ids.mid]);
      expect(await ids_('%')).toEqual([ids.mid]);
      expect(await ids_('_')).toEqual([]);
      const page = await t.http().get('/api/series?q=schools').expect(200);
      expect(page.body).toMatchObject({ total: 2 });
    });

    it('keeps the exact lookup by name as a plain array, and refuses mixing it with paging', async () => {
      const res = await t.http().get('/api/series?name=Schools%20Cup').expect(200);
      expect(res.body.map((s: { id: number }) => s.id)).toEqual([ids.newer, ids.newest]);
      expect(res.body[0]).toEqual({ id: ids.newer, name: 'Schools Cup', season: '2026', customLabels: {}, timeZone: expect.any(String) });
      const mixed = await t.http().get('/api/series?name=Schools%20Cup&q=x&limit=5').expect(400);
      expect(JSON.stringify(mixed.body)).toMatch(/q cannot be combined with name.*limit cannot be combined with name/);
      const bad = await t.http().get('/api/series?limit=501&offset=-1&colour=red').expect(400);
      for (const field of ['limit', 'offset', 'colour']) expect(JSON.stringify(bad.body)).toContain(field);
    });

    it('edits name, season, labels and time zone, recording only what changed', async () => {
      const id = await fx.series({ name: 'Winter Series', season: '2025', customLabels: { custom1: 'School', custom2: 'Club' } });
      await t.http().patch(`/api/series/${id}`).send({ name: 'x' }).expect(401);
      const res = await t.http().patch(`/api/series/${id}`).set(AUTH)
        .send({ name: 'Winter League', season: null, customLabels: { custom2: null, custom3: 'Team' }, timeZone: 'America/New_York' })
        .expect(200);
      expect(res.body).toEqual({ id, name: 'Winter League', season: null, customLabels: { custom1: 'School', custom3: 'Team' }, timeZone: 'America/New_York' });
      await t.http().get(`/api/series/${id}`).expect(200, res.body);
      const rows = await auditOf('series', id);
      expect(rows.map((r: { action: string }) => r.action)).toEqual(['series.create', 'series.update']);
      expect(rows[1]).toMatchObject({
        actor: 'key#1',
        changes: {
          before: { name: 'Winter Series', season: '2025', customLabels: { custom1: 'School', custom2: 'Club' }, timeZone: expect.any(String) },
          after: { name: 'Winter League', season: null, customLabels: { custom1: 'School', custom3: 'Team' }, timeZone: 'America/New_York' },
        },
      });
      // The same values again change nothing and record nothing.
      await t.http().patch(`/api/series/${id}`).set(AUTH).send({ name: 'Winter League', customLabels: { custom1: 'School' } }).expect(200);
      expect(await auditOf('series', id)).toHaveLength(2);
    });

    it('refuses bad input with 400 naming the fields, unknown ids with 404, and writes nothing', async () => {
      const id = await fx.series({ name: 'Untouched', season: '2026' });
      const before = await t.db.query('SELECT * FROM series WHERE id = $1', [id]);
      const unknown = await t.http().patch(`/api/series/${id}`).set(AUTH).send({ name: 'New', colour: 'red', owner: 'me' }).expect(400);
      expect(JSON.stringify(unknown.body)).toMatch(/colour.*owner/);
      const nulls = await t.http().patch(`/api/series/${id}`).set(AUTH).send({ name: null, timeZone: null }).expect(400);
      expect(JSON.stringify(nulls.body)).toMatch(/name cannot be null.*timeZone cannot be null/);
      const bad = await t.http().patch(`/api/series/${id}`).set(AUTH).send({ timeZone: 'Mars/Olympus', customLabels: { custom1: '' } }).expect(400);
      expect(JSON.stringify(bad.body)).toMatch(/timeZone/);
      expect(JSON.stringify(bad.body)).toMatch(/customLabels\.custom1/);
      await t.http().patch('/api/series/999999').set(AUTH).send({ name: 'Ghost' }).expect(404);
      expect(await t.db.query('SELECT * FROM series WHERE id = $1', [id])).toEqual(before);
      expect(await auditOf('series', id)).toHaveLength(1);
      expect(await auditOf('series', 999999)).toHaveLength(0);
    });
  });

  describe('events', () => {
    it('reads one event, 404 for an unknown one; its creation is audited', async () => {
      const seriesId = await fx.series({ name: 'Event reads' });
      const eventId = await fx.event(seriesId, { name: 'Round 1', date: '2026-04-02', starred: true, pointsMultiplier: 1.5 });
      await t.http().get(`/api/events/${eventId}`).expect(200, { id: eventId, seriesId, name: 'Round 1', date: '2026-04-02', starred: true, pointsMultiplier: 1.5 });
      await t.http().get('/api/events/999999').expect(404);
      await t.http().get('/api/events/abc').expect(400);
      expect(await auditOf('event', eventId)).toEqual([
        { actor: 'key#1', action: 'event.create', entity: 'event', entity_id: String(eventId), changes: { after: { seriesId, name: 'Round 1', date: '2026-04-02', starred: true, pointsMultiplier: 1.5 } } },
      ]);
    });

    it('keeps GET /api/series/:id/events an array; pages it on request', async () => {
      const seriesId = await fx.series({ name: 'Event lists' });
      const late = await fx.event(seriesId, { name: 'Late', date: '2026-09-01' });
      const early = await fx.event(seriesId, { name: 'Early', date: '2026-03-01' });
      const array = await t.http().get(`/api/series/${seriesId}/events`).expect(200);
      expect(array.body.map((e: { id: number }) => e.id)).toEqual([early, late]);
      const page = await t.http().get(`/api/series/${seriesId}/events?paged=true&offset=1&limit=1`).expect(200);
      expect(page.body).toMatchObject({ total: 2, offset: 1, limit: 1, items: [{ id: late, name: 'Late' }] });
      const stray = await t.http().get(`/api/series/${seriesId}/events?limit=1`).expect(400);
      expect(JSON.stringify(stray.body)).toMatch(/limit needs paged=true/);
      await t.http().get('/api/series/999999/events?paged=true').expect(404);
    });

    it('double points: the boards the event feeds recalculate, and the standings follow', async () => {
      const seriesId = await fx.series({ name: 'Double points' });
      const boardId = await fx.leaderboard({ seriesId, name: 'Overall', type: 'INDIVIDUAL', pointsScaleId: scaleId, categories: ['A'] });
      const other = await fx.leaderboard({ seriesId, name: 'Other category', type: 'INDIVIDUAL', pointsScaleId: scaleId, categories: ['B'] });
      await race(seriesId, 'A', [['Ann', 'Lee'], ['Bo', 'Chen']], { name: 'R1', date: '2026-03-01' });
      const { eventId } = await race(seriesId, 'A', [['Bo', 'Chen'], ['Ann', 'Lee']], { name: 'R2', date: '2026-03-08' });
      await settled(t, boardId);
      // By hand, table 10/6/3: Ann 10 + 6, Bo 6 + 10.
      expect((await standings(boardId)).sort()).toEqual([['Ann Lee', 16], ['Bo Chen', 16]]);

      const version = await resultsVersion(boardId);
      published.splice(0);
      const res = await t.http().patch(`/api/events/${eventId}`).set(AUTH).send({ pointsMultiplier: 2 }).expect(200);
      expect(res.body).toMatchObject({ id: eventId, pointsMultiplier: 2 });
      expect(await resultsVersion(boardId)).toBe(version + 1);
      // Every active board whose scope holds the event is marked, whatever its categories.
      expect(published).toEqual([{ name: RaceEventChangedEvent.eventName, event: { eventId, seriesId, reason: 'UPDATED', leaderboardIds: [boardId, other] } }]);
      await settled(t, boardId);
      // R2 doubled: Ann 10 + 2×6 = 22, Bo 6 + 2×10 = 26.
      expect(await standings(boardId)).toEqual([['Bo Chen', 26], ['Ann Lee', 22]]);
      expect(await auditOf('event', eventId)).toEqual([
        expect.objectContaining({ action: 'event.create' }),
        { actor: 'key#1', action: 'event.update', entity: 'event', entity_id: String(eventId), changes: { before: { pointsMultiplier: 1 }, after: { pointsMultiplier: 2 } } },
      ]);
    });

    it('a star toggle moves the event in and out of a STARRED board', async () => {
      const seriesId = await fx.series({ name: 'Stars' });
      const starredBoard = await fx.leaderboard({ seriesId, name: 'Starred only', type: 'INDIVIDUAL', pointsScaleId: scaleId, categories: ['A'], eventScope: 'STARRED' });
      await race(seriesId, 'A', [['Ann', 'Lee'], ['Bo', 'Chen']], { name: 'Starred', date: '2026-03-01', starred: true });
      const { eventId } = await race(seriesId, 'A', [['Cy', 'Dee'], ['Bo', 'Chen']], { name: 'Plain', date: '2026-03-08' });
      await settled(t, starredBoard);
      expect(await standings(starredBoard)).toEqual([['Ann Lee', 10], ['Bo Chen', 6]]);

      await t.http().patch(`/api/events/${eventId}`).set(AUTH).send({ starred: true }).expect(200);
      await settled(t, starredBoard);
      // Bo 6 + 6 = 12; Ann and Cy 10 each with one win: the more recent result (Cy's, 8 March) breaks the tie.
      expect(await standings(starredBoard)).toEqual([['Bo Chen', 12], ['Cy Dee', 10], ['Ann Lee', 10]]);

      // Unstarring: the event leaves the board, which the board read before the change.
      const version = await resultsVersion(starredBoard);
      await t.http().patch(`/api/events/${eventId}`).set(AUTH).send({ starred: false }).expect(200);
      expect(await resultsVersion(starredBoard)).toBe(version + 1);
      await settled(t, starredBoard);
      expect(await standings(starredBoard)).toEqual([['Ann Lee', 10], ['Bo Chen', 6]]);
    });

    it('a name-only change marks nothing; a no-op changes and records nothing; a date change marks the boards', async () => {
      const seriesId = await fx.series({ name: 'Renames' });
      const boardId = await fx.leaderboard({ seriesId, name: 'Board', type: 'INDIVIDUAL', pointsScaleId: scaleId, categories: ['A'] });
      const { eventId } = await race(seriesId, 'A', [['Ann', 'Lee']], { name: 'Round 1', date: '2026-03-01' });
      await settled(t, boardId);
      const version = await resultsVersion(boardId);
      published.splice(0);

      await t.http().patch(`/api/events/${eventId}`).set(AUTH).send({ name: 'Round 1 — Hillside' }).expect(200);
      expect(await resultsVersion(boardId)).toBe(version);
      await t.http().patch(`/api/events/${eventId}`).set(AUTH).send({ name: 'Round 1 — Hillside', date: '2026-03-01', starred: false, pointsMultiplier: 1 }).expect(200);
      await t.http().patch(`/api/events/${eventId}`).set(AUTH).send({}).expect(200);
      expect(await resultsVersion(boardId)).toBe(version);
      expect(published).toEqual([]);
      expect((await auditOf('event', eventId)).map((r: { action: string; changes: object }) => [r.action, r.changes])).toEqual([
        ['event.create', expect.anything()],
        ['event.update', { before: { name: 'Round 1' }, after: { name: 'Round 1 — Hillside' } }],
      ]);

      await t.http().patch(`/api/events/${eventId}`).set(AUTH).send({ date: '2026-03-02' }).expect(200);
      expect(await resultsVersion(boardId)).toBe(version + 1);
      expect(published).toHaveLength(1);
      expect(await eventRow(eventId)).toEqual({ name: 'Round 1 — Hillside', date: '2026-03-02', starred: false, points_multiplier: 1 });
    });

    it('refuses bad edits with 400 naming the fields, unknown ids with 404, and writes nothing', async () => {
      const seriesId = await fx.series({ name: 'Bad edits' });
      const eventId = await fx.event(seriesId, { name: 'Kept', date: '2026-05-05' });
      const before = await eventRow(eventId);
      const cases: [object, RegExp][] = [
        [{ name: 'x', seriesId: 9 }, /seriesId/],
        [{ date: '2026-02-30' }, /date must be a real calendar date/],
        [{ date: '5 May' }, /date must be YYYY-MM-DD/],
        [{ pointsMultiplier: 0 }, /pointsMultiplier/],
        [{ pointsMultiplier: 101 }, /pointsMultiplier/],
        [{ starred: 'yes' }, /starred/],
        [{ name: '' }, /name/],
        [{ name: null, starred: null }, /name cannot be null.*starred cannot be null/],
      ];
      for (const [body, message] of cases) {
        const res = await t.http().patch(`/api/events/${eventId}`).set(AUTH).send(body).expect(400);
        expect(JSON.stringify(res.body)).toMatch(message);
      }
      await t.http().patch('/api/events/999999').set(AUTH).send({ name: 'Ghost' }).expect(404);
      await t.http().patch(`/api/events/${eventId}`).send({ name: 'No key' }).expect(401);
      expect(await eventRow(eventId)).toEqual(before);
      expect(await auditOf('event', eventId)).toHaveLength(1);
    });

    it('deletes an event without published results, with its draft and deleted sets; refuses one with published results', async () => {
      const seriesId = await fx.series({ name: 'Deletes' });
      const boardId = await fx.leaderboard({ seriesId, name: 'Board', type: 'INDIVIDUAL', pointsScaleId: scaleId, categories: ['A'] });
      const { eventId: publishedEvent, setId: publishedSet } = await race(seriesId, 'A', [['Ann', 'Lee']], { name: 'Raced' });
      const draftEvent = await fx.event(seriesId, { name: 'Rained off', date: '2026-03-21' });
      const draft = await fx.resultSet(draftEvent, 'A', 'DRAFT');
      await fx.replaceRows(draft, [rider('Ann', 'Lee', { position: 1 })]);
      const deleted = await fx.resultSet(draftEvent, 'B', 'DRAFT');
      await fx.transition(deleted, 'DELETED');
      await settled(t, boardId);

      await t.http().delete(`/api/events/${draftEvent}`).expect(401);
      const refused = await t.http().delete(`/api/events/${publishedEvent}`).set(AUTH).expect(409);
      expect(refused.body.message).toMatch(/holds published results \(A\).*DELETED.*POST \/api\/result-sets\/:id\/transitions/);
      await t.http().get(`/api/events/${publishedEvent}`).expect(200);
      expect(await t.db.query('SELECT count(*)::int AS n FROM race_result WHERE result_set_id = $1', [publishedSet])).toEqual([{ n: 1 }]);

      // The history of published results also stays: an approved set replaced by a revision, the revision withdrawn.
      const { eventId: revisedEvent, setId: approved } = await race(seriesId, 'A', [['Bo', 'Chen']], { name: 'Revised' });
      await fx.transition(approved, 'APPROVED');
      const revision = await t.http().post(`/api/result-sets/${approved}/revisions`).set(AUTH).send({}).expect(201);
      await fx.transition(revision.body.id, 'PROVISIONAL');
      await fx.transition(revision.body.id, 'DELETED');
      const [{ state }] = await t.db.query('SELECT state FROM result_set WHERE id = $1', [approved]);
      expect(state).toBe('R');
      const history = await t.http().delete(`/api/events/${revisedEvent}`).set(AUTH).expect(409);
      expect(history.body.message).toMatch(/holds published results \(A\)/);

      const version = await resultsVersion(boardId);
      published.splice(0);
      await t.http().delete(`/api/events/${draftEvent}`).set(AUTH).expect(204);
      await t.http().get(`/api/events/${draftEvent}`).expect(404);
      await t.http().delete(`/api/events/${draftEvent}`).set(AUTH).expect(404);
      expect(await t.db.query('SELECT id FROM result_set WHERE id = ANY($1)', [[draft, deleted]])).toEqual([]);
      expect(await t.db.query('SELECT id FROM race_result WHERE result_set_id = ANY($1)', [[draft, deleted]])).toEqual([]);
      expect(await resultsVersion(boardId)).toBe(version + 1);
      expect(published).toEqual([{ name: RaceEventChangedEvent.eventName, event: { eventId: draftEvent, seriesId, reason: 'DELETED', leaderboardIds: [boardId] } }]);
      const rows = await auditOf('event', draftEvent);
      expect(rows.map((r: { action: string }) => r.action)).toEqual(['event.create', 'event.delete']);
      expect(rows[1].changes).toEqual({
        before: { seriesId, name: 'Rained off', date: '2026-03-21', starred: false, pointsMultiplier: 1 },
        removedResultSets: [{ category: 'A', state: 'DRAFT', sets: 1 }, { category: 'B', state: 'DELETED', sets: 1 }],
      });
      expect((await auditOf('event', publishedEvent)).map((r: { action: string }) => r.action)).toEqual(['event.create']);

      // Done as the refusal says (results withdrawn to DELETED), the event can go.
      await fx.transition(publishedSet, 'DELETED');
      await t.http().delete(`/api/events/${publishedEvent}`).set(AUTH).expect(204);
      expect(await t.db.query('SELECT id FROM result_set WHERE id = $1', [publishedSet])).toEqual([]);
    });

    it('refuses to delete an event a board names in its configuration', async () => {
      const seriesId = await fx.series({ name: 'Listed' });
      const eventId = await fx.event(seriesId, { name: 'Final' });
      const boardId = await fx.leaderboard({ seriesId, name: 'Finals', type: 'INDIVIDUAL', pointsScaleId: scaleId, categories: ['A'], eventScope: 'LISTED', eventIds: [eventId] });
      const res = await t.http().delete(`/api/events/${eventId}`).set(AUTH).expect(409);
      expect(res.body.message).toContain(`leaderboard ${boardId} "Finals"`);
      await t.http().get(`/api/events/${eventId}`).expect(200);
    });
  });

  describe('points scales', () => {
    it('lists scales oldest first, paged', async () => {
      const a = await fx.scale({ name: 'List A', kind: 'FIELD_SIZE' });
      const b = await fx.scale({ name: 'List B', kind: 'LINEAR', first: 20, step: 2, floor: 1 });
      const all = await t.http().get('/api/points-scales?limit=500').expect(200);
      const ids = all.body.items.map((s: { id: number }) => s.id);
      expect(ids).toEqual([...ids].sort((x: number, y: number) => x - y));
      expect(all.body.total).toBe(all.body.items.length);
      expect(all.body.items.find((s: { id: number }) => s.id === b)).toEqual({ id: b, name: 'List B', kind: 'LINEAR', first: 20, step: 2, floor: 1, codes: {} });
      const page = await t.http().get(`/api/points-scales?offset=${ids.indexOf(a)}&limit=1`).expect(200);
      expect(page.body.items.map((s: { id: number }) => s.id)).toEqual([a]);
      await t.http().get('/api/points-scales?limit=0').expect(400);
    });

    it('an edit marks every board using the scale pending, once, and the standings follow', async () => {
      const scale = await fx.scale({ name: 'Editable', kind: 'TABLE', table: [10, 6, 3] });
      const seriesId = await fx.series({ name: 'Scale edits' });
      const boardA = await fx.leaderboard({ seriesId, name: 'A', type: 'INDIVIDUAL', pointsScaleId: scale, categories: ['A'] });
      const boardB = await fx.leaderboard({ seriesId, name: 'B', type: 'INDIVIDUAL', pointsScaleId: scale, categories: ['B'] });
      const bystander = await fx.leaderboard({ seriesId, name: 'Other scale', type: 'INDIVIDUAL', pointsScaleId: scaleId, categories: ['A'] });
      await race(seriesId, 'A', [['Ann', 'Lee'], ['Bo', 'Chen']]);
      await race(seriesId, 'B', [['Cy', 'Dee']]);
      for (const board of [boardA, boardB, bystander]) await settled(t, board);
      const versions = [await resultsVersion(boardA), await resultsVersion(boardB), await resultsVersion(bystander)];
      published.splice(0);

      const res = await t.http().patch(`/api/points-scales/${scale}`).set(AUTH).send({ table: [20, 10, 5], ties: 'SAME' }).expect(200);
      expect(res.body).toEqual({ id: scale, name: 'Editable', kind: 'TABLE', table: [20, 10, 5], ties: 'SAME', codes: {} });
      expect([await resultsVersion(boardA), await resultsVersion(boardB), await resultsVersion(bystander)]).toEqual([versions[0] + 1, versions[1] + 1, versions[2]]);
      expect(published).toEqual([{ name: LeaderboardConfigChangedEvent.eventName, event: { leaderboardIds: [boardA, boardB], reason: 'POINTS_SCALE_UPDATED' } }]);
      await settled(t, boardA);
      await settled(t, boardB);
      expect(await standings(boardA)).toEqual([['Ann Lee', 20], ['Bo Chen', 10]]);
      expect(await standings(boardB)).toEqual([['Cy Dee', 20]]);
      expect(await auditOf('points_scale', scale)).toEqual([
        expect.objectContaining({ action: 'points_scale.create', changes: { after: { name: 'Editable', kind: 'TABLE', table: [10, 6, 3], codes: {} } } }),
        { actor: 'key#1', action: 'points_scale.update', entity: 'points_scale', entity_id: String(scale), changes: { before: { table: [10, 6, 3], ties: null }, after: { table: [20, 10, 5], ties: 'SAME' }, leaderboardIds: [boardA, boardB] } },
      ]);

      // The same values again: nothing written, marked or recorded. A null removes a setting.
      await t.http().patch(`/api/points-scales/${scale}`).set(AUTH).send({ name: 'Editable', table: [20, 10, 5] }).expect(200);
      expect(await resultsVersion(boardA)).toBe(versions[0] + 1);
      expect(await auditOf('points_scale', scale)).toHaveLength(2);
      const cleared = await t.http().patch(`/api/points-scales/${scale}`).set(AUTH).send({ ties: null }).expect(200);
      expect(cleared.body).toEqual({ id: scale, name: 'Editable', kind: 'TABLE', table: [20, 10, 5], codes: {} });
    });

    it('validates an edit like a new scale: 400 naming the field, nothing written', async () => {
      const scale = await fx.scale({ name: 'Strict', kind: 'LINEAR', first: 20, step: 2, floor: 0 });
      const seriesId = await fx.series({ name: 'Strict scale' });
      const boardId = await fx.leaderboard({ seriesId, name: 'Strict board', type: 'INDIVIDUAL', pointsScaleId: scale, categories: ['A'] });
      const version = await resultsVersion(boardId);
      const before = await t.db.query('SELECT name, kind, config FROM points_scale WHERE id = $1', [scale]);
      const cases: [object, RegExp][] = [
        [{ kind: 'TABLE' }, /table/],
        [{ kind: 'CUBIC' }, /kind/],
        [{ step: -1 }, /step/],
        [{ table: ['x'] }, /table/],
        [{ name: null }, /name cannot be null/],
        [{ colour: 'red' }, /colour/],
      ];
      for (const [body, message] of cases) {
        const res = await t.http().patch(`/api/points-scales/${scale}`).set(AUTH).send(body).expect(400);
        expect(JSON.stringify(res.body)).toMatch(message);
      }
      await t.http().patch('/api/points-scales/999999').set(AUTH).send({ name: 'Ghost' }).expect(404);
      await t.http().patch(`/api/points-scales/${scale}`).send({ name: 'No key' }).expect(401);
      expect(await t.db.query('SELECT name, kind, config FROM points_scale WHERE id = $1', [scale])).toEqual(before);
      expect(await resultsVersion(boardId)).toBe(version);
      expect((await auditOf('points_scale', scale)).map((r: { action: string }) => r.action)).toEqual(['points_scale.create']);
    });
  });

  describe('audit rows of boards and recalculations', () => {
    it('records board creation and edits; a no-op edit marks and records nothing', async () => {
      const seriesId = await fx.series({ name: 'Board audit' });
      const boardId = await fx.leaderboard({ seriesId, name: 'Audited', type: 'INDIVIDUAL', pointsScaleId: scaleId, categories: ['A'] });
      await t.http().patch(`/api/leaderboards/${boardId}`).set(AUTH).send({ name: 'Audited board', bestOf: 3 }).expect(200);
      const version = await resultsVersion(boardId);
      await t.http().patch(`/api/leaderboards/${boardId}`).set(AUTH).send({ name: 'Audited board', categories: ['A'] }).expect(200);
      expect(await resultsVersion(boardId)).toBe(version);
      const rows = await auditOf('leaderboard', boardId);
      expect(rows.map((r: { action: string }) => r.action)).toEqual(['leaderboard.create', 'leaderboard.update']);
      expect(rows[0].changes.after).toMatchObject({ seriesId, name: 'Audited', pointsScaleId: scaleId, type: 'INDIVIDUAL', categories: [{ code: 'A', multiplier: 1 }], active: true });
      expect(rows[1].changes).toEqual({ before: { name: 'Audited', bestOf: null }, after: { name: 'Audited board', bestOf: 3 } });
      // A refused edit records nothing.
      await t.http().patch(`/api/leaderboards/${boardId}`).set(AUTH).send({ pointsScaleId: 999999 }).expect(400);
      expect(await auditOf('leaderboard', boardId)).toHaveLength(2);
    });

    it('records manual recalculations of a board and of a series', async () => {
      const seriesId = await fx.series({ name: 'Manual runs' });
      const boardId = await fx.leaderboard({ seriesId, name: 'Manual', type: 'INDIVIDUAL', pointsScaleId: scaleId, categories: ['A'] });
      await settled(t, boardId);
      const one = await t.http().post(`/api/leaderboards/${boardId}/recalculate`).set(AUTH).expect(202);
      const all = await t.http().post(`/api/leaderboards/recalculate-all?seriesId=${seriesId}`).set(AUTH).expect(202);
      expect((await auditOf('leaderboard', boardId)).slice(1)).toEqual([
        { actor: 'key#1', action: 'recalculation.request', entity: 'leaderboard', entity_id: String(boardId), changes: { jobId: one.body.jobId, trigger: 'MANUAL' } },
      ]);
      expect(await auditOf('series', seriesId)).toEqual([
        expect.objectContaining({ action: 'series.create' }),
        { actor: 'key#1', action: 'recalculation.request', entity: 'series', entity_id: String(seriesId), changes: { trigger: 'MANUAL', jobs: [{ leaderboardId: boardId, jobId: all.body.jobs[0].jobId }] } },
      ]);
      await t.http().post('/api/leaderboards/999999/recalculate').set(AUTH).expect(404);
      expect(await auditOf('leaderboard', 999999)).toEqual([]);
    });

    it('records the use of a retry link with the actor retry-link', async () => {
      const seriesId = await fx.series({ name: 'Retry link' });
      const boardId = await fx.leaderboard({ seriesId, name: 'Fails once', type: 'INDIVIDUAL', pointsScaleId: scaleId, categories: ['A'] });
      await t.db.query(`CREATE OR REPLACE FUNCTION catalogue_test_fail() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'forced failure for the test'; END $$`);
      await t.db.query(`CREATE OR REPLACE TRIGGER catalogue_test_fail BEFORE INSERT OR UPDATE ON race_result
        FOR EACH ROW WHEN (NEW.group_key IS NOT NULL) EXECUTE FUNCTION catalogue_test_fail()`);
      // The failure stays until the link has been used: a run that succeeded in between (a
      // retry of the failed job, the sweeper) would close the episode and the link would be Gone.
      try {
        await race(seriesId, 'A', [['Ann', 'Lee']]);
        await eventually(async () => (await standingsState(t, boardId))?.state === 'F');
        const [episode] = await t.db.query('SELECT id FROM failure_episode WHERE leaderboard_id = $1 AND closed_at IS NULL', [boardId]);
        const { token } = await t.app.get(TransactionRunner).run(({ manager }) => t.app.get(RetryTokens).issue(manager, episode.id));
        const done = await t.http().post('/admin/retry').type('form').send({ token }).expect(202);
        const jobId = /Job <code>([^<]+)<\/code>/.exec(done.text)![1];
        expect((await auditOf('leaderboard', boardId)).slice(1)).toEqual([
          { actor: 'retry-link', action: 'recalculation.request', entity: 'leaderboard', entity_id: String(boardId), changes: { jobId, trigger: 'RETRY' } },
        ]);
        // A used link retries nothing and records nothing.
        await t.http().post('/admin/retry').type('form').send({ token }).expect(410);
        expect(await auditOf('leaderboard', boardId)).toHaveLength(2);
      } finally {
        await t.db.query('DROP TRIGGER IF EXISTS catalogue_test_fail ON race_result');
      }
      await settled(t, boardId);
    });
  });

  it('documents every new route in the OpenAPI', async () => {
    const doc = (await t.http().get('/api/docs-json').expect(200)).body;
    expect(Object.keys(doc.paths['/api/series'])).toEqual(expect.arrayContaining(['get', 'post']));
    expect(Object.keys(doc.paths['/api/series/{id}'])).toEqual(expect.arrayContaining(['get', 'patch']));
    expect(Object.keys(doc.paths['/api/events/{id}'])).toEqual(expect.arrayContaining(['get', 'patch', 'delete']));
    expect(Object.keys(doc.paths['/api/points-scales'])).toEqual(expect.arrayContaining(['get', 'post']));
    expect(Object.keys(doc.paths['/api/points-scales/{id}'])).toEqual(expect.arrayContaining(['get', 'patch']));
    expect(doc.components.schemas.SeriesPage).toBeDefined();
    expect(doc.components.schemas.PointsScalePage).toBeDefined();
    expect(doc.components.schemas.UpdateEventDto.properties).toHaveProperty('pointsMultiplier');
  });
});
