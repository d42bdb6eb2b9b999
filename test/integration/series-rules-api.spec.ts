/**
 * Issue 15's series rules through the API and the recalculation worker (race packs made in
 * SQL, with their time slot): an Appendix A sailing series with a discard schedule and A8
 * tie-breaks, an XC time series, percent-of-winner with participation points, and bad
 * configuration refused with a 400 that names the field.
 */
import { Fixtures, rider } from '../support/fixtures';
import { settled } from '../support/sync';
import { AUTH, eventually, startTestApp, TestApp } from '../support/test-app';

type Entry = { name: string; points: number; position: number | null; breakdown: { tieBreak: string | null; dropped: { eventId: number }[] } };

describe('series rules over the API (issue 15)', () => {
  let t: TestApp;
  let fx: Fixtures;
  let seriesId: number;

  beforeAll(async () => {
    t = await startTestApp({ RECALC_DEBOUNCE_MS: '200', RECALC_MAX_WAIT_MS: '1000', RECALC_SWEEP_INTERVAL_MS: '250' });
    fx = new Fixtures(t);
    seriesId = await fx.series({ name: 'Regatta' });
  });
  afterAll(() => t?.close());

  async function standings(boardId: number): Promise<Entry[]> {
    await settled(t, boardId);
    return (await t.http().get(`/api/leaderboards/${boardId}/standings`).expect(200)).body.entries;
  }
  const table = (entries: Entry[]) => entries.map((e) => [e.name, e.points, e.position]);

  /** One published race per event: rows of [first name, last name, place or null (DNF), time in ms?]. */
  async function races(category: string, rows: [string, string, number | null, number?][][], dated = (r: number) => `2026-05-${String(r + 1).padStart(2, '0')}`): Promise<void> {
    for (let r = 0; r < rows.length; r++) {
      const eventId = await fx.event(seriesId, { name: `${category} race ${r + 1}`, date: dated(r) });
      const setId = await fx.resultSet(eventId, category);
      await fx.replaceRows(setId, rows[r].map(([first, last, place, timeMs]) =>
        rider(first, last, place === null ? { status: 'DNF', ...(timeMs === undefined ? {} : { timeMs }) } : { position: place, ...(timeMs === undefined ? {} : { timeMs }) })));
    }
  }

  it('scores an Appendix A series: one discard after 4 races, ties by A8.1 then A8.2 (the worked example of docs/scoring.md)', async () => {
    const scaleId = await fx.scale({ name: 'RRS Appendix A low point', kind: 'TABLE', table: [1], lowPoint: true });
    // Boats A–G, places in races 1–6 (as in src/calculators/series-rules.spec.ts).
    const places = [[1, 3, 2, 5, 4, 7], [2, 1, 4, 3, 5, 6], [4, 2, 1, 1, 6, 5], [3, 6, 5, 2, 1, 2], [5, 4, 3, 4, 2, 1], [6, 5, 6, 6, 3, 3], [7, 7, 7, 7, 7, 4]];
    const boat = (b: number) => String.fromCharCode(65 + b);
    await races('ILCA 7', [0, 1, 2, 3, 4, 5].map((r) => places.map((p, b): [string, string, number] => ['Boat', boat(b), p[r]])));
    const created = await t.http().post('/api/leaderboards').set(AUTH).send({
      seriesId, name: 'Club championship', type: 'INDIVIDUAL', pointsScaleId: scaleId, categories: ['ILCA 7'], discardSchedule: [4, 8], tieBreaks: ['RRS_A8_1', 'RRS_A8_2'],
    }).expect(201);
    expect(created.body).toMatchObject({ discardSchedule: [4, 8], tieBreaks: ['RRS_A8_1', 'RRS_A8_2'] });
    const entries = await standings(created.body.id);
    expect(table(entries)).toEqual([
      ['Boat C', 13, 1], ['Boat D', 13, 2], ['Boat E', 14, 3], ['Boat B', 15, 4], ['Boat A', 15, 5], ['Boat F', 23, 6], ['Boat G', 32, 7],
    ]);
    expect(entries[1].breakdown.tieBreak).toBe('RRS_A8_1: better 2nd-best race (1 vs 2)');
    expect(entries[4].breakdown.tieBreak).toBe('RRS_A8_2: 6 vs 7 on 2026-05-06');

    // A board change marks it pending and is scored anew: with no discards, A 22, B 21, …
    await t.http().patch(`/api/leaderboards/${created.body.id}`).set(AUTH).send({ discardSchedule: null }).expect(200);
    const undiscarded = await standings(created.body.id);
    expect(undiscarded.find((e) => e.name === 'Boat A')!.points).toBe(22);
    expect(undiscarded.every((e) => e.breakdown.dropped.length === 0)).toBe(true);
  });

  it('scores an XC time series from the times the race rows hold (the packed time slot)', async () => {
    const scaleId = await fx.scale({ name: 'XC time series', kind: 'TIME' });
    const m = (minutes: number, seconds = 0) => (minutes * 60 + seconds) * 1000;
    await races('XC Elite', [
      [['Ann', 'Lee', 2, m(60)], ['Bo', 'Chen', 3, m(61)], ['Cy', 'Diaz', 1, m(58)]],
      [['Ann', 'Lee', 3, m(62)], ['Bo', 'Chen', 2, m(60, 30)], ['Cy', 'Diaz', 1, m(59)]],
      [['Ann', 'Lee', 1, m(59, 30)], ['Bo', 'Chen', 2, m(60)], ['Cy', 'Diaz', null]],
    ], (r) => `2026-07-0${r + 1}`);
    const boardId = await fx.leaderboard({ seriesId, name: 'XC time', type: 'INDIVIDUAL', pointsScaleId: scaleId, categories: ['XC Elite'] });
    const entries = await standings(boardId);
    // 3:01:30 each; the last race decides; Cy has no time in race 3 and is unranked.
    expect(table(entries)).toEqual([['Ann Lee', 10890, 1], ['Bo Chen', 10890, 2], ['Cy Diaz', 7020, null]]);
    expect(entries[1].breakdown.tieBreak).toBe('MOST_RECENT: 3570 vs 3600 on 2026-07-03');
  });

  it("scores percent of the winner's time with participation points", async () => {
    const scaleId = await fx.scale({ name: 'Percent of winner', kind: 'PERCENT_OF_WINNER', precision: 1, participationPoints: 2 });
    const got = await t.http().get(`/api/points-scales/${scaleId}`).expect(200);
    expect(got.body).toEqual({ id: scaleId, name: 'Percent of winner', kind: 'PERCENT_OF_WINNER', precision: 1, participationPoints: 2, codes: {} });
    await races('Crit', [[['Ann', 'Lee', 1, 3_600_000], ['Bo', 'Chen', 2, 3_780_000], ['Cy', 'Diaz', null]]], () => '2026-08-01');
    const boardId = await fx.leaderboard({ seriesId, name: 'Crit', type: 'INDIVIDUAL', pointsScaleId: scaleId, categories: ['Crit'] });
    // 100 + 2; 3600 / 3780 × 100 = 95.2 (1 decimal) + 2; a DNF started: 0 + 2.
    expect(table(await standings(boardId))).toEqual([['Ann Lee', 102, 1], ['Bo Chen', 97.2, 2], ['Cy Diaz', 2, 3]]);

    // A scale change marks its boards pending: whole percentages, no participation points (null removes the setting).
    await t.http().patch(`/api/points-scales/${scaleId}`).set(AUTH).send({ precision: 0, participationPoints: null }).expect(200);
    await eventually(async () => JSON.stringify(table(await standings(boardId))) === JSON.stringify([['Ann Lee', 100, 1], ['Bo Chen', 95, 2], ['Cy Diaz', 0, 3]]));
    await t.http().patch(`/api/points-scales/${scaleId}`).set(AUTH).send({ precision: 7 }).expect(400);
  });

  describe('bad configuration is a 400 naming the field, and nothing is written', () => {
    let scaleId: number;
    beforeAll(async () => {
      scaleId = await fx.scale({ name: 'Low', kind: 'TABLE', table: [1], lowPoint: true });
    });
    const count = async (table: string) => (await t.db.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n as number;

    it.each([
      ['a discard schedule that is not increasing', { discardSchedule: [8, 4] }, 'discardSchedule', /increasing: 8 then 4/],
      ['a discard schedule beside dropWorst', { discardSchedule: [4], dropWorst: 1 }, 'discardSchedule', /not both/],
      ['a discard threshold of 0', { discardSchedule: [0, 4] }, 'discardSchedule', /./],
      ['an unknown tie-break', { tieBreaks: ['RRS_A8_3'] }, 'tieBreaks', /./],
    ])('a board with %s', async (_, extra, field, message) => {
      const before = await count('leaderboard');
      const res = await t.http().post('/api/leaderboards').set(AUTH)
        .send({ seriesId, name: 'Bad', type: 'INDIVIDUAL', pointsScaleId: scaleId, categories: ['X'], ...extra }).expect(400);
      const problem = res.body.errors.find((e: { field: string }) => e.field === field);
      expect(problem).toBeDefined();
      expect(JSON.stringify(problem)).toMatch(message);
      expect(await count('leaderboard')).toBe(before);
    });

    it.each([
      ['a precision of 4 decimals', { kind: 'PERCENT_OF_WINNER', precision: 4 }, 'precision'],
      ['participation points on a low-point scale', { kind: 'TABLE', table: [1], lowPoint: true, participationPoints: 1 }, 'participationPoints'],
      ['participation points on a TIME scale', { kind: 'TIME', participationPoints: 1 }, 'participationPoints'],
      ['negative participation points', { kind: 'FIELD_SIZE', participationPoints: -1 }, 'participationPoints'],
      ['a low-point percent of winner', { kind: 'PERCENT_OF_WINNER', lowPoint: true }, 'lowPoint'],
    ])('a scale with %s', async (_, body, field) => {
      const before = await count('points_scale');
      const res = await t.http().post('/api/points-scales').set(AUTH).send({ name: 'Bad', ...body }).expect(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(await count('points_scale')).toBe(before);
    });
  });

  it('the database keeps discard thresholds positive and scale kinds known', async () => {
    const [{ id: scaleId }] = await t.db.query(`INSERT INTO points_scale (name, kind, config) VALUES ('T', 'TIME', '{}') RETURNING id`);
    await expect(t.db.query(`INSERT INTO points_scale (name, kind, config) VALUES ('T', 'STOPWATCH', '{}')`)).rejects.toMatchObject({ code: '23514' });
    await expect(t.db.query(`INSERT INTO leaderboard (series_id, name, type, points_scale_id, discard_schedule) VALUES ($1, 'B', 'INDIVIDUAL', $2, '{4,0}')`, [seriesId, scaleId]))
      .rejects.toMatchObject({ code: '23514' });
  });

  it('documents the new fields with the sailing and time-series examples in the OpenAPI', async () => {
    const doc = (await t.http().get('/api/docs-json').expect(200)).body;
    for (const path of ['/api/points-scales', '/api/leaderboards']) {
      const examples = doc.paths[path].post.requestBody.content['application/json'].examples;
      expect(Object.keys(examples)).toEqual(expect.arrayContaining(['RRS Appendix A low point', 'XC time series']));
    }
    const schemas = doc.components.schemas;
    expect(schemas.CreatePointsScaleDto.properties.kind.enum).toEqual(expect.arrayContaining(['TIME', 'PERCENT_OF_WINNER']));
    expect(Object.keys(schemas.CreatePointsScaleDto.properties)).toEqual(expect.arrayContaining(['precision', 'participationPoints']));
    expect(schemas.CreateLeaderboardDto.properties.discardSchedule).toMatchObject({ example: [4, 8] });
    expect(schemas.CreateLeaderboardDto.properties.tieBreaks.items.enum).toEqual(expect.arrayContaining(['RRS_A8_1', 'RRS_A8_2']));
  });
});
