import { RecalculationRunner } from '../../src/leaderboards/recalculation/recalculation-runner';
import { Fixtures, rider } from '../support/fixtures';
import { recordingQueries } from '../support/queries';
import { AUTH, startTestApp, TestApp } from '../support/test-app';

/**
 * Public pages that read many boards, each in a fixed number of statements whatever the number of
 * boards: the rider page (/riders/:id: the rider's entry on each board that shows one, as that
 * board's own standings show it to the reader) and the home page (every series with its boards).
 * An API-only app (no worker): each test decides when a board is computed, and the statements
 * sent while a page is read are the page's own.
 */
describe('pages that read many boards', () => {
  let t: TestApp;
  let fx: Fixtures;
  let runs = 0;
  const boards: number[] = [];
  let few: number;
  let many: number;

  const recalculate = async (leaderboardId: number) => {
    const outcome = await t.app.get(RecalculationRunner).run({
      jobId: `rider-page-${process.pid}-${++runs}`, leaderboardId, trigger: 'MANUAL', queuedAt: new Date(), attempt: 1, maxAttempts: 1,
    });
    expect(outcome.kind).toBe('completed');
  };

  beforeAll(async () => {
    t = await startTestApp({ APP_ROLE: 'api' });
    fx = new Fixtures(t);
    const seriesId = await fx.series({ name: 'Rider Page Cup' });
    const scaleId = await fx.scale({ name: 'Top 3', kind: 'TABLE', table: [10, 6, 3] });
    const event = await fx.event(seriesId, { name: 'Round 1' });
    // Six boards of one category each; Max rides in all six, Ria in the first only. The third board's standings are a DRAFT.
    for (let i = 0; i < 6; i++) {
      const category = `Cat ${i}`;
      boards.push(await fx.leaderboard({ seriesId, name: `Board ${i}`, type: 'INDIVIDUAL', pointsScaleId: scaleId, categories: [category], ...(i === 2 ? { initialState: 'DRAFT' } : {}) }));
      await fx.replaceRows(await fx.resultSet(event, category), [
        rider('Max', 'Many', { position: 1 + (i % 3) }),
        ...(i === 0 ? [rider('Ria', 'Few', { position: 2 })] : []),
        rider(`Other${i}`, 'Rider', { position: i % 3 === 0 ? 3 : 1 }),
      ]);
      await recalculate(boards[i]);
    }
    const id = async (first: string) => (await t.db.query('SELECT id FROM participant WHERE first_name = $1', [first]))[0].id as number;
    few = await id('Ria');
    many = await id('Max');
  });
  afterAll(() => t?.close());

  /** A page's HTML, and the statements sent while it was read. */
  async function page(path: string, admin: boolean): Promise<{ text: string; statements: number }> {
    const { result, sent } = await recordingQueries(async () => {
      const request = t.http().get(path);
      return (await (admin ? request.set(AUTH) : request).expect(200)).text;
    });
    return { text: result, statements: sent.length };
  }

  /** The rider page's table rows as [board, rank, points, state], and the statements sent while it was read. */
  async function read(participantId: number, admin: boolean): Promise<{ rows: string[][]; statements: number }> {
    const { text, statements } = await page(`/riders/${participantId}`, admin);
    const rows = [...text.matchAll(/<tr>\s*<td><a[^>]*>[^<]*<\/a><\/td>\s*<th scope="row"><a[^>]*>([^<]*)<\/a><\/th>\s*<td class="num">([^<]*)<\/td>\s*<td class="num">([^<]*)<\/td>\s*<td>([^<]*)<\/td>/g)]
      .map((m) => m.slice(1));
    return { rows, statements };
  }

  /** What each board's own standings say of the rider, to this reader: [board, rank, points, state]. */
  async function fromStandings(participantId: number, admin: boolean): Promise<string[][]> {
    const rows: string[][] = [];
    for (const [i, board] of boards.entries()) {
      const request = t.http().get(`/api/leaderboards/${board}/standings/p:${participantId}`);
      const res = await (admin ? request.set(AUTH) : request);
      if (res.status === 404) continue;
      expect(res.status).toBe(200);
      const state = (admin ? await t.http().get(`/api/leaderboards/${board}/standings?limit=1`).set(AUTH) : await t.http().get(`/api/leaderboards/${board}/standings?limit=1`)).body.state as string;
      rows.push([`Board ${i}`, String(res.body.entry.position), String(res.body.entry.points), state[0] + state.slice(1).toLowerCase()]);
    }
    return rows;
  }

  it('shows the rider on each board as that board\'s standings show them: the public not the DRAFT board, admins every board', async () => {
    const publicView = await read(many, false);
    expect(publicView.rows.map((r) => r[0])).toEqual(['Board 0', 'Board 1', 'Board 3', 'Board 4', 'Board 5']);
    expect(publicView.rows).toEqual(await fromStandings(many, false));
    const adminView = await read(many, true);
    expect(adminView.rows.map((r) => r[0])).toEqual(['Board 0', 'Board 1', 'Board 2', 'Board 3', 'Board 4', 'Board 5']);
    expect(adminView.rows).toEqual(await fromStandings(many, true));
    expect((await read(few, false)).rows).toEqual([['Board 0', '2', '6', 'Provisional']]);
  });

  it('reads a rider on six boards in as many statements as a rider on one', async () => {
    for (const admin of [false, true]) {
      const one = await read(few, admin);
      const six = await read(many, admin);
      expect(one.rows).toHaveLength(1);
      expect(six.rows.length).toBeGreaterThan(4);
      expect(six.statements).toBe(one.statements);
    }
  });

  it('reads the home page of four series in as many statements as of one, each series listing the boards its own page lists', async () => {
    const [{ n }] = await t.db.query('SELECT count(*)::int AS n FROM series');
    expect(n).toBe(1);
    const forOne = { public: await page('/', false), admin: await page('/', true) };
    for (let s = 0; s < 3; s++) {
      const seriesId = await fx.series({ name: `Home Cup ${s}` });
      const scaleId = await fx.scale({ name: `Home scale ${s}`, kind: 'TABLE', table: [5, 3, 1] });
      const event = await fx.event(seriesId, { name: `Home round ${s}` });
      for (let b = 0; b < 2; b++) {
        const category = `Home ${s}.${b}`;
        const board = await fx.leaderboard({ seriesId, name: `Home board ${s}.${b}`, type: 'INDIVIDUAL', pointsScaleId: scaleId, categories: [category], ...(b === 1 ? { initialState: 'DRAFT' } : {}) });
        await fx.replaceRows(await fx.resultSet(event, category), [rider('Ann', 'Lee', { position: 1 })]);
        await recalculate(board);
      }
    }
    for (const admin of [false, true]) {
      const home = await page('/', admin);
      expect(home.statements).toBe(admin ? forOne.admin.statements : forOne.public.statements);
      const lists = [...home.text.matchAll(/<li>\s*<h2><a href="\/series\/(\d+)">[^<]*<\/a><\/h2>([\s\S]*?)<\/li>\s*(?=<li>\s*<h2>|<\/ul>\s*$|<\/ul>)/g)];
      expect(lists).toHaveLength(4);
      for (const [, seriesId, section] of lists) {
        const boardsOnHome = [...section.matchAll(/href="\/leaderboards\/(\d+)"/g)].map((m) => m[1]);
        const boardsOnSeries = [...(await page(`/series/${seriesId}`, admin)).text.matchAll(/href="\/leaderboards\/(\d+)"/g)].map((m) => m[1]);
        expect(boardsOnHome).toEqual(boardsOnSeries);
        expect(boardsOnHome.length).toBeGreaterThan(0);
      }
    }
  });
});
