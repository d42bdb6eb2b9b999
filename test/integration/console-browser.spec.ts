import ExcelJS from 'exceljs';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { axeViolations, launchBrowser, screenshot } from '../support/browser';
import { PodiumProcess } from '../support/podium-process';
import { listening } from '../support/sse';
import { FAST_WORKER_TIMING, standingsState } from '../support/sync';
import { ADMIN_KEY, eventually, newSandbox, startTestApp, TestApp } from '../support/test-app';

// Browser globals, for the functions that run in the page (this tsconfig has no DOM lib).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const window: any, document: any, sessionStorage: any, localStorage: any, DataTransfer: any, File: any;

type Row = (string | number | null)[];
const HEADER: Row = ['Place', 'First Name', 'Last Name', 'School', 'Status'];

async function workbook(sheets: Record<string, Row[]>): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  for (const [name, rows] of Object.entries(sheets)) wb.addWorksheet(name).addRows([HEADER, ...rows]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/**
 * The organiser console in a real browser (Debian's Chromium through playwright-core) against an
 * API process and a worker in a separate OS process on one sandbox, as deployed: an organiser's
 * season from sign-in to a failure seen live and retried. The steps share one page and run in order.
 */
describe('the organiser console in a browser', () => {
  const sandbox = newSandbox(FAST_WORKER_TIMING);
  let api: TestApp;
  let worker: PodiumProcess;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let base: string;
  const pageErrors: string[] = [];
  const ids = { series: 0, scale: 0, board: 0, round1: 0, girlsSet: 0, revision: 0 };

  beforeAll(async () => {
    api = await startTestApp({}, { ...sandbox, env: { ...sandbox.env, APP_ROLE: 'api' } });
    worker = new PodiumProcess({ ...sandbox.env, APP_ROLE: 'worker', LOG_LEVEL: 'info', LOG_FORMAT: 'json' });
    // A ts-node start of the whole app: slow on a busy machine.
    await worker.line((l) => /Podium ready/.test(String(l.json?.msg ?? '')), 150_000);
    base = `http://127.0.0.1:${await listening(api)}`;
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('dialog', (dialog) => {
      throw new Error(`A browser dialog opened: ${dialog.message()}`);
    });
  }, 200_000);

  afterAll(async () => {
    await browser?.close();
    await worker?.kill();
    await api?.close();
  });

  afterEach(() => expect(pageErrors).toEqual([]));

  const heading = () => page.locator('h1').first();
  const text = (selector: string) => page.locator(selector).first().innerText();
  async function seeText(value: string | RegExp, timeout = 15_000): Promise<void> {
    await page.getByText(value).first().waitFor({ state: 'visible', timeout });
  }
  async function noSeriousAxeViolations(): Promise<void> {
    expect(await axeViolations(page)).toEqual([]);
  }

  it('signs in with the admin key: a wrong key returns to sign-in with the reason; the key stays in this tab only', async () => {
    await page.goto(`${base}/admin/`);
    await page.getByLabel('Admin key').fill('not-the-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Signed out' }).waitFor();
    await screenshot(page, 'console-sign-in');
    await noSeriousAxeViolations();
    await page.getByLabel('Admin key').fill(ADMIN_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('podium.adminKey'))).toBe(ADMIN_KEY);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
    expect(page.url()).not.toContain(ADMIN_KEY);
    // No named keys yet (issue 14): "signed in as" shows nothing rather than a wrong name.
    expect(await page.getByLabel('Signed in as').count()).toBe(0);
  });

  it('creates a series and two events', async () => {
    await page.getByLabel('Name', { exact: true }).fill('Valley Schools Cup');
    await page.getByLabel('Season', { exact: true }).fill('2026');
    await page.getByRole('button', { name: 'Create series' }).click();
    await page.waitForURL(/\/admin\/series\/\d+$/);
    ids.series = Number(page.url().split('/').pop());
    expect(await heading().innerText()).toContain('Valley Schools Cup');
    for (const [name, date] of [['Round 1 — Hillside', '2026-03-07'], ['Round 2 — Riverside', '2026-03-21']]) {
      await page.getByLabel('Event name').fill(name);
      await page.getByLabel('Date', { exact: true }).fill(date);
      await page.getByRole('button', { name: 'Create event' }).click();
      await page.getByRole('link', { name }).waitFor();
    }
    const events = await api.http().get(`/api/series/${ids.series}/events`).expect(200);
    expect(events.body.map((e: { name: string }) => e.name)).toEqual(['Round 1 — Hillside', 'Round 2 — Riverside']);
    ids.round1 = events.body[0].id;
    await screenshot(page, 'console-series');
    await noSeriousAxeViolations();
  });

  it('creates a points scale, previewing places 1-20 and the status codes', async () => {
    await page.getByRole('link', { name: 'Points scales' }).click();
    await page.getByLabel('Scale name').fill('Top 10');
    const preview = page.locator('table.preview').first();
    expect(await preview.locator('tbody tr').count()).toBe(23);
    expect(await preview.locator('tbody tr').first().innerText()).toMatch(/^1\s+25$/);
    await page.getByLabel('Points by place').fill('10, 8, 6, 5, 4, 3, 2, 1');
    expect(await preview.locator('tbody tr').nth(2).innerText()).toMatch(/^3\s+6$/);
    await page.getByRole('button', { name: 'Create scale' }).click();
    const created = await page.getByRole('status').filter({ hasText: 'Created scale' }).innerText();
    ids.scale = Number(/\d+/.exec(created)![0]);
    await screenshot(page, 'console-scale');
    await noSeriousAxeViolations();
  });

  it('creates a board, its rules explained in plain words', async () => {
    await page.goto(`${base}/admin/series/${ids.series}/boards/new`);
    await page.getByLabel('Board name').fill('U14 Girls');
    await page.getByLabel('Points scale id').fill(String(ids.scale));
    await page.getByLabel('Category 1', { exact: true }).fill('U14 Girls');
    await page.getByLabel('Best results counted').fill('3');
    await seeText('Points come from the scale "Top 10".');
    await seeText("Only each entry's best 3 results count.");
    await screenshot(page, 'console-board-form');
    await noSeriousAxeViolations();
    await page.getByRole('button', { name: 'Create board' }).click();
    await page.waitForURL(/\/admin\/boards\/\d+$/);
    ids.board = Number(page.url().split('/').pop());
    expect(await heading().innerText()).toContain('U14 Girls');
  });

  async function dropFile(name: string, content: Buffer, type: string): Promise<void> {
    const transfer = await page.evaluateHandle(
      ({ bytes, fileName, mime }) => {
        const dt = new DataTransfer();
        dt.items.add(new File([new Uint8Array(bytes)], fileName, { type: mime }));
        return dt;
      },
      { bytes: [...content], fileName: name, mime: type },
    );
    await page.getByTestId('dropzone').dispatchEvent('drop', { dataTransfer: transfer });
    await seeText(`Chosen: ${name}`);
  }
  const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  const raceRows = async () => (await api.db.query('SELECT count(*)::int AS n FROM race_result WHERE group_key IS NULL'))[0].n;

  it('imports a broken workbook: every problem by sheet, row and column, and nothing imported', async () => {
    await page.goto(`${base}/admin/series/${ids.series}/events/${ids.round1}`);
    await page.getByRole('heading', { name: 'Round 1 — Hillside' }).waitFor();
    const broken = await workbook({
      'U14 Girls': [[1, 'Ann', 'Lee', 'Hillside', null], [2, 'Bo', 'Chen', 'Riverside', 'LOST']],
      'U14 Boys': [[1, 'Dan', 'Ford', 'Hillside', null], [1, 'Eli', 'Gray', 'Lakeside', null]],
    });
    await dropFile('round1.xlsx', broken, XLSX);
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    const problems = page.locator('.problems');
    await problems.waitFor();
    expect(await problems.locator('p.error').innerText()).toBe('Nothing was imported: 2 problems in the file.');
    const rows = await problems.locator('tbody tr').allInnerTexts();
    expect(rows).toEqual([expect.stringMatching(/^U14 Girls\s+3\s+Status\s+"LOST" is not a status/), expect.stringMatching(/^U14 Boys\s+3\s+.*place 1 is given to 2 riders/)]);
    expect(await raceRows()).toBe(0);
    await screenshot(page, 'console-import-problems');
  });

  it('imports the fixed two-sheet workbook: result sets, a warning for the category no board uses, the board pending with its countdown', async () => {
    const fixed = await workbook({
      'U14 Girls': [[1, 'Ann', 'Lee', 'Hillside', null], [2, 'Bo', 'Chen', 'Riverside', null], [3, 'Cy', 'Diaz', 'Hillside', null]],
      'U14 Boys': [[1, 'Dan', 'Ford', 'Hillside', null], [2, 'Eli', 'Gray', 'Lakeside', null]],
    });
    await dropFile('round1-fixed.xlsx', fixed, XLSX);
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    const summary = page.locator('.summary');
    await summary.waitFor();
    expect(await summary.innerText()).toContain('Imported 5 rows from the xlsx file.');
    expect(await summary.locator('.warning').allInnerTexts()).toEqual([expect.stringMatching(/U14 Boys/)]);
    const girls = summary.getByRole('link', { name: /result set \d+/ }).first();
    ids.girlsSet = Number(/\d+/.exec(await girls.innerText())![0]);
    await summary.getByRole('link', { name: 'U14 Girls' }).waitFor();
    expect(await raceRows()).toBe(5);
    await screenshot(page, 'console-import-success');
  });

  const standingsRow = (name: string) => page.locator('table.standings tbody tr').filter({ hasText: name }).first();
  const pointsOf = async (name: string) => standingsRow(name).locator('strong').innerText({ timeout: 1000 }).catch(() => null);

  it('shows the standings once the worker has run after the debounce, with a breakdown on demand', async () => {
    await page.getByRole('link', { name: 'U14 Girls' }).last().click();
    await page.waitForURL(/\/admin\/boards\/\d+$/);
    await eventually(async () => (await pointsOf('Ann Lee')) === '10', 30_000);
    expect(await page.locator('table.standings thead').innerText()).toContain('Round 1 — Hillside');
    await page.getByRole('button', { name: 'Details of Ann Lee' }).click();
    await seeText(/Counted: Round 1 — Hillside \(U14 Girls\): place 1, 10 points/);
    expect(await page.locator('#runs ~ div table tbody tr').count()).toBeGreaterThan(0);
    // The run history says where each completed run spent its time.
    await eventually(async () => /queue \d+ · lock \d+ · load \d+ · compute \d+ · write \d+ ms/.test(await page.locator('#runs ~ div table tbody').innerText()), 10_000);
    await screenshot(page, 'console-board');
    await noSeriousAxeViolations();
  });

  it('edits a result inline and the standings follow', async () => {
    // The status picker offers every code: the built-ins and the organiser's own.
    await api.http().post('/api/status-codes').set('Authorization', `Bearer ${ADMIN_KEY}`).send({ code: 'OTL', label: 'over the time limit' }).expect(201);
    await page.goto(`${base}/admin/result-sets/${ids.girlsSet}`);
    await page.getByRole('button', { name: 'Edit Ann Lee' }).click();
    await eventually(async () => (await page.getByLabel('Status of Ann Lee').locator('option').allInnerTexts()).includes('OTL'));
    expect(await page.getByLabel('Status of Ann Lee').locator('option').allInnerTexts()).toEqual(expect.arrayContaining(['FIN', 'DNF', 'RET', 'DNC', 'RDG', 'OTL']));
    await page.getByLabel('Place of Ann Lee').fill('');
    await page.getByLabel('Status of Ann Lee').selectOption('DNF');
    await page.getByRole('button', { name: 'Save' }).click();
    await screenshot(page, 'console-result-set-saved');
    await eventually(async () => /DNF/.test(await page.locator('#rows ~ div tbody tr').filter({ hasText: 'Ann' }).innerText({ timeout: 1000 })));
    // Only the allowed transitions are offered.
    expect(await page.getByRole('group', { name: 'State' }).getByRole('button').allInnerTexts()).toEqual(['Back to draft', 'Approve', 'Delete result set']);
    await screenshot(page, 'console-result-set');
    await noSeriousAxeViolations();
    await page.goto(`${base}/admin/boards/${ids.board}`);
    // Ann's 10 points for the win are gone: Bo leads on 8.
    await eventually(async () => (await pointsOf('Ann Lee')) === '0', 30_000);
    expect(await page.locator('table.standings tbody tr').first().innerText()).toMatch(/^1\s+Bo Chen/);
    expect(await pointsOf('Bo Chen')).toBe('8');
  });

  it('approves, makes a revision, sees the diff against the original and publishes it', async () => {
    await page.goto(`${base}/admin/result-sets/${ids.girlsSet}`);
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.locator('h1 .state', { hasText: 'APPROVED' }).waitFor();
    expect(await page.getByRole('button', { name: 'Edit Bo Chen' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Make a revision' }).click();
    await page.waitForURL((url) => url.pathname !== `/admin/result-sets/${ids.girlsSet}`);
    ids.revision = Number(page.url().split('/').pop());
    await seeText(`revision of result set ${ids.girlsSet}`);
    await seeText('No changes yet.');
    await page.getByRole('button', { name: 'Edit Cy Diaz' }).click();
    await page.getByLabel('Place of Cy Diaz').fill('1');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('button', { name: 'Save' }).waitFor({ state: 'detached' });
    await page.getByLabel('First name', { exact: true }).fill('Fay');
    await page.getByLabel('Last name', { exact: true }).fill('Okafor');
    await page.getByLabel('Place', { exact: true }).fill('2');
    await page.getByRole('button', { name: 'Add result' }).click();
    await eventually(async () => (await page.locator('.diff li').count()) === 2);
    expect(await page.locator('.diff li').allInnerTexts()).toEqual(['Added: Fay Okafor (2)', 'Changed: Cy Diaz: position 3 → 1']);
    await screenshot(page, 'console-revision-diff');
    await page.getByRole('button', { name: 'Publish revision (approved)' }).click();
    await page.locator('h1 .state', { hasText: 'APPROVED' }).waitFor();
    const original = await api.http().get(`/api/result-sets/${ids.girlsSet}`).set({ Authorization: `Bearer ${ADMIN_KEY}` }).expect(200);
    expect(original.body).toMatchObject({ state: 'REPLACED', replacedById: ids.revision });
    await page.goto(`${base}/admin/boards/${ids.board}`);
    await eventually(async () => (await pointsOf('Cy Diaz')) === '10', 30_000);
  });

  it('sees a failure in the worker process arrive live, retries it and sees the board recover', async () => {
    await page.goto(`${base}/admin/series/${ids.series}`);
    await page.locator('[data-live="yes"]').waitFor();
    await page.evaluate(() => (window.notReloaded = true));
    expect(await page.getByRole('link', { name: /^Notifications 0 unread$/ }).count()).toBe(1);
    await api.db.query(`CREATE OR REPLACE FUNCTION podium_test_fail() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'forced failure for the console test'; END $$`);
    await api.db.query(`CREATE OR REPLACE TRIGGER podium_test_fail BEFORE INSERT OR UPDATE ON race_result
      FOR EACH ROW WHEN (NEW.group_key IS NOT NULL) EXECUTE FUNCTION podium_test_fail()`);
    try {
      // A result change the worker process recalculates (and fails on): a second round imported as CSV, the category picked.
      const round2 = (await api.http().get(`/api/series/${ids.series}/events`).expect(200)).body[1].id;
      await page.getByRole('link', { name: 'Round 2 — Riverside' }).click();
      await page.getByLabel('Results file').setInputFiles({ name: 'round2.csv', mimeType: 'text/csv', buffer: Buffer.from('Place,First Name,Last Name,School\n1,Bo,Chen,Riverside\n2,Ann,Lee,Hillside\n') });
      await page.getByLabel('Category for rows without one').fill('U14 Girls');
      await page.getByRole('button', { name: 'Import', exact: true }).click();
      await page.locator('.summary').waitFor();
      expect(round2).toBeGreaterThan(0);
      await page.getByRole('link', { name: /^Notifications 1 unread$/ }).waitFor({ timeout: 40_000 });
      expect((await standingsState(api, ids.board))?.state).toBe('F');
    } finally {
      await api.db.query('DROP TRIGGER IF EXISTS podium_test_fail ON race_result');
    }
    expect(await page.evaluate(() => window.notReloaded)).toBe(true);
    await page.getByRole('link', { name: /^Notifications 1 unread$/ }).click();
    await seeText('forced failure for the console test');
    await screenshot(page, 'console-failures');
    await noSeriousAxeViolations();
    await page.getByRole('button', { name: 'Retry U14 Girls' }).click();
    await page.getByText('Recovered', { exact: true }).waitFor({ timeout: 40_000 });
    await eventually(async () => (await page.getByLabel('State of U14 Girls').first().innerText()) !== 'FAILED', 20_000);
    expect(await page.getByRole('button', { name: 'Retry U14 Girls' }).count()).toBe(0);
    await screenshot(page, 'console-recovered');
  });

  it('recalculates the whole series and works at 375 px wide', async () => {
    await page.setViewportSize({ width: 375, height: 812 });
    await page.goto(`${base}/admin/series/${ids.series}`);
    await page.getByRole('button', { name: 'Recalculate the whole series' }).click();
    await seeText('1 recalculations queued.');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await screenshot(page, 'console-series-375');
    await page.goto(`${base}/admin/boards/${ids.board}`);
    await standingsRow('Cy Diaz').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await screenshot(page, 'console-board-375');
  });

  it('signs out: the key leaves the tab', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Admin key').waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('podium.adminKey'))).toBeNull();
    expect(await text('h1')).toBe('Podium console');
  });
});
