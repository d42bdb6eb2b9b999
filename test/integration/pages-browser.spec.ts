import { Browser, BrowserContext, Page } from 'playwright-core';
import { Breakdown } from '../../src/calculators/types';
import { axeViolations, launchBrowser, screenshot } from '../support/browser';
import { StandingsStreams } from '../../src/leaderboards/standings/standings-streams';
import { Fixtures, rider } from '../support/fixtures';
import { listening } from '../support/sse';
import { FAST_WORKER_TIMING, settled, standingsState } from '../support/sync';
import { eventually, newSandbox, startTestApp, TestApp } from '../support/test-app';

// Browser globals, for the functions that run in the page (this tsconfig has no DOM lib).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const window: any, document: any, getComputedStyle: any;

interface ApiEntry {
  position: number | null;
  points: number;
  key: string;
  name: string;
  breakdown: Breakdown;
}

/**
 * The public pages in a real browser (Debian's Chromium through playwright-core), against an
 * API process and a separate worker process on one sandbox, as deployed.
 */
describe('public pages in a browser', () => {
  const sandbox = newSandbox(FAST_WORKER_TIMING);
  let api: TestApp;
  let worker: TestApp;
  let fx: Fixtures;
  let browser: Browser;
  let context: BrowserContext;
  let base: string;
  let seriesId: number;
  let boardId: number;
  const sets: number[] = [];
  const evil = '<script>alert(1)</script>';

  beforeAll(async () => {
    const env = { ...sandbox.env, FRAME_ANCESTORS: 'self,https://club.example' };
    api = await startTestApp({}, { ...sandbox, env: { ...env, APP_ROLE: 'api' } });
    worker = await startTestApp({}, { ...sandbox, env: { ...env, APP_ROLE: 'worker' } });
    base = `http://127.0.0.1:${await listening(api)}`;
    fx = new Fixtures(api);
    seriesId = await fx.series({ name: 'Valley Schools Cup', season: '2026', customLabels: { custom1: 'School' } });
    const scaleId = await fx.scale({ name: 'Top 8', kind: 'TABLE', table: [10, 8, 6, 5, 4, 3, 2, 1] });
    const events = [
      await fx.event(seriesId, { name: 'Round 1 — Hillside', date: '2026-03-07' }),
      await fx.event(seriesId, { name: 'Round 2 — Riverside', date: '2026-03-21', starred: true, pointsMultiplier: 2 }),
      await fx.event(seriesId, { name: 'Round 3 — Lakeside', date: '2026-04-04' }),
    ];
    boardId = await fx.leaderboard({ seriesId, name: 'U14 Girls', type: 'INDIVIDUAL', pointsScaleId: scaleId, categories: ['U14 Girls'], dropWorst: 1, minEvents: 2 });
    const school = (name: string) => ({ custom1: name });
    const rows = [
      [rider('Ann', 'Lee', { position: 1, ...school('Hillside') }), rider('Bo', 'Chen', { position: 2, ...school('Riverside') }), rider('Cy', 'Diaz', { position: 3, ...school('Hillside') }),
        rider('Ty', 'Ng', { position: 4, ...school('Lakeside') }), rider('Uma', 'Ng', { position: 4, ...school('Lakeside') }), rider(evil, 'Rider', { position: 6, ...school('Riverside') })],
      [rider('Bo', 'Chen', { position: 1, ...school('Riverside') }), rider('Ann', 'Lee', { position: 2, ...school('Hillside') }), rider('Cy', 'Diaz', { status: 'DNF', ...school('Hillside') })],
      [rider('Bo', 'Chen', { position: 1, ...school('Riverside') }), rider('Ann', 'Lee', { position: 2, ...school('Hillside') }), rider('Cy', 'Diaz', { position: 3, ...school('Hillside') }),
        rider('Ty', 'Ng', { position: 4, ...school('Lakeside') }), rider('Uma', 'Ng', { position: 4, ...school('Lakeside') }), rider('Fay', 'Okafor', { position: 6, ...school('Lakeside') })],
    ];
    for (let i = 0; i < events.length; i++) {
      sets.push(await fx.resultSet(events[i], 'U14 Girls'));
      await fx.replaceRows(sets[i], rows[i]);
    }
    await settled(api, boardId, 30_000);
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await worker?.app.close();
    await api?.close();
  });

  async function open(path: string, ctx = context): Promise<Page> {
    const page = await ctx.newPage();
    page.on('dialog', (dialog) => {
      throw new Error(`A dialog opened: ${dialog.message()}`);
    });
    const res = await page.goto(`${base}${path}`);
    expect(res!.status()).toBe(200);
    return page;
  }

  async function apiEntries(): Promise<ApiEntry[]> {
    return (await api.http().get(`/api/leaderboards/${boardId}/standings`).expect(200)).body.entries;
  }

  it('a season\'s pages link to each other, with titles and headings that make sense', async () => {
    const page = await open('/');
    expect(await page.title()).toBe('Series · Podium');
    await screenshot(page, 'home');
    await page.click('text=Valley Schools Cup');
    await page.waitForURL(`${base}/series/${seriesId}`);
    expect(await page.textContent('h1')).toBe('Valley Schools Cup');
    expect(await page.locator('#content table').last().textContent()).toMatch(/Round 2 — Riverside.*★.*×2/s);
    await screenshot(page, 'series');
    await page.click('text=U14 Girls');
    await page.waitForURL(`${base}/leaderboards/${boardId}`);
    expect(await page.title()).toBe('U14 Girls — Valley Schools Cup 2026 · Podium');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await screenshot(page, 'standings');
    await page.click('table.standings >> text=Ann Lee');
    await page.waitForURL(/\/entries\/p%3A\d+$/);
    expect(await page.textContent('h1')).toBe('How Ann Lee made their points');
    await screenshot(page, 'entry');
    await page.click('text=Back to the standings');
    await page.waitForURL(`${base}/leaderboards/${boardId}`);
    const [participant] = await api.db.query(`SELECT id FROM participant WHERE first_name = 'Ann'`);
    const rider = await open(`/riders/${participant.id}`);
    expect(await rider.textContent('h1')).toBe('Ann Lee');
    await screenshot(rider, 'rider');
    await rider.click('text=U14 Girls');
    await rider.waitForURL(/\/entries\//);
    await page.close();
    await rider.close();
  });

  it('the table: a column per counted event in date order, dropped results struck through with the reason, status codes, ties', async () => {
    const page = await open(`/leaderboards/${boardId}`);
    const headers = await page.locator('table.standings thead th').allTextContents();
    expect(headers.slice(0, 4)).toEqual(['Pos.', 'Name', 'School', 'Points']);
    expect(headers.slice(4).map((h) => h.replace(/\s+/g, ' '))).toEqual([
      expect.stringMatching(/^Round 1 — Hillside/), expect.stringMatching(/^Round 2 — Riverside ★ ×2/), expect.stringMatching(/^Round 3 — Lakeside/),
    ]);
    const eventIds = await page.locator('table.standings thead th[data-event]').evaluateAll((ths) => ths.map((th) => Number(th.getAttribute('data-event'))));
    const entries = await apiEntries();
    const positions = entries.map((e) => e.position);
    let footnotes = 0;
    for (const entry of entries) {
      const row = page.locator(`tr[data-key="${entry.key}"]`);
      const tied = entry.position !== null && positions.filter((p) => p === entry.position).length > 1;
      expect(await row.locator('td.pos').textContent()).toBe(entry.position === null ? '–' : `${tied ? '=' : ''}${entry.position}`);
      expect(await row.locator('td.total strong').textContent()).toBe(String(entry.points));
      for (const eventId of eventIds) {
        const cell = row.locator(`td[data-event="${eventId}"]`);
        const counted = entry.breakdown.counted.filter((l) => l.eventId === eventId);
        const dropped = entry.breakdown.dropped.filter((l) => l.eventId === eventId);
        expect(await cell.locator('.counted').allTextContents()).toEqual(counted.map((l) => `${l.points}${l.status === 'FIN' ? '' : ` ${l.status}`}`));
        expect(await cell.locator('del').evaluateAll((dels) => dels.map((d) => d.getAttribute('title')))).toEqual(dropped.map((l) => `Dropped: ${l.reason}`));
        if (counted.length + dropped.length === 0) expect((await cell.textContent())!.trim()).toBe('');
      }
      if (entry.breakdown.tieBreak) {
        footnotes += 1;
        const named = entry.breakdown.tieBreak.replace(/\b[pc]:\d+/g, (key) => entries.find((e) => e.key === key)?.name ?? key);
        expect(await page.locator('ol.notes').textContent()).toContain(`Tie on points, ${entry.name}: ${named}`);
      }
    }
    expect(entries.some((e) => e.breakdown.dropped.length > 0)).toBe(true);
    expect(await page.locator('table.standings td .status').allTextContents()).toContain('DNF');
    // Unranked riders (under minEvents) come after the ranked ones, under their own heading.
    const order = await page.locator('table.standings tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-key') ?? tr.textContent!.trim()));
    const unrankedAt = order.findIndex((k) => k.startsWith('Unranked'));
    expect(unrankedAt).toBeGreaterThan(0);
    expect(order.slice(unrankedAt + 1)).toEqual(entries.filter((e) => e.position === null).map((e) => e.key));
    expect(await page.locator('ol.notes li').count()).toBe(footnotes);
    await page.close();
  });

  it('banners: provisional, and stale after a failed recalculation', async () => {
    const page = await open(`/leaderboards/${boardId}`);
    expect(await page.locator('.banner.provisional').textContent()).toContain('Provisional standings');
    expect(await page.locator('.banner.stale').count()).toBe(0);
    expect(await page.locator('.updated time').getAttribute('title')).toMatch(/\d{4}.*(GMT|BST|UTC)/);
    expect(await page.locator('.updated time').textContent()).toMatch(/just now|minutes? ago/);
    await page.close();

    const ownBoard = await fx.leaderboard({ seriesId, name: 'Stale board', type: 'INDIVIDUAL', pointsScaleId: (await api.db.query('SELECT id FROM points_scale LIMIT 1'))[0].id, categories: ['Stale'] });
    const setId = await fx.resultSet(await fx.event(seriesId, { name: 'Stale race', date: '2026-05-02' }), 'Stale');
    await fx.replaceRows(setId, [rider('Ann', 'Lee', { position: 1 })]);
    await settled(api, ownBoard);
    await api.db.query(`CREATE OR REPLACE FUNCTION podium_test_fail() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'forced failure for the stale banner'; END $$`);
    await api.db.query(`CREATE OR REPLACE TRIGGER podium_test_fail BEFORE INSERT OR UPDATE ON race_result
      FOR EACH ROW WHEN (NEW.group_key IS NOT NULL AND NEW.name = 'Bo Chen') EXECUTE FUNCTION podium_test_fail()`);
    try {
      await fx.replaceRows(setId, [rider('Bo', 'Chen', { position: 1 }), rider('Ann', 'Lee', { position: 2 })]);
      await eventually(async () => (await standingsState(api, ownBoard))?.state === 'F', 20_000);
    } finally {
      await api.db.query('DROP TRIGGER IF EXISTS podium_test_fail ON race_result');
    }
    const stale = await open(`/leaderboards/${ownBoard}`);
    expect(await stale.locator('.banner.stale').textContent()).toBe('These standings could not be updated: showing the last good ones.');
    expect(await stale.locator('table.standings tbody').textContent()).not.toContain('Bo Chen');
    await screenshot(stale, 'standings-stale');
    await stale.close();
  });

  it('a rider named <script> shows as text and runs nothing', async () => {
    const page = await open(`/leaderboards/${boardId}`);
    expect(await page.locator('table.standings').textContent()).toContain(`${evil} Rider`);
    expect(await page.locator('table.standings script').count()).toBe(0);
    await page.close();
  });

  it('live: an edit processed by the worker process changes the open page without a reload', async () => {
    const page = await open(`/leaderboards/${boardId}`);
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
    // The page's stream is open on the API process (the worker is another process).
    await eventually(async () => api.app.get(StandingsStreams).size > 0);
    const before = await page.locator('tr[data-key] th.name').first().textContent();
    expect(before).not.toBe('Fay Okafor');
    // Fay wins every round now: first on 30 points after the drop.
    for (const setId of sets) {
      await fx.replaceRows(setId, [rider('Fay', 'Okafor', { position: 1, custom1: 'Lakeside' }), rider('Bo', 'Chen', { position: 2, custom1: 'Riverside' }), rider('Ann', 'Lee', { position: 3, custom1: 'Hillside' })]);
    }
    await page.waitForFunction(() => document.querySelector('tr[data-key] th.name')?.textContent === 'Fay Okafor', undefined, { timeout: 30_000 });
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    await screenshot(page, 'standings-live');
    await page.close();
  });

  it('print: A4 stylesheet without navigation, the table header repeated', async () => {
    const page = await open(`/leaderboards/${boardId}`);
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('header.site').isVisible()).toBe(false);
    expect(await page.locator('form.filter').isVisible()).toBe(false);
    expect(await page.locator('table.standings thead').evaluate((el) => getComputedStyle(el).display)).toBe('table-header-group');
    await screenshot(page, 'standings-print');
    await page.close();

    // A 100-entry board fits A4 in a few legible pages.
    const big = await fx.leaderboard({ seriesId, name: 'Big print', type: 'INDIVIDUAL', pointsScaleId: (await api.db.query('SELECT id FROM points_scale LIMIT 1'))[0].id, categories: ['Big'] });
    const setId = await fx.resultSet(await fx.event(seriesId, { name: 'Big race', date: '2026-05-09' }), 'Big');
    await fx.replaceRows(setId, Array.from({ length: 100 }, (_, i) => rider(`Rider${i + 1}`, 'Printwell', { position: i + 1, custom1: 'Hillside' })));
    await settled(api, big);
    const printed = await open(`/leaderboards/${big}`);
    await printed.emulateMedia({ media: 'print' });
    await printed.setViewportSize({ width: 794, height: 1123 });
    await screenshot(printed, 'standings-print-100');
    const pdf = await printed.pdf({ format: 'A4', printBackground: false });
    const pages = pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g)?.length ?? 0;
    expect(pages).toBeGreaterThanOrEqual(2);
    expect(pages).toBeLessThanOrEqual(4);
    expect(await printed.locator('table.standings td').first().evaluate((el) => parseFloat(getComputedStyle(el).fontSize))).toBeGreaterThanOrEqual(10);
    await printed.close();
  });

  it('?embed=1: no chrome, links stay embedded, framing allowed only for the configured origins', async () => {
    const page = await context.newPage();
    const res = await page.goto(`${base}/leaderboards/${boardId}?embed=1`);
    expect(res!.headers()['content-security-policy']).toContain("frame-ancestors 'self' https://club.example");
    expect(await page.locator('header.site').count()).toBe(0);
    expect(await page.locator('footer.site').count()).toBe(0);
    expect(await page.locator('table.standings tbody a').first().getAttribute('href')).toMatch(/\?embed=1$/);
    await screenshot(page, 'standings-embed');
    await page.close();
  });

  it('phone (375 px): the table scrolls sideways with the name column fixed', async () => {
    const phone = await browser.newContext({ viewport: { width: 375, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const page = await open(`/leaderboards/${boardId}`, phone);
    const scroller = page.locator('.scroll').first();
    expect(await scroller.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    const nameX = async () => (await page.locator('tr[data-key] th.name').first().boundingBox())!.x;
    const left = (await scroller.boundingBox())!.x;
    await screenshot(page, 'standings-phone', false);
    await scroller.evaluate((el: { scrollBy(x: number, y: number): void }) => el.scrollBy(300, 0));
    // Scrolled well past the name column's place, it sticks to the scroller's left edge.
    expect(Math.abs((await nameX()) - left)).toBeLessThan(2);
    await phone.close();
  });

  it('accessibility: axe-core finds no serious or critical violations on any page type', async () => {
    const [participant] = await api.db.query(`SELECT id FROM participant WHERE first_name = 'Ann'`);
    for (const path of ['/', `/series/${seriesId}`, `/leaderboards/${boardId}`, `/leaderboards/${boardId}/entries/p:${participant.id}`, `/riders/${participant.id}`]) {
      const page = await open(path);
      expect({ path, violations: await axeViolations(page) }).toEqual({ path, violations: [] });
      await page.close();
    }
  });
});

