/**
 * Issue 15's opening example, through the API: on a low-point board, a boat with one DNF and a
 * missed race (8 points from two races) ranked ahead of a boat that raced all three (8.5).
 * Scored with missed races as DNC (Appendix A2.2, the default of a new low-point board) the
 * three-race boat ranks ahead; `missed: "NONE"` keeps the old ranking, for series that want it.
 */
import { Fixtures } from '../support/fixtures';
import { settled } from '../support/sync';
import { AUTH, startTestApp, TestApp } from '../support/test-app';

type Entry = { name: string; points: number; position: number; breakdown: { counted: { status: string; points: number }[]; dropped: { status: string; points: number }[] } };

describe("issue 15's low-point example: a missed race scores DNC", () => {
  let t: TestApp;
  let fx: Fixtures;

  beforeAll(async () => {
    t = await startTestApp({ RECALC_DEBOUNCE_MS: '100', RECALC_MAX_WAIT_MS: '1000', RECALC_SWEEP_INTERVAL_MS: '200' });
    fx = new Fixtures(t);
  });
  afterAll(() => t?.close());

  const boat = (name: string, what: number | 'DNF') =>
    ({ participant: { firstName: 'Boat', lastName: name }, ...(what === 'DNF' ? { status: 'DNF' } : { status: 'FIN', position: what }) });

  it('ranks the boat that raced every race ahead of the one with a DNF and a missed race', async () => {
    const series = await fx.series({ name: 'Winter Series', customLabels: {} });
    // A boat's score is her place; tied places share their points (B and E tie for 3rd in race 2: 3.5 each).
    const scale = await fx.scale({ name: 'Low point', kind: 'TABLE', table: [1], lowPoint: true, ties: 'AVERAGE' });
    const board = (name: string, missed?: 'NONE') =>
      fx.leaderboard({ seriesId: series, name, type: 'INDIVIDUAL', pointsScaleId: scale, categories: ['Laser'], tieBreaks: ['COUNTBACK'], ...(missed ? { missed } : {}) });
    const withDnc = await board('Appendix A');
    const without = await board('No points for missed races', 'NONE');
    const races: [string, number | 'DNF'][][] = [
      [['A', 1], ['B', 2], ['C', 3], ['D', 4], ['E', 5], ['F', 6]],
      [['C', 1], ['D', 2], ['B', 3], ['E', 3], ['F', 5], ['A', 'DNF']],
      [['C', 1], ['F', 2], ['B', 3], ['D', 4], ['E', 5]], // A missed race 3
    ];
    for (const [i, race] of races.entries()) {
      const set = await fx.resultSet(await fx.event(series, { name: `Race ${i + 1}`, date: `2026-01-0${i + 1}` }), 'Laser');
      await fx.replaceRows(set, race.map(([name, what]) => boat(name, what)));
    }
    const standings = async (id: number): Promise<Entry[]> => {
      await t.http().post(`/api/leaderboards/${id}/recalculate`).set(AUTH).expect(202);
      await settled(t, id);
      return (await t.http().get(`/api/leaderboards/${id}/standings`).expect(200)).body.entries;
    };
    const dnc = await standings(withDnc);
    const none = await standings(without);

    // The new board's default on a low-point scale.
    expect((await t.http().get(`/api/leaderboards/${withDnc}`).set(AUTH).expect(200)).body.missed).toBe('DNC');
    // Six boats entered: DNF and DNC score 6 + 1 = 7.
    expect(dnc.map((e) => [e.name, e.points, e.position])).toEqual([
      ['Boat C', 5, 1], ['Boat B', 8.5, 2], ['Boat D', 10, 3], ['Boat F', 13, 4], ['Boat E', 13.5, 5], ['Boat A', 15, 6],
    ]);
    expect(dnc.find((e) => e.name === 'Boat A')!.breakdown.counted.map((l) => `${l.status} ${l.points}`)).toEqual(['FIN 1', 'DNF 7', 'DNC 7']);
    // What the issue saw: without points for the missed race, A (1 + 7) is ahead of B (8.5).
    expect(none.map((e) => [e.name, e.points, e.position])).toEqual([
      ['Boat C', 5, 1], ['Boat A', 8, 2], ['Boat B', 8.5, 3], ['Boat D', 10, 4], ['Boat F', 13, 5], ['Boat E', 13.5, 6],
    ]);
    // For the closing note: the standings as the API returned them.
    if (process.env.PRINT_SAILING_EXAMPLE) {
      const show = (entries: Entry[]) => entries.map((e) => ({ position: e.position, name: e.name, points: e.points, counted: e.breakdown.counted.map((l) => `${l.status} ${l.points}`) }));
      console.log(JSON.stringify({ missedDnc: show(dnc), missedNone: show(none) }));
    }
  });
});
