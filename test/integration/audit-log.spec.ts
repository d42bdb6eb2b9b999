import { DataSource } from 'typeorm';
import { AuditTrail } from '../../src/audit/audit-trail';
import { TransactionRunner } from '../../src/common/database/transaction-runner';
import { ADMIN_KEY, AUTH, startTestApp, TestApp } from '../support/test-app';

const ALICE_KEY = 'alice-key-0123456789abcdef';

describe('audit log: actors, reasons, request ids and the list', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ ADMIN_API_KEYS: `${ADMIN_KEY},alice:${ALICE_KEY}` });
  });
  afterAll(() => t.close());

  const auditRows = (db: DataSource) => db.query(`SELECT actor, action, entity, entity_id, changes, reason FROM audit_log ORDER BY id`);

  it('names the holder of a named key, and an unnamed key by its position', async () => {
    await t.http().get('/api/me').set({ Authorization: `Bearer ${ALICE_KEY}` }).expect(200, { actor: 'alice', named: true });
    await t.http().get('/api/me').set(AUTH).expect(200, { actor: 'key#1', named: false });
    await t.http().get('/api/me').expect(401);
  });

  it('answers every request with its id, keeping a plain id the caller sent', async () => {
    const own = await t.http().get('/api/me').set(AUTH).set('X-Request-Id', 'desk-42').expect(200);
    expect(own.headers['x-request-id']).toBe('desk-42');
    const hostile = await t.http().get('/api/me').set(AUTH).set('X-Request-Id', 'x'.repeat(300)).expect(200);
    expect(hostile.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses a reason that is too long or holds control characters, before anything runs', async () => {
    const long = await t.http().get('/api/me').set(AUTH).set('X-Reason', 'x'.repeat(501)).expect(400);
    expect(long.body.message).toMatch(/X-Reason is at most 500 characters/);
    await t.http().get('/api/me').set(AUTH).set('X-Reason', encodeURIComponent('a\nb')).expect(400);
  });

  it('records in the change\'s transaction: a rolled-back change leaves no row', async () => {
    const trail = t.app.get(AuditTrail);
    const tx = t.app.get(TransactionRunner);
    await tx.run(({ manager }) => trail.record(manager, { action: 'series.update', entity: 'series', entityId: 7, changes: { before: { name: 'A' }, after: { name: 'B' } }, actor: 'cli:ops' }));
    await expect(
      tx.run(async ({ manager }) => {
        await trail.record(manager, { action: 'series.update', entity: 'series', entityId: 8 });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await auditRows(t.db)).toEqual([
      { actor: 'cli:ops', action: 'series.update', entity: 'series', entity_id: '7', changes: { before: { name: 'A' }, after: { name: 'B' } }, reason: null },
    ]);
    // Outside a request and without a named actor, the row says so rather than guessing.
    await tx.run(({ manager }) => trail.record(manager, { action: 'series.create', entity: 'series', entityId: 9 }));
    const [last] = (await auditRows(t.db)).slice(-1);
    expect(last.actor).toBe('system');
  });

  it('records a change made over HTTP with its key holder, reason and request id', async () => {
    const created = await t.http()
      .post('/api/series')
      .set({ Authorization: `Bearer ${ALICE_KEY}`, 'X-Reason': encodeURIComponent('New season: Zoë asked'), 'X-Request-Id': 'req-series-1' })
      .send({ name: 'Spring League', season: '2026' })
      .expect(201);
    const [row] = await t.db.query(`SELECT actor, action, entity, entity_id, changes, reason, request_id FROM audit_log WHERE entity_id = $1 AND entity = 'series'`, [String(created.body.id)]);
    expect(row).toEqual({
      actor: 'alice',
      action: 'series.create',
      entity: 'series',
      entity_id: String(created.body.id),
      changes: { after: expect.objectContaining({ name: 'Spring League', season: '2026' }) },
      reason: 'New season: Zoë asked',
      request_id: 'req-series-1',
    });
    await t.db.query(`DELETE FROM audit_log WHERE request_id = 'req-series-1'`);
  });

  it('lists newest first, filtered and paged, for admins only', async () => {
    await t.http().get('/api/audit').expect(401);
    const all = await t.http().get('/api/audit').set(AUTH).expect(200);
    expect(all.body).toMatchObject({ total: 2, offset: 0, limit: 50 });
    expect(all.body.items.map((row: { entityId: string }) => row.entityId)).toEqual(['9', '7']);
    expect(all.body.items[1]).toMatchObject({ actor: 'cli:ops', action: 'series.update', entity: 'series', reason: null, requestId: null });
    expect(Date.parse(all.body.items[0].at)).not.toBeNaN();

    const byActor = await t.http().get('/api/audit?actor=cli:ops').set(AUTH).expect(200);
    expect(byActor.body.items.map((row: { entityId: string }) => row.entityId)).toEqual(['7']);
    const byEntity = await t.http().get('/api/audit?entity=series&entityId=9').set(AUTH).expect(200);
    expect(byEntity.body.total).toBe(1);
    const future = await t.http().get('/api/audit?since=2999-01-01T00:00:00Z').set(AUTH).expect(200);
    expect(future.body).toMatchObject({ total: 0, items: [] });
    const second = await t.http().get('/api/audit?offset=1&limit=1').set(AUTH).expect(200);
    expect(second.body.items.map((row: { entityId: string }) => row.entityId)).toEqual(['7']);
  });

  it('answers bad filters with 400 naming them', async () => {
    const res = await t.http().get('/api/audit?entity=planet&since=yesterday&limit=501').set(AUTH).expect(400);
    const text = JSON.stringify(res.body);
    for (const field of ['entity', 'since', 'limit']) expect(text).toContain(field);
  });
});
