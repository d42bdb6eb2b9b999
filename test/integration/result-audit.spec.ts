import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createHash } from 'node:crypto';
import { recordChangeEvents } from '../support/events';
import { Fixtures, rider } from '../support/fixtures';
import { ADMIN_KEY, AUTH, eventually, startTestApp, TestApp } from '../support/test-app';

const ALICE_KEY = 'alice-key-0123456789abcdef';
const ALICE = { Authorization: `Bearer ${ALICE_KEY}` };

interface AuditRow {
  actor: string;
  action: string;
  entity: string;
  entity_id: string;
  changes: Record<string, unknown>;
  reason: string | null;
}

const DRAFT_WARNING = /is a DRAFT: it feeds no leaderboard and is not public until it is published/;

/** Audit rows after `mark` (an audit_log id), oldest first. */
async function auditSince(t: TestApp, mark: number): Promise<AuditRow[]> {
  return t.db.query(`SELECT actor, action, entity, entity_id, changes, reason FROM audit_log WHERE id > $1 ORDER BY id`, [mark]);
}
async function auditMark(t: TestApp): Promise<number> {
  const [{ id }] = await t.db.query(`SELECT COALESCE(max(id), 0)::int AS id FROM audit_log`);
  return id;
}
async function outboxVersion(t: TestApp, leaderboardId: number): Promise<number> {
  const rows = await t.db.query('SELECT results_version FROM recalc_outbox WHERE leaderboard_id = $1', [leaderboardId]);
  return rows.length ? Number(rows[0].results_version) : 0;
}

