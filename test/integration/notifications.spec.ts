import { request as httpRequest } from 'node:http';
import { AddressInfo } from 'node:net';
import { FailureMailScheduler } from '../../src/notifications/mail/failure-mail.scheduler';
import { Fixtures, rider } from '../support/fixtures';
import { startSmtp, TestSmtp } from '../support/smtp';
import { runsOf, settled, standingsState } from '../support/sync';
import { AUTH, eventually, startTestApp, TestApp } from '../support/test-app';

const PUBLIC_URL = 'http://podium.test';

describe('failure notifications: e-mail, retry links, UI notifications', () => {
  let smtp: TestSmtp;
  let t: TestApp;
  let fx: Fixtures;
  let seriesId: number;
  let scaleId: number;

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await startTestApp({
      SMTP_URL: smtp.url,
      ADMIN_EMAILS: 'ops@club.example,chair@club.example',
      MAIL_FROM: 'Podium <podium@club.example>',
      MAIL_INTERVAL_MS: '200',
      PUBLIC_URL,
      RECALC_DEBOUNCE_MS: '200',
      RECALC_MAX_WAIT_MS: '1000',
      RECALC_SWEEP_INTERVAL_MS: '300',
    });
    fx = new Fixtures(t);
    seriesId = await fx.series({ name: 'Spring Cup' });
    scaleId = await fx.scale({ name: 'Top 3', kind: 'TABLE', table: [10, 6, 3] });
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  async function forceFailures(on: boolean): Promise<void> {
    if (on) {
      await t.db.query(`CREATE OR REPLACE FUNCTION podium_test_fail() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'forced failure for the test'; END $$`);
      await t.db.query(`CREATE OR REPLACE TRIGGER podium_test_fail BEFORE INSERT OR UPDATE ON race_result
        FOR EACH ROW WHEN (NEW.group_key IS NOT NULL) EXECUTE FUNCTION podium_test_fail()`);
    } else {
      await t.db.query('DROP TRIGGER IF EXISTS podium_test_fail ON race_result');
    }
  }

  /** A board whose next recalculation fails (for real, in the database); returns once it has. */
  async function failingBoard(name: string): Promise<number> {
    const boardId = await fx.leaderboard({ seriesId, name, type: 'INDIVIDUAL', pointsScaleId: scaleId, categories: [name] });
    const setId = await fx.resultSet(await fx.event(seriesId, { name: `Race for ${name}` }), name);
    await fx.replaceRows(setId, [rider('Ann', 'Lee', { position: 1 }), rider('Bo', 'Chen', { position: 2 })]);
    await settled(t, boardId);
    await forceFailures(true);
    try {
      await fx.replaceRows(setId, [rider('Bo', 'Chen', { position: 1 }), rider('Ann', 'Lee', { position: 2 })]);
      await eventually(async () => (await standingsState(t, boardId))?.state === 'F');
    } finally {
      await forceFailures(false);
    }
    return boardId;
  }

  const mailsFor = (board: string) => smtp.messages.filter((m) => m.subject?.includes(board));
  const tokenOf = (text: string) => /\/admin\/retry\?token=([A-Za-z0-9_-]+)/.exec(text)![1];

  it('a failure sends exactly one e-mail with the facts and a working retry link', async () => {
    const boardId = await failingBoard('Mail board');
    await eventually(async () => mailsFor('Mail board').length === 1);
    // More ticks send nothing more.
    const task = t.app.get(FailureMailScheduler);
    for (let i = 0; i < 3; i++) await task.tick();
    const mails = mailsFor('Mail board');
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    expect(mail.subject).toBe('[Podium] Recalculation failed: Mail board (Spring Cup)');
    expect(mail.from?.value[0]).toMatchObject({ name: 'Podium', address: 'podium@club.example' });
    expect((mail.to as { text: string }).text).toBe('ops@club.example, chair@club.example');
    for (const part of ['Leaderboard: Mail board', 'Series: Spring Cup', 'Event: Race for Mail board', 'forced failure for the test', 'Last good standings: 20']) {
      expect(mail.text).toContain(part);
    }
    expect(mail.html).toContain('<a href="http://podium.test/admin/retry?token=');
    const token = tokenOf(mail.text!);

    // GET shows a confirmation page and changes nothing.
    const runsBefore = (await runsOf(t, boardId)).length;
    const page = await t.http().get(`/admin/retry?token=${token}`).expect(200);
    expect(page.text).toContain('Mail board');
    expect(page.text).toContain('<form method="post"');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect((await runsOf(t, boardId)).length).toBe(runsBefore);
    const [{ used_at: usedAt }] = await t.db.query('SELECT used_at FROM retry_token');
    expect(usedAt).toBeNull();

    // POST retries; the standings return to the state they failed from.
    const done = await t.http().post('/admin/retry').type('form').send({ token }).expect(202);
    expect(done.text).toContain('Recalculation queued');
    await eventually(async () => (await standingsState(t, boardId))?.state === 'P');
    expect((await runsOf(t, boardId)).at(-1)).toMatchObject({ trigger: 'RETRY', status: 'completed' });

    // Replayed, the link is gone; tampered, it is unknown.
    await t.http().post('/admin/retry').type('form').send({ token }).expect(410);
    await t.http().get(`/admin/retry?token=${token}`).expect(410);
    const tampered = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    await t.http().get(`/admin/retry?token=${tampered}`).expect(404);
    await t.http().post('/admin/retry').type('form').send({ token: 'nonsense' }).expect(404);
  });

  it('an expired link answers 410', async () => {
    await failingBoard('Expiry board');
    await eventually(async () => mailsFor('Expiry board').length === 1);
    const token = tokenOf(mailsFor('Expiry board')[0].text!);
    // The mail goes out before its transaction commits the token: wait until the row is visible.
    await eventually(async () => (await t.db.query('SELECT 1 FROM retry_token WHERE used_at IS NULL')).length > 0);
    // Time passes: the token's expiry is now behind us.
    await t.db.query(`UPDATE retry_token SET expires_at = now() - interval '1 second' WHERE used_at IS NULL`);
    const res = await t.http().get(`/admin/retry?token=${token}`).expect(410);
    expect(res.text).toContain('expired');
    await t.http().post('/admin/retry').type('form').send({ token }).expect(410);
  });

  it('the retry link works as soon as the e-mail arrives: its token is committed before the send', async () => {
    const unusedTokens: number[] = [];
    // Asked while the SMTP server holds the message, before it answers the sender.
    smtp.onMessage = async (mail) => {
      if (!mail.subject?.includes('Token first')) return;
      const [{ n }] = await t.db.query(
        `SELECT count(*)::int AS n FROM retry_token r JOIN failure_episode e ON e.id = r.episode_id
           JOIN leaderboard l ON l.id = e.leaderboard_id WHERE l.name = 'Token first' AND r.used_at IS NULL`,
      );
      unusedTokens.push(n);
    };
    try {
      await failingBoard('Token first');
      await eventually(async () => mailsFor('Token first').length === 1);
      expect(unusedTokens).toEqual([1]);
    } finally {
      smtp.onMessage = undefined;
    }
  });

  it('two scheduler processes still send exactly one e-mail', async () => {
    const second = await startTestApp({}, t.sandbox);
    try {
      await failingBoard('Two schedulers');
      const tasks = [t.app.get(FailureMailScheduler), second.app.get(FailureMailScheduler)];
      for (let i = 0; i < 5; i++) await Promise.all(tasks.map((task) => task.tick()));
      await eventually(async () => mailsFor('Two schedulers').length >= 1);
      for (let i = 0; i < 3; i++) await Promise.all(tasks.map((task) => task.tick()));
      expect(mailsFor('Two schedulers')).toHaveLength(1);
    } finally {
      await second.app.close();
    }
  });

  it('with SMTP down the e-mail arrives once it is back, once', async () => {
    smtp.accepting = false;
    try {
      const boardId = await failingBoard('SMTP outage');
      await eventually(async () => {
        const [row] = await t.db.query('SELECT email_attempts, last_email_error FROM failure_episode WHERE leaderboard_id = $1', [boardId]);
        return row?.email_attempts >= 1 && row.last_email_error !== null;
      });
      expect(mailsFor('SMTP outage')).toHaveLength(0);
    } finally {
      smtp.accepting = true;
    }
    await eventually(async () => mailsFor('SMTP outage').length === 1, 20_000);
    const task = t.app.get(FailureMailScheduler);
    for (let i = 0; i < 3; i++) await task.tick();
    expect(mailsFor('SMTP outage')).toHaveLength(1);
  });

  it('lists notifications for the admin UI, marks them read, and streams new ones', async () => {
    await t.http().get('/api/notifications').expect(401);
    const all = await t.http().get('/api/notifications').set(AUTH).expect(200);
    const mailBoard = all.body.filter((n: { leaderboardName: string }) => n.leaderboardName === 'Mail board');
    expect(mailBoard.map((n: { kind: string }) => n.kind)).toEqual(['RECOVERY', 'FAILURE']);
    await t.http().post(`/api/notifications/${mailBoard[0].id}/read`).set(AUTH).expect(204);
    const unread = await t.http().get('/api/notifications?unread=true').set(AUTH).expect(200);
    expect(unread.body.map((n: { id: number }) => n.id)).not.toContain(mailBoard[0].id);
    await t.http().post('/api/notifications/999999/read').set(AUTH).expect(404);

    // The live stream pushes the next failure.
    await t.app.listen(0, '127.0.0.1');
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    const received = new Promise<string>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/api/notifications/stream', headers: AUTH }, (res) => {
        let buffer = '';
        res.on('data', (chunk) => {
          buffer += chunk;
          if (buffer.includes('\n\n')) {
            resolve(buffer);
            req.destroy();
          }
        });
      });
      req.on('error', (err) => (err.message.includes('socket hang up') ? undefined : reject(err)));
      req.end();
    });
    await new Promise((resolve) => setTimeout(resolve, 100)); // let the stream subscribe
    await failingBoard('Streamed board');
    const event = await received;
    expect(event).toContain('event: failure');
    expect(event).toContain('forced failure for the test');
  });
});
