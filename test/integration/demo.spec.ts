import { AddressInfo } from 'node:net';
import { loadDemo } from '../../src/cli/demo/demo-loader';
import { DEMO_SERIES_NAME } from '../../src/cli/demo/demo-season';
import { ADMIN_KEY, startTestApp, TestApp } from '../support/test-app';

const TABLES = ['series', 'event', 'leaderboard', 'points_scale', 'participant', 'result_set', 'race_result', 'custom_list_value'];

async function counts(t: TestApp): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of TABLES) out[table] = (await t.db.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n;
  return out;
}

/** `npm run demo` against a running app: the season's shape, and a second run adds nothing. */
describe('demo season', () => {
  let t: TestApp;
  let baseUrl: string;

  beforeAll(async () => {
    t = await startTestApp({ RECALC_DEBOUNCE_MS: '300', RECALC_MAX_WAIT_MS: '1500', RECALC_SWEEP_INTERVAL_MS: '300' });
    await t.app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(() => t?.close());

  it('loads a schools league with three boards and standings, and a second run adds nothing', async () => {
    const first = await loadDemo({ baseUrl, adminKey: ADMIN_KEY });
    expect(first.created).toBe(true);
    expect(first.boards.map((b) => b.type).sort()).toEqual(['INDIVIDUAL', 'SCHOOL', 'TOP_SCHOOLS']);

    const http = t.http();
    const [series] = (await http.get(`/api/series?name=${encodeURIComponent(DEMO_SERIES_NAME)}`).expect(200)).body;
    expect(series).toMatchObject({ id: first.seriesId, customLabels: { custom1: 'School' } });
    expect((await t.http().get('/api/series?name=No%20such%20series').expect(200)).body).toEqual([]);
    // Without a name it is the paged list (issue 14), which holds the demo's series.
    expect((await t.http().get('/api/series').expect(200)).body.items).toEqual(expect.arrayContaining([expect.objectContaining({ id: first.seriesId })]));
    const events = (await t.http().get(`/api/series/${first.seriesId}/events`).expect(200)).body;
    expect(events).toHaveLength(6);
    expect(events[5]).toMatchObject({ pointsMultiplier: 2 });
    expect(events.slice(0, 5).every((e: { pointsMultiplier: number }) => e.pointsMultiplier === 1)).toBe(true);

    const [{ n: riders }] = await t.db.query('SELECT count(*)::int AS n FROM participant');
    expect(riders).toBeGreaterThanOrEqual(380);
    expect(riders).toBeLessThanOrEqual(420);
    const [{ n: dnfs }] = await t.db.query(`SELECT count(*)::int AS n FROM race_result WHERE group_key IS NULL AND status = 'DNF'`);
    expect(dnfs).toBeGreaterThan(0);
    const states = await t.db.query(`SELECT state, count(*)::int AS n FROM result_set WHERE event_id IS NOT NULL GROUP BY state ORDER BY state`);
    expect(states).toEqual([{ state: 'A', n: 9 }, { state: 'P', n: 9 }]);
    // The late correction: the corrected round's Year 8 winner is the rider first published second.
    const [{ n: changed }] = await t.db.query(`SELECT count(*)::int AS n FROM race_result r JOIN result_set s ON s.id = r.result_set_id
      JOIN event e ON e.id = s.event_id WHERE e.name LIKE 'Round 3%' AND s.category = 'Year 8' AND r.position <= 2`);
    expect(changed).toBe(2);

    for (const board of first.boards) {
      const standings = (await t.http().get(`/api/leaderboards/${board.id}/standings?limit=500`).expect(200)).body;
      expect(standings.state).toMatch(/PROVISIONAL|APPROVED/);
      expect(standings.entries.length).toBeGreaterThan(board.type === 'INDIVIDUAL' ? 350 : 5);
      expect(standings.entries[0].position).toBe(1);
      // Its export has a row per entry, the same first entry, and a cell per event.
      const csv = (await t.http().get(`/api/leaderboards/${board.id}/standings.csv`).expect(200)).text;
      const lines = csv.split('\r\n').filter(Boolean);
      const header = lines.findIndex((l) => l.startsWith('Position,'));
      expect(lines.length - header - 1).toBe(standings.total);
      expect(lines[header].split(',')).toHaveLength(board.type === 'TOP_SCHOOLS' ? 3 + 6 : 4 + 6);
      expect(lines[header + 1]).toContain(`,${standings.entries[0].points},`);
    }

    const before = await counts(t);
    const [{ n: versions }] = await t.db.query('SELECT sum(results_version)::int AS n FROM recalc_outbox');
    const second = await loadDemo({ baseUrl, adminKey: ADMIN_KEY });
    expect(second).toEqual({ ...first, created: false });
    expect(await counts(t)).toEqual(before);
    // Nothing was re-imported either: no result changed.
    expect((await t.db.query('SELECT sum(results_version)::int AS n FROM recalc_outbox'))[0].n).toBe(versions);
  }, 120_000);
});