describe('result writes: audit rows, DRAFT warnings, no-op writes, the sets of an event', () => {
  let t: TestApp;
  let fx: Fixtures;
  let recorder: ReturnType<typeof recordChangeEvents>;
  let seriesId: number;
  let boardId: number;

  beforeAll(async () => {
    t = await startTestApp({ ADMIN_API_KEYS: `${ADMIN_KEY},alice:${ALICE_KEY}`, RECALC_DEBOUNCE_MS: '100', RECALC_MAX_WAIT_MS: '1000', RECALC_SWEEP_INTERVAL_MS: '200' });
    fx = new Fixtures(t);
    recorder = recordChangeEvents(t);
    seriesId = await fx.series();
    const scaleId = await fx.scale();
    boardId = await fx.leaderboard({ seriesId, name: 'Boys', type: 'INDIVIDUAL', pointsScaleId: scaleId, categories: ['U14 Boys'] });
  });
  afterAll(() => t?.close());
  beforeEach(() => recorder.clear());

  const upload = (eventId: number, file: Buffer, name: string, fields: Record<string, string> = {}) => {
    const req = t.http().post(`/api/events/${eventId}/results/import`).set(ALICE).attach('file', file, name);
    for (const [key, value] of Object.entries(fields)) req.field(key, value);
    return req;
  };

  describe('DRAFT warnings', () => {
    it('a set created without a state is a DRAFT, and its answer says it feeds no leaderboard', async () => {
      const eventId = await fx.event(seriesId);
      const res = await t.http().post(`/api/events/${eventId}/result-sets`).set(AUTH).send({ category: 'U14 Boys' }).expect(201);
      expect(res.body).toMatchObject({ state: 'DRAFT', eventId, category: 'U14 Boys', results: [] });
      expect(res.body.warnings).toEqual([expect.stringMatching(DRAFT_WARNING)]);
      expect(res.body.warnings[0]).toContain(`POST /api/result-sets/${res.body.id}/transitions`);
      // A read is no write: no warnings field.
      const read = await t.http().get(`/api/result-sets/${res.body.id}`).set(AUTH).expect(200);
      expect(read.body.warnings).toBeUndefined();
    });

    it('every write to a DRAFT says so; writes to a published set do not', async () => {
      const draft = (await t.http().post(`/api/events/${await fx.event(seriesId)}/result-sets`).set(AUTH).send({ category: 'U14 Boys' }).expect(201)).body.id;
      const put = await t.http().put(`/api/result-sets/${draft}/results`).set(AUTH).send([rider('Ann', 'Lee', { position: 1 })]).expect(200);
      expect(put.body.warnings).toEqual([expect.stringMatching(DRAFT_WARNING)]);
      const added = await t.http().post(`/api/result-sets/${draft}/results`).set(AUTH).send(rider('Bo', 'Chen', { position: 2 })).expect(201);
      expect(added.body.warnings).toEqual([expect.stringMatching(DRAFT_WARNING)]);
      const patched = await t.http().patch(`/api/results/${added.body.id}`).set(AUTH).send({ position: 3 }).expect(200);
      expect(patched.body.warnings).toEqual([expect.stringMatching(DRAFT_WARNING)]);

      const published = await t.http().post(`/api/result-sets/${draft}/transitions`).set(AUTH).send({ to: 'PROVISIONAL' }).expect(200);
      expect(published.body.warnings).toEqual([]);
      const back = await t.http().post(`/api/result-sets/${draft}/transitions`).set(AUTH).send({ to: 'DRAFT' }).expect(200);
      expect(back.body.warnings).toEqual([expect.stringMatching(DRAFT_WARNING)]);

      const provisional = await fx.resultSet(await fx.event(seriesId), 'U14 Boys');
      const put2 = await t.http().put(`/api/result-sets/${provisional}/results`).set(AUTH).send([rider('Ann', 'Lee', { position: 1 })]).expect(200);
      expect(put2.body.warnings).toEqual([]);
    });

    it('a revision says it is a DRAFT that takes effect when published; an import into a DRAFT says it too', async () => {
      const eventId = await fx.event(seriesId);
      const setId = await fx.resultSet(eventId, 'U14 Boys');
      await fx.replaceRows(setId, [rider('Ann', 'Lee', { position: 1 })]);
      await fx.transition(setId, 'APPROVED');
      const revision = await t.http().post(`/api/result-sets/${setId}/revisions`).set(AUTH).expect(201);
      expect(revision.body.warnings).toEqual([expect.stringContaining(`DRAFT revision of result set ${setId}: leaderboards and the public keep reading result set ${setId}`)]);

      const other = await fx.event(seriesId);
      const res = await upload(other, Buffer.from('Place,Name\n1,Dee Lee\n'), 'draft.csv', { category: 'U14 Boys', state: 'DRAFT' }).expect(200);
      expect(res.body.categories[0].warnings).toEqual([expect.stringMatching(DRAFT_WARNING)]);
    });
  });

  describe('audit rows of each write', () => {
    it('create, replace (counts and keys), add, patch (fields before and after, X-Reason), delete', async () => {
      const eventId = await fx.event(seriesId);
      const mark = await auditMark(t);
      const setId = (await t.http().post(`/api/events/${eventId}/result-sets`).set(ALICE).send({ category: 'U14 Boys', state: 'PROVISIONAL' }).expect(201)).body.id;
      const first = await t.http().put(`/api/result-sets/${setId}/results`).set(ALICE).send([
        rider('Ann', 'Lee', { position: 1 }), rider('Bo', 'Chen', { position: 2 }), rider('Cy', 'Diaz', { position: 3 }),
      ]).expect(200);
      const id = (name: string) => first.body.results.find((r: { participant: { firstName: string } }) => r.participant.firstName === name).participant.id;
      await t.http().put(`/api/result-sets/${setId}/results`).set(ALICE).send([
        rider('Ann', 'Lee', { position: 2 }), rider('Bo', 'Chen', { position: 1 }), rider('Di', 'Evans', { status: 'DNF' }),
      ]).expect(200);
      const added = await t.http().post(`/api/result-sets/${setId}/results`).set(ALICE).send(rider('Eve', 'Fox', { position: 3, custom1: 'Hillside' })).expect(201);
      await t.http().patch(`/api/results/${added.body.id}`).set(ALICE).set('X-Reason', 'Photo finish reviewed').send({ position: 4, bib: '12' }).expect(200);
      await t.http().delete(`/api/results/${added.body.id}`).set(ALICE).set('X-Reason', 'Entered twice').expect(204);

      const rows = await auditSince(t, mark);
      expect(rows.map((r) => [r.actor, r.action, r.entity])).toEqual([
        ['alice', 'result_set.create', 'result_set'],
        ['alice', 'result_set.replace_rows', 'result_set'],
        ['alice', 'result_set.replace_rows', 'result_set'],
        ['alice', 'result.create', 'result'],
        ['alice', 'result.update', 'result'],
        ['alice', 'result.delete', 'result'],
      ]);
      expect(rows[0]).toMatchObject({ entity_id: String(setId), changes: { after: { eventId, category: 'U14 Boys', state: 'PROVISIONAL' } } });
      expect(rows[1].changes).toMatchObject({ counts: { before: 0, after: 3, added: 3, removed: 0, changed: 0 } });
      // Not the whole set: the riders' keys, and for a changed row which fields changed.
      const di = (await t.http().get(`/api/result-sets/${setId}`).set(AUTH).expect(200)).body.results.find((r: { participant: { firstName: string } }) => r.participant.firstName === 'Di').participant.id;
      expect(rows[2].changes).toEqual({
        counts: { before: 3, after: 3, added: 1, removed: 1, changed: 2 },
        added: [{ participantId: di, name: 'Di Evans' }],
        removed: [{ participantId: id('Cy'), name: 'Cy Diaz' }],
        changed: expect.arrayContaining([
          { participantId: id('Ann'), name: 'Ann Lee', fields: ['position'] },
          { participantId: id('Bo'), name: 'Bo Chen', fields: ['position'] },
        ]),
      });
      expect(rows[3]).toMatchObject({ entity_id: String(added.body.id), changes: { resultSetId: setId, after: { name: 'Eve Fox', position: 3, status: 'FIN', custom1: 'Hillside' } } });
      expect(rows[4]).toMatchObject({
        entity_id: String(added.body.id), reason: 'Photo finish reviewed',
        changes: { resultSetId: setId, before: { position: 3, bib: null }, after: { position: 4, bib: '12' } },
      });
      expect(rows[5]).toMatchObject({ reason: 'Entered twice', changes: { resultSetId: setId, before: { name: 'Eve Fox', position: 4, bib: '12' } } });
    });

    it('a transition records the states before and after with the body\'s reason; a revision with its own', async () => {
      const setId = await fx.resultSet(await fx.event(seriesId), 'U14 Boys');
      await fx.replaceRows(setId, [rider('Ann', 'Lee', { position: 1 })]);
      const mark = await auditMark(t);
      await t.http().post(`/api/result-sets/${setId}/transitions`).set(ALICE).set('X-Reason', 'header loses').send({ to: 'APPROVED', reason: 'Results signed off by the commissaire' }).expect(200);
      const revision = await t.http().post(`/api/result-sets/${setId}/revisions`).set(ALICE).send({ reason: 'Protest upheld' }).expect(201);
      await t.http().post(`/api/result-sets/${revision.body.id}/transitions`).set(ALICE).set('X-Reason', encodeURIComponent('Zoë\'s protest')).send({ to: 'APPROVED' }).expect(200);
      // Already APPROVED: nothing changes, nothing is recorded.
      await t.http().post(`/api/result-sets/${revision.body.id}/transitions`).set(ALICE).send({ to: 'APPROVED' }).expect(200);
      expect(await auditSince(t, mark)).toEqual([
        { actor: 'alice', action: 'result_set.transition', entity: 'result_set', entity_id: String(setId), reason: 'Results signed off by the commissaire', changes: { before: { state: 'PROVISIONAL' }, after: { state: 'APPROVED' } } },
        { actor: 'alice', action: 'result_set.revise', entity: 'result_set', entity_id: String(setId), reason: 'Protest upheld', changes: { after: { revisionId: revision.body.id } } },
        { actor: 'alice', action: 'result_set.transition', entity: 'result_set', entity_id: String(revision.body.id), reason: 'Zoë\'s protest', changes: { before: { state: 'DRAFT' }, after: { state: 'APPROVED' }, replaced: setId } },
      ]);
    });

    it('refuses a bad reason in the body with 400 naming it, writing nothing', async () => {
      const setId = await fx.resultSet(await fx.event(seriesId), 'U14 Boys');
      const mark = await auditMark(t);
      const res = await t.http().post(`/api/result-sets/${setId}/transitions`).set(AUTH).send({ to: 'DRAFT', reason: 'x'.repeat(501) }).expect(400);
      expect(JSON.stringify(res.body)).toContain('reason');
      await t.http().post(`/api/result-sets/${setId}/revisions`).set(AUTH).send({ reason: 'a\u0000b' }).expect(400);
      expect(await auditSince(t, mark)).toEqual([]);
    });

    it('a refused or rolled-back write leaves no audit row and nothing else', async () => {
      const eventId = await fx.event(seriesId);
      const setId = await fx.resultSet(eventId, 'U14 Boys');
      await fx.replaceRows(setId, [rider('Rolf', 'Back', { position: 1, participant: { firstName: 'Rolf', lastName: 'Back', externalId: 'AUD-1' } })]);
      await fx.transition(setId, 'APPROVED');
      const mark = await auditMark(t);
      const version = await outboxVersion(t, boardId);
      recorder.clear();
      // 409s: an APPROVED set cannot go back, nor be edited.
      await t.http().post(`/api/result-sets/${setId}/transitions`).set(AUTH).send({ to: 'DRAFT' }).expect(409);
      await t.http().put(`/api/result-sets/${setId}/results`).set(AUTH).send([rider('X', 'Y')]).expect(409);
      // A 409 from the database after rows were written in the transaction (one rider twice).
      const draft = await fx.resultSet(await fx.event(seriesId), 'U14 Boys');
      const draftMark = await auditMark(t);
      await t.http().put(`/api/result-sets/${draft}/results`).set(AUTH).send([
        rider('Rolf', 'Back', { participant: { firstName: 'Rolf', lastName: 'Back', externalId: 'AUD-1' } }), rider('Rolf', 'Back'),
      ]).expect(409);
      // A 422 import: every row checked, nothing written.
      await upload(eventId, Buffer.from('Place,Name\nfirst,Ann Lee\n'), 'bad.csv', { category: 'U14 Boys' }).expect(422);
      expect((await auditSince(t, mark)).map((r) => r.action)).toEqual(['event.create', 'result_set.create']);
      expect(await auditSince(t, draftMark)).toEqual([]);
      const [{ n }] = await t.db.query('SELECT count(*)::int AS n FROM race_result WHERE result_set_id = $1', [draft]);
      expect(n).toBe(0);
      expect(await outboxVersion(t, boardId)).toBe(version + 1);
      expect(recorder.events.map((e) => e.reason)).toEqual(['RESULTS_CREATED']);
    });
  });

  describe('writes that change nothing', () => {
    it('a PUT of the same rows: no mark, no change event, no audit row, the very same row ids', async () => {
      const setId = await fx.resultSet(await fx.event(seriesId), 'U14 Boys');
      const rows = [rider('Ann', 'Lee', { position: 1, custom1: 'Hillside' }), rider('Bo', 'Chen', { status: 'DNF' })];
      const first = await t.http().put(`/api/result-sets/${setId}/results`).set(AUTH).send(rows).expect(200);
      const version = await outboxVersion(t, boardId);
      const mark = await auditMark(t);
      recorder.clear();
      const again = await t.http().put(`/api/result-sets/${setId}/results`).set(AUTH).send(rows).expect(200);
      expect(again.body.results).toEqual(first.body.results);
      expect(await outboxVersion(t, boardId)).toBe(version);
      expect(recorder.events).toHaveLength(0);
      expect(await auditSince(t, mark)).toEqual([]);
      // A PATCH that sets what is there already is no change either.
      await t.http().patch(`/api/results/${first.body.results[0].id}`).set(AUTH).send({ position: 1, custom1: 'Hillside' }).expect(200);
      expect(await auditSince(t, mark)).toEqual([]);
      expect(recorder.events).toHaveLength(0);
      expect(await outboxVersion(t, boardId)).toBe(version);
    });

    it('an identical file re-imported marks nothing, publishes nothing, and records one audit row saying nothing changed', async () => {
      const eventId = await fx.event(seriesId);
      const file = Buffer.from('Place,Name,School\n1,Ann Lee,Hillside\n2,Bo Chen,Riverside\n,Cy Diaz,Hillside\n');
      const mark = await auditMark(t);
      const first = await upload(eventId, file, 'round.csv', { category: 'U14 Boys' }).expect(200);
      expect(first.body).toMatchObject({ changed: true, leaderboardIds: [boardId] });
      const version = await outboxVersion(t, boardId);
      recorder.clear();
      const second = await upload(eventId, file, 'round (1).csv', { category: 'U14 Boys' }).expect(200);
      expect(second.body).toMatchObject({ changed: false, leaderboardIds: [], rows: 3 });
      expect(second.body.categories[0]).toMatchObject({ action: 'replaced', resultSetId: first.body.categories[0].resultSetId });
      expect(await outboxVersion(t, boardId)).toBe(version);
      expect(recorder.events).toHaveLength(0);

      const sha256 = createHash('sha256').update(file).digest('hex');
      const setId = first.body.categories[0].resultSetId;
      expect(await auditSince(t, mark)).toEqual([
        {
          actor: 'alice', action: 'event.import', entity: 'event', entity_id: String(eventId), reason: null,
          changes: {
            file: { name: 'round.csv', size: file.length, sha256, format: 'csv' }, rows: 3, changed: true,
            sets: [{ resultSetId: setId, category: 'U14 Boys', action: 'created', state: 'PROVISIONAL', rows: 3, changed: true }], leaderboardIds: [boardId],
          },
        },
        {
          actor: 'alice', action: 'event.import', entity: 'event', entity_id: String(eventId), reason: null,
          changes: {
            file: { name: 'round (1).csv', size: file.length, sha256, format: 'csv' }, rows: 3, changed: false,
            sets: [{ resultSetId: setId, category: 'U14 Boys', action: 'replaced', state: 'PROVISIONAL', rows: 3, changed: false }], leaderboardIds: [],
          },
        },
      ]);

      // Each kind of real change is seen: a place, a rider dropped, a rider's group, a state.
      const changes: [string, Record<string, string>][] = [
        ['Place,Name,School\n2,Ann Lee,Hillside\n1,Bo Chen,Riverside\n,Cy Diaz,Hillside\n', {}],
        ['Place,Name,School\n2,Ann Lee,Hillside\n1,Bo Chen,Riverside\n', {}],
        ['Place,Name,School\n2,Ann Lee,Riverside\n1,Bo Chen,Riverside\n', {}],
        ['Place,Name,School\n2,Ann Lee,Riverside\n1,Bo Chen,Riverside\n', { state: 'DRAFT' }],
      ];
      for (const [csv, fields] of changes) {
        recorder.clear();
        const res = await upload(eventId, Buffer.from(csv), 'fix.csv', { category: 'U14 Boys', ...fields }).expect(200);
        expect(res.body.changed).toBe(true);
        expect(recorder.events).toHaveLength(1);
      }
    });

    it('a licensed rider renamed by a re-import is a change', async () => {
      const eventId = await fx.event(seriesId);
      await upload(eventId, Buffer.from('Place,Licence,Name\n1,REN-1,Ann Lee\n'), 'a.csv', { category: 'U14 Boys' }).expect(200);
      const res = await upload(eventId, Buffer.from('Place,Licence,Name\n1,REN-1,Anne Lee\n'), 'b.csv', { category: 'U14 Boys' }).expect(200);
      expect(res.body.changed).toBe(true);
    });
  });

  describe('GET /api/events/:id/result-sets', () => {
    it('lists every set for admins, the published ones for the public, oldest first and paged', async () => {
      const eventId = await fx.event(seriesId);
      const boys = await fx.resultSet(eventId, 'U14 Boys');
      await fx.replaceRows(boys, [rider('Ann', 'Lee', { position: 1 }), rider('Bo', 'Chen', { position: 2 })]);
      const girls = await fx.resultSet(eventId, 'U14 Girls', 'DRAFT');
      await fx.transition(boys, 'APPROVED');
      const revision = (await t.http().post(`/api/result-sets/${boys}/revisions`).set(AUTH).expect(201)).body.id;
      const deleted = await fx.resultSet(eventId, 'U16 Boys');
      await fx.transition(deleted, 'DELETED');
      await fx.transition(revision, 'APPROVED');

      const admin = await t.http().get(`/api/events/${eventId}/result-sets`).set(AUTH).expect(200);
      expect(admin.body).toMatchObject({ total: 4, offset: 0, limit: 50 });
      expect(admin.body.items.map((s: { id: number; state: string }) => [s.id, s.state])).toEqual([
        [boys, 'REPLACED'], [girls, 'DRAFT'], [revision, 'APPROVED'], [deleted, 'DELETED'],
      ]);
      expect(admin.body.items[0]).toEqual({
        id: boys, eventId, category: 'U14 Boys', state: 'REPLACED', replacesId: null, replacedById: revision, rows: 2, updatedAt: expect.any(String),
      });
      expect(admin.body.items[2]).toMatchObject({ replacesId: boys, replacedById: null, rows: 2 });

      // The public: the published sets only, a replaced one included (it was published).
      const open = await t.http().get(`/api/events/${eventId}/result-sets`).expect(200);
      expect(open.body).toMatchObject({ total: 2 });
      expect(open.body.items.map((s: { id: number }) => s.id)).toEqual([boys, revision]);

      const page = await t.http().get(`/api/events/${eventId}/result-sets?offset=1&limit=2`).set(AUTH).expect(200);
      expect(page.body).toMatchObject({ total: 4, offset: 1, limit: 2 });
      expect(page.body.items.map((s: { id: number }) => s.id)).toEqual([girls, revision]);
    });

    it('answers 404 for an unknown event and 400 for a bad page', async () => {
      await t.http().get('/api/events/999999/result-sets').expect(404);
      const bad = await t.http().get(`/api/events/${await fx.event(seriesId)}/result-sets?limit=501&offset=-1`).set(AUTH).expect(400);
      expect(JSON.stringify(bad.body)).toMatch(/limit/);
      expect(JSON.stringify(bad.body)).toMatch(/offset/);
    });
  });

  it('documents the list, the warnings, the body reasons and the import\'s changed flag in the OpenAPI', async () => {
    const doc = (await t.http().get('/api/docs-json').expect(200)).body;
    const list = doc.paths['/api/events/{id}/result-sets'].get;
    expect(list.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['id', 'offset', 'limit']));
    const schemas = doc.components.schemas;
    expect(schemas.ResultSetPage.properties).toHaveProperty('items');
    expect(schemas.ResultSetSummaryView.properties).toHaveProperty('rows');
    for (const view of ['ResultSetView', 'ResultRowView']) {
      expect(schemas[view].properties.warnings).toMatchObject({ type: 'array', example: expect.arrayContaining([expect.stringMatching(DRAFT_WARNING)]) });
    }
    expect(schemas.TransitionDto.properties.reason).toMatchObject({ maxLength: 500 });
    expect(schemas.RevisionDto.properties.reason).toMatchObject({ maxLength: 500 });
    expect(schemas.ImportReportView.properties.changed).toMatchObject({ type: 'boolean' });
  });

  describe('npm run import', () => {
    let dir: string;
    beforeAll(async () => (dir = await mkdtemp(join(tmpdir(), 'podium-audit-'))));
    afterAll(() => rm(dir, { recursive: true, force: true }));

    it('records the import with the actor cli:<os user> and the file\'s name', async () => {
      const eventId = await fx.event(seriesId);
      const file = join(dir, 'round-7.csv');
      const content = 'Place,Name\n1,Cli Ann\n2,Cli Bo\n';
      await writeFile(file, content);
      const mark = await auditMark(t);
      const script = join(__dirname, '..', '..', 'src', 'cli', 'import.ts');
      await promisify(execFile)(process.execPath, ['-r', 'ts-node/register/transpile-only', script, '--event', String(eventId), '--category', 'U14 Boys', file], {
        cwd: join(__dirname, '..', '..'),
        env: { ...process.env, ...t.sandbox.env },
      });
      const [row] = await auditSince(t, mark);
      expect(row).toMatchObject({
        actor: `cli:${userInfo().username}`, action: 'event.import', entity: 'event', entity_id: String(eventId),
        changes: { file: { name: 'round-7.csv', size: Buffer.byteLength(content), sha256: createHash('sha256').update(content).digest('hex') }, rows: 2, changed: true },
      });
    }, 60_000);
  });

  it('the audit rows of a season\'s workflow read like a story: results, an event made double points, a merge', async () => {
    const eventId = await fx.event(seriesId, { name: 'Story round' });
    const mark = await auditMark(t);
    const story: string[] = [];

    // Alice opens the category, imports the timing file, fixes a place with a reason, approves.
    const setId = (await t.http().post(`/api/events/${eventId}/result-sets`).set(ALICE).send({ category: 'U14 Boys', state: 'PROVISIONAL' }).expect(201)).body.id;
    story.push(`alice result_set.create result_set ${setId}`);
    const imported = await upload(eventId, Buffer.from('Place,Name\n1,Sam Ash\n2,Tia Birch\n3,Uma Cole\n'), 'story.csv', { category: 'U14 Boys' }).expect(200);
    expect(imported.body.categories[0].resultSetId).toBe(setId);
    story.push(`alice event.import event ${eventId}`);
    const rows = (await t.http().get(`/api/result-sets/${setId}`).set(AUTH).expect(200)).body.results;
    const uma = rows.find((r: { participant: { firstName: string } }) => r.participant.firstName === 'Uma');
    await t.http().patch(`/api/results/${uma.id}`).set(ALICE).set('X-Reason', 'Finish photo: Uma was 3rd= with Tia').send({ position: 2 }).expect(200);
    story.push(`alice result.update result ${uma.id}`);
    await t.http().post(`/api/result-sets/${setId}/transitions`).set(ALICE).send({ to: 'APPROVED', reason: 'Signed off' }).expect(200);
    story.push(`alice result_set.transition result_set ${setId}`);

    // Next morning the other admin revises, fixes and publishes the revision.
    const revision = (await t.http().post(`/api/result-sets/${setId}/revisions`).set(AUTH).send({ reason: 'Parent query about Tia' }).expect(201)).body.id;
    story.push(`key#1 result_set.revise result_set ${setId}`);
    const tia = (await t.http().get(`/api/result-sets/${revision}`).set(AUTH).expect(200)).body.results.find((r: { participant: { firstName: string } }) => r.participant.firstName === 'Tia');
    await t.http().patch(`/api/results/${tia.id}`).set(AUTH).set('X-Reason', 'Timing chip misread').send({ position: 3 }).expect(200);
    story.push(`key#1 result.update result ${tia.id}`);
    await t.http().post(`/api/result-sets/${revision}/transitions`).set(AUTH).send({ to: 'APPROVED', reason: 'Corrected' }).expect(200);
    story.push(`key#1 result_set.transition result_set ${revision}`);

    // A manual recalculation, to see the corrected standings at once.
    await t.http().post(`/api/leaderboards/${boardId}/recalculate`).set(ALICE).expect(202);
    story.push(`alice recalculation.request leaderboard ${boardId}`);

    // The round is made double points after the fact.
    await t.http().patch(`/api/events/${eventId}`).set(ALICE).set('X-Reason', 'Championship round').send({ pointsMultiplier: 2 }).expect(200);
    story.push(`alice event.update event ${eventId}`);

    // Round 2 types Sam's name another way; the other admin merges the duplicate into Sam.
    const round2 = (await t.http().post(`/api/series/${seriesId}/events`).set(AUTH).send({ name: 'Story round 2', date: '2026-06-06' }).expect(201)).body.id;
    story.push(`key#1 event.create event ${round2}`);
    const set2 = (await t.http().post(`/api/events/${round2}/result-sets`).set(AUTH).send({ category: 'U14 Boys', state: 'PROVISIONAL' }).expect(201)).body.id;
    story.push(`key#1 result_set.create result_set ${set2}`);
    await t.http().put(`/api/result-sets/${set2}/results`).set(AUTH).send([rider('Samuel', 'Ash', { position: 1 })]).expect(200);
    story.push(`key#1 result_set.replace_rows result_set ${set2}`);
    const samIds = (await t.http().get('/api/participants?q=ash').set(AUTH).expect(200)).body.items
      .map((p: { id: number; firstName: string }) => ({ id: p.id, firstName: p.firstName }));
    const sam = samIds.find((p: { firstName: string }) => p.firstName === 'Sam').id;
    const samuel = samIds.find((p: { firstName: string }) => p.firstName === 'Samuel').id;
    await t.http().post(`/api/participants/${samuel}/merge`).set(AUTH).send({ intoId: sam, reason: 'Same rider, typed two ways' }).expect(200);
    story.push(`key#1 participant.merge participant ${samuel}`);

    const told = await auditSince(t, mark);
    expect(told.map((r) => `${r.actor} ${r.action} ${r.entity} ${r.entity_id}`)).toEqual(story);
    expect(told.map((r) => r.reason)).toEqual([
      null, null, 'Finish photo: Uma was 3rd= with Tia', 'Signed off', 'Parent query about Tia', 'Timing chip misread', 'Corrected', null,
      'Championship round', null, null, null, 'Same rider, typed two ways',
    ]);
    expect(told[8].changes).toMatchObject({ before: { pointsMultiplier: 1 }, after: { pointsMultiplier: 2 } });
    expect(JSON.stringify(told[12].changes)).toContain(String(sam));
    expect(told[2].changes).toMatchObject({ before: { position: 3 }, after: { position: 2 } });
    expect(told[4].changes).toEqual({ after: { revisionId: revision } });
    expect(told[6].changes).toEqual({ before: { state: 'DRAFT' }, after: { state: 'APPROVED' }, replaced: setId });
    // The same story through the API, newest first, for the event's set.
    const api = await t.http().get(`/api/audit?entity=result_set&entityId=${setId}`).set(AUTH).expect(200);
    expect(api.body.items.map((r: { action: string }) => r.action)).toEqual(['result_set.revise', 'result_set.transition', 'result_set.create']);
  });
});

describe('audit retention', () => {
  // The retention schedule is written once at start through the producer connection, whose
  // 500 ms command timeout a loaded test machine can exceed (the schedule is then missing).
  const slowRedis = { REDIS_COMMAND_TIMEOUT_MS: '5000' };
  const ago = (days: number) => new Date(Date.now() - days * 86_400_000);
  const seed = async (t: TestApp) => {
    for (const [label, days] of [['old', 400], ['older', 800], ['recent', 5]] as const) {
      await t.db.query(`INSERT INTO audit_log (at, actor, action, entity, entity_id) VALUES ($1, 'alice', 'series.update', 'series', $2)`, [ago(days), label]);
    }
  };
  const left = async (t: TestApp) => (await t.db.query(`SELECT entity_id FROM audit_log WHERE actor = 'alice' ORDER BY id`)).map((r: { entity_id: string }) => r.entity_id);

  it('keeps every audit row by default, while the retention job deletes other old history', async () => {
    const t = await startTestApp({ ...slowRedis, RETENTION_DAYS: '1', RETENTION_INTERVAL_MS: '200' });
    try {
      await seed(t);
      // Proof the job ran meanwhile: old finished runs (other than the board's latest) go.
      const fx = new Fixtures(t);
      const seriesId = await fx.series();
      const scaleId = await fx.scale();
      const board = await fx.leaderboard({ seriesId, name: 'R', type: 'INDIVIDUAL', pointsScaleId: scaleId, categories: ['C'] });
      await t.db.query(`INSERT INTO recalc_run (leaderboard_id, job_id, trigger, status, queued_at, finished_at) VALUES ($1, 'old-1', 'MANUAL', 'completed', $2, $2), ($1, 'old-2', 'MANUAL', 'completed', $2, $2)`, [board, ago(10)]);
      await eventually(async () => (await t.db.query(`SELECT 1 FROM recalc_run WHERE job_id = 'old-1'`)).length === 0, 20_000);
      expect(await left(t)).toEqual(['old', 'older', 'recent']);
    } finally {
      await t.close();
    }
  }, 60_000);

  it('deletes audit rows older than AUDIT_RETENTION_DAYS, and only those', async () => {
    const t = await startTestApp({ ...slowRedis, AUDIT_RETENTION_DAYS: '365', RETENTION_DAYS: '0', RETENTION_INTERVAL_MS: '200', RETENTION_BATCH_SIZE: '1' });
    try {
      await seed(t);
      await eventually(async () => (await left(t)).length === 1, 20_000);
      expect(await left(t)).toEqual(['recent']);
    } finally {
      await t.close();
    }
  }, 60_000);
});
