import { Browser, Page } from 'playwright-core';
import { axeViolations, launchBrowser, screenshot } from '../support/browser';
import { listening } from '../support/sse';
import { FAST_WORKER_TIMING } from '../support/sync';
import { ADMIN_KEY, eventually, startTestApp, TestApp } from '../support/test-app';

// Browser globals, for the functions that run in the page (this tsconfig has no DOM lib).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const document: any;

/**
 * The console's management screens (issue 13 phase 2 on issue 14's API) in a real Chromium: who is
 * signed in, the series list and edits, event edits and deletion, the event's result sets, the
 * points-scale list and edit, reasons sent with changes and read back in the audit log. Data the
 * screens only read is made through the API; what the organiser does is done in the page and
 * checked through the API afterwards. The steps share one page and run in order.
 */
describe('the console manages a season in a browser', () => {
  let app: TestApp;
  let browser: Browser;
  let page: Page;
  let base: string;
  const pageErrors: string[] = [];
  const auth = { Authorization: `Bearer ${ADMIN_KEY}` };
  const ids = { coast: 0, series: 0, round1: 0, round2: 0, girls: 0, scale: 0, draft: 0 };

  beforeAll(async () => {
    // A named key: the console shows the name, and the audit log records it as the actor.
    app = await startTestApp({ ...FAST_WORKER_TIMING, ADMIN_API_KEYS: `ann:${ADMIN_KEY}` });
    base = `http://127.0.0.1:${await listening(app)}`;
    browser = await launchBrowser();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('dialog', (dialog) => {
      throw new Error(`A browser dialog opened: ${dialog.message()}`);
    });
    const post = async (path: string, body: object) => (await app.http().post(path).set(auth).send(body).expect(201)).body;
    // Three series, created oldest season last so that the list's order is the server's, not creation's.
    for (const [name, season] of [['Coast League', '2024'], ['Valley Schools Cup', '2026'], ['Hill Climb Series', '2025']]) {
      const s = await post('/api/series', { name, season });
      if (name === 'Valley Schools Cup') ids.series = s.id;
      if (name === 'Coast League') ids.coast = s.id;
    }
    ids.round1 = (await post(`/api/series/${ids.series}/events`, { name: 'Round 1 — Hillside', date: '2026-03-07' })).id;
    ids.round2 = (await post(`/api/series/${ids.series}/events`, { name: 'Round 2 — Riverside', date: '2026-03-21' })).id;
    ids.girls = (await post(`/api/events/${ids.round1}/result-sets`, { category: 'U14 Girls', state: 'PROVISIONAL' })).id;
    for (const [firstName, lastName, position] of [['Ann', 'Lee', 1], ['Bo', 'Chen', 2]] as const) {
      await post(`/api/result-sets/${ids.girls}/results`, { participant: { firstName, lastName }, position, status: 'FIN' });
    }
    await post(`/api/events/${ids.round1}/result-sets`, { category: 'U14 Boys', state: 'DRAFT' });
    ids.scale = (await post('/api/points-scales', { name: 'Top 10', kind: 'TABLE', table: [10, 8, 6, 5, 4, 3, 2, 1] })).id;
    await post('/api/points-scales', { name: 'Linear 20', kind: 'LINEAR', first: 20, step: 1, floor: 0 });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  afterEach(() => expect(pageErrors).toEqual([]));

  const get = async (path: string) => (await app.http().get(path).set(auth).expect(200)).body;
  const fitsIn375 = async () => expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
  async function noSeriousAxeViolations(): Promise<void> {
    expect(await axeViolations(page)).toEqual([]);
  }

  it('signs in and shows who is signed in, by the key\'s name', async () => {
    await page.goto(`${base}/admin/`);
    await page.getByLabel('Admin key').fill(ADMIN_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Signed in as').waitFor();
    expect(await page.getByLabel('Signed in as').innerText()).toBe('ann');
    // Podium's icon, the one the public pages link.
    expect(await page.locator('link[rel="icon"]').getAttribute('href')).toBe('/favicon.svg');
    expect((await page.request.get(`${base}/favicon.svg`)).headers()['content-type']).toMatch(/^image\/svg\+xml/);
  });

  it('lists every series, newest season first, as the home screen, and filters it', async () => {
    const list = page.getByRole('table').filter({ hasText: 'Season' });
    await list.getByRole('link', { name: 'Coast League' }).waitFor();
    expect(await list.locator('tbody tr td:first-child').allInnerTexts()).toEqual(['Valley Schools Cup', 'Hill Climb Series', 'Coast League']);
    await screenshot(page, 'console-manage-series-list');
    await noSeriousAxeViolations();
    await page.getByLabel('Find a series').fill('valley');
    await page.getByRole('button', { name: 'Search' }).click();
    await eventually(async () => (await list.locator('tbody tr').count()) === 1);
    expect(await list.locator('tbody tr').innerText()).toMatch(/^Valley Schools Cup\s+2026/);
    await page.getByLabel('Find a series').fill('nothing like it');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('No series matches “nothing like it”.').waitFor();
  });

  it('edits a series: name, season, time zone and group labels, with a reason', async () => {
    await page.goto(`${base}/admin/series/${ids.series}`);
    await page.getByRole('button', { name: 'Edit series' }).click();
    await page.getByLabel('Series name').fill('Valley Schools Cup (spring)');
    await page.getByLabel('Time zone').fill('Europe/Dublin');
    await page.getByLabel('Label of group 1').fill('Club');
    await page.getByLabel('Reason for the change').fill('Renamed by the committee');
    await screenshot(page, 'console-manage-series-edit');
    await noSeriousAxeViolations();
    await page.getByRole('button', { name: 'Save series' }).click();
    await page.getByRole('heading', { name: /Valley Schools Cup \(spring\)/ }).waitFor();
    expect(await get(`/api/series/${ids.series}`)).toMatchObject({ name: 'Valley Schools Cup (spring)', season: '2026', timeZone: 'Europe/Dublin', customLabels: { custom1: 'Club' } });
    // A bad time zone is refused in words, in place.
    await page.getByRole('button', { name: 'Edit series' }).click();
    await page.getByLabel('Time zone').fill('Mars/Olympus');
    await page.getByRole('button', { name: 'Save series' }).click();
    expect(await page.getByRole('alert').innerText()).toMatch(/time ?zone/i);
    await page.getByRole('button', { name: 'Cancel' }).click();
  });

  it('shows an event\'s result sets from the API, and edits its star and points multiplier with a reason', async () => {
    await page.getByRole('link', { name: 'Round 1 — Hillside' }).click();
    const sets = page.getByRole('table').filter({ hasText: 'Category' });
    await sets.getByRole('link', { name: `Set ${ids.girls}` }).waitFor();
    expect(await sets.locator('tbody tr').allInnerTexts()).toEqual(
      expect.arrayContaining([expect.stringMatching(/^Set \d+\s+U14 Boys\s+DRAFT\s+0/), expect.stringMatching(new RegExp(`^Set ${ids.girls}\\s+U14 Girls\\s+PROVISIONAL\\s+2`))]),
    );
    await page.getByRole('button', { name: 'Edit event' }).click();
    await page.getByLabel('Points multiplier').fill('2');
    await page.getByLabel('Starred (counts on boards limited to starred events)').check();
    await page.getByLabel('Reason for the change').fill('Final round counts double');
    await screenshot(page, 'console-manage-event-edit');
    await noSeriousAxeViolations();
    await page.getByRole('button', { name: 'Save event' }).click();
    await page.getByText('points ×2').waitFor();
    expect(await get(`/api/events/${ids.round1}`)).toMatchObject({ starred: true, pointsMultiplier: 2, name: 'Round 1 — Hillside' });
    await screenshot(page, 'console-manage-event');
  });

  it('refuses to delete an event that holds published results, saying why in words; deletes an empty one after a confirmation', async () => {
    await page.getByRole('button', { name: 'Delete event' }).click();
    await page.getByRole('button', { name: 'Yes, delete the event and its unpublished results' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'cannot be deleted' });
    await alert.waitFor();
    expect(await alert.innerText()).toContain(`Event ${ids.round1} holds published results (U14 Girls)`);
    await screenshot(page, 'console-manage-event-delete-409');
    expect((await get(`/api/events/${ids.round1}`)).id).toBe(ids.round1);
    await page.goto(`${base}/admin/series/${ids.series}/events/${ids.round2}`);
    await page.getByRole('heading', { name: 'Round 2 — Riverside' }).waitFor();
    await page.getByText('No result sets yet').waitFor();
    await page.getByRole('button', { name: 'Delete event' }).click();
    await page.getByRole('button', { name: 'Cancel' }).click();
    expect((await get(`/api/events/${ids.round2}`)).id).toBe(ids.round2);
    await page.getByRole('button', { name: 'Delete event' }).click();
    await page.getByRole('button', { name: 'Yes, delete the event and its unpublished results' }).click();
    await page.waitForURL(new RegExp(`/admin/series/${ids.series}$`));
    await app.http().get(`/api/events/${ids.round2}`).set(auth).expect(404);
    expect(await page.getByRole('link', { name: 'Round 2 — Riverside' }).count()).toBe(0);
  });

  it('shows a DRAFT\'s warning where the organiser works: on the new set and after a write to it', async () => {
    await page.goto(`${base}/admin/series/${ids.series}/events/${ids.round1}`);
    await page.getByLabel('Category of the new set').fill('U16 Girls');
    await page.getByLabel('State of the new set').selectOption('DRAFT');
    await page.getByRole('button', { name: 'Create result set' }).click();
    await page.waitForURL(/\/admin\/result-sets\/\d+$/);
    ids.draft = Number(page.url().split('/').pop());
    await page.getByLabel('First name', { exact: true }).fill('Cy');
    await page.getByLabel('Last name', { exact: true }).fill('Diaz');
    await page.getByLabel('Place', { exact: true }).fill('1');
    await page.getByRole('button', { name: 'Add result' }).click();
    await page.getByRole('button', { name: 'Edit Cy Diaz' }).waitFor();
    const warning = page.getByRole('status').filter({ hasText: 'Warning' });
    expect(await warning.innerText()).toContain(`Result set ${ids.draft} is a DRAFT: it feeds no leaderboard`);
    await screenshot(page, 'console-manage-draft-warning');
  });

  it('gives a redress a stated score (RRS A9) in an inline edit, and shows it on the row', async () => {
    await page.goto(`${base}/admin/result-sets/${ids.draft}`);
    await page.getByRole('button', { name: 'Edit Cy Diaz' }).click();
    await page.getByLabel('Place of Cy Diaz').fill('');
    await page.getByLabel('Status of Cy Diaz').selectOption('RDG');
    await page.getByLabel('Redress points of Cy Diaz').fill('3.5');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('button', { name: 'Save' }).waitFor({ state: 'detached' });
    // The rows are read again after the save: wait for the new one.
    await page.locator('#rows ~ div tbody tr').filter({ hasText: 'Diaz' }).filter({ hasText: 'RDG (redress 3.5)' }).waitFor();
    const set = await get(`/api/result-sets/${ids.draft}`);
    expect(set.results.find((r: { participant: { lastName: string } }) => r.participant.lastName === 'Diaz')).toMatchObject({ status: 'RDG', redress: { points: 3.5 } });
    // Emptied, the stated score goes: the scale's RDG rule scores the race again.
    await page.getByRole('button', { name: 'Edit Cy Diaz' }).click();
    await page.getByLabel('Redress points of Cy Diaz').fill('');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('button', { name: 'Save' }).waitFor({ state: 'detached' });
    await page.locator('#rows ~ div tbody tr').filter({ hasText: 'Diaz' }).filter({ hasNotText: 'redress' }).waitFor();
    expect((await get(`/api/result-sets/${ids.draft}`)).results.find((r: { participant: { lastName: string } }) => r.participant.lastName === 'Diaz').redress).toBeNull();
  });

  it('sends a reason with an inline result edit and a transition (accents kept), then reads them in the result set\'s history', async () => {
    await page.goto(`${base}/admin/result-sets/${ids.girls}`);
    await page.getByRole('button', { name: 'Edit Bo Chen' }).click();
    await page.getByLabel('Place of Bo Chen').fill('3');
    await page.getByLabel('Reason for the change to Bo Chen').fill('Photo finish re-read — décision du jury');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('button', { name: 'Save' }).waitFor({ state: 'detached' });
    await page.getByLabel('Reason for the state change').fill('Protest time over');
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.locator('h1 .state', { hasText: 'APPROVED' }).waitFor();
    // The set's history: its transition, by ann, with the reason.
    await page.getByRole('link', { name: 'History', exact: true }).click();
    await page.waitForURL(/\/admin\/audit\?entity=result_set&entityId=\d+$/);
    const rows = page.locator('table.audit tbody tr');
    await rows.first().waitFor();
    expect(await rows.first().innerText()).toMatch(/ann\s+result_set\.transition \(result_set \d+\)\s+state: PROVISIONAL → APPROVED[\s\S]*Protest time over/);
    await screenshot(page, 'console-manage-audit-set');
    await noSeriousAxeViolations();
    // The row's history: the place change, with the accented reason as typed.
    await page.goBack();
    await page.getByRole('link', { name: 'History of Bo Chen' }).click();
    await rows.first().waitFor();
    expect(await rows.first().innerText()).toContain('Photo finish re-read — décision du jury');
    const audit = await get(`/api/audit?entity=result&actor=ann`);
    expect(audit.items.map((r: { reason: string | null }) => r.reason)).toContain('Photo finish re-read — décision du jury');
  });

  it('reads the whole audit log, filtered by who and since when, a page at a time', async () => {
    // Enough changes for a second page of 25: the season of another series set back and forth.
    for (let i = 0; i < 8; i++) await app.http().patch(`/api/series/${ids.coast}`).set(auth).send({ season: i % 2 === 0 ? '2023' : '2024' }).expect(200);
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.waitForURL(/\/admin\/audit$/);
    const rows = page.locator('table.audit tbody tr');
    await rows.first().waitFor();
    const all = await get('/api/audit?limit=500');
    expect(all.total).toBeGreaterThan(25);
    expect(await page.locator('table.audit caption').innerText()).toBe(`${all.total} changes, newest first`);
    expect(await rows.count()).toBe(25);
    expect(await rows.first().innerText()).toContain(all.items[0].action);
    await page.getByRole('button', { name: 'Next page' }).click();
    await eventually(async () => (await rows.count()) === Math.min(all.total - 25, 25));
    expect(await rows.first().innerText()).toContain(all.items[25].action);
    await page.getByLabel('Changed by').fill('ann');
    await page.getByLabel('Kind of thing').selectOption('event');
    await page.getByRole('button', { name: 'Show' }).click();
    const events = await get('/api/audit?actor=ann&entity=event');
    // Two events made, one edited, one deleted: all by ann.
    expect(events.items.map((r: { action: string }) => r.action).sort()).toEqual(['event.create', 'event.create', 'event.delete', 'event.update']);
    await eventually(async () => (await page.locator('table.audit caption').innerText()) === '4 changes, newest first');
    expect(await rows.allInnerTexts()).toEqual(events.items.map((r: { action: string }) => expect.stringContaining(r.action)));
    expect(await rows.filter({ hasText: 'event.update' }).innerText()).toMatch(/pointsMultiplier: 1 → 2[\s\S]*Final round counts double/);
    await screenshot(page, 'console-manage-audit-filtered');
    await page.getByLabel('Kind of thing').selectOption('');
    await page.getByLabel('Since').fill('2099-01-01T00:00');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.getByText('Nothing recorded matches.').waitFor();
    expect(page.url()).toContain('actor=ann');
  });

  it('lists the points scales and edits one, the preview following the fields', async () => {
    await page.getByRole('link', { name: 'Points scales' }).click();
    const list = page.getByRole('table').filter({ hasText: 'Kind' });
    await list.getByRole('link', { name: 'Linear 20' }).waitFor();
    expect(await list.locator('tbody tr').allInnerTexts()).toEqual(
      expect.arrayContaining([expect.stringMatching(/^Top 10\s+A table of points by place\s+10, 8, 6$/), expect.stringMatching(/^Linear 20\s+First place's points.*\s+20, 19, 18$/)]),
    );
    await list.getByRole('link', { name: 'Top 10' }).click();
    await page.getByRole('heading', { name: 'Top 10' }).waitFor();
    expect(await page.getByLabel('Points by place').inputValue()).toBe('10, 8, 6, 5, 4, 3, 2, 1');
    await page.getByLabel('Points by place').fill('12, 9, 7, 5, 4, 3, 2, 1');
    const preview = page.locator('table.preview');
    expect(await preview.locator('tbody tr').first().innerText()).toMatch(/^1\s+12$/);
    await page.getByLabel('Reason for the change').fill('Winners get more');
    await page.getByRole('button', { name: 'Save scale' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    expect((await get(`/api/points-scales/${ids.scale}`)).table).toEqual([12, 9, 7, 5, 4, 3, 2, 1]);
    await screenshot(page, 'console-manage-scale-edit');
    await noSeriousAxeViolations();
    const audit = await get(`/api/audit?entity=points_scale&entityId=${ids.scale}`);
    expect(audit.items[0]).toMatchObject({ actor: 'ann', reason: 'Winners get more' });
  });

  it('keeps the status codes: adds one, refuses a built-in in words, changes a meaning, deletes a code only once no result carries it', async () => {
    await page.getByRole('link', { name: 'Status codes' }).click();
    const builtIn = page.getByRole('table', { name: 'Built-in status codes' });
    await builtIn.getByText('DNF', { exact: true }).waitFor();
    expect(await builtIn.locator('tbody tr').allInnerTexts()).toEqual(expect.arrayContaining([expect.stringMatching(/^DNF\s+did not finish$/)]));
    await page.getByText('No codes of your own yet.').waitFor();

    // Typed in lower case: the console sends it in capitals.
    await page.getByLabel('Code', { exact: true }).fill('otl');
    await page.getByLabel('Meaning', { exact: true }).fill('over the time limit');
    await page.getByRole('button', { name: 'Add code' }).click();
    await page.getByRole('status').filter({ hasText: 'Added OTL (over the time limit).' }).waitFor();
    const own = page.getByRole('table', { name: 'Organiser-defined status codes' });
    await own.getByLabel('Meaning of OTL').waitFor();
    expect(await get('/api/status-codes/OTL')).toMatchObject({ code: 'OTL', builtIn: false, label: 'over the time limit' });

    await page.getByLabel('Code', { exact: true }).fill('DNF');
    await page.getByLabel('Meaning', { exact: true }).fill('mine now');
    await page.getByRole('button', { name: 'Add code' }).click();
    expect(await page.getByRole('alert').filter({ hasText: 'code' }).innerText()).toMatch(/DNF/);
    expect((await get('/api/status-codes/DNF')).label).toBe('did not finish');

    await own.getByLabel('Meaning of OTL').fill('outside the time limit');
    await own.getByRole('button', { name: 'Save' }).click();
    await eventually(async () => (await get('/api/status-codes/OTL')).label === 'outside the time limit');

    // A result carries it: the delete is refused, saying why.
    const set = (await app.http().post(`/api/events/${ids.round1}/result-sets`).set(auth).send({ category: 'U12 Girls', state: 'DRAFT' }).expect(201)).body.id;
    const carried = (await app.http().post(`/api/result-sets/${set}/results`).set(auth)
      .send({ participant: { firstName: 'Cy', lastName: 'Diaz' }, status: 'OTL' }).expect(201)).body.id;
    await own.getByRole('button', { name: 'Delete OTL' }).click();
    await own.getByRole('button', { name: 'Yes, delete OTL' }).click();
    const refused = own.getByRole('alert');
    await refused.waitFor();
    expect(await refused.innerText()).toMatch(/OTL/);
    await screenshot(page, 'console-manage-status-codes');
    await noSeriousAxeViolations();
    await get('/api/status-codes/OTL');

    await app.http().delete(`/api/results/${carried}`).set(auth).expect(204);
    await own.getByRole('button', { name: 'Delete OTL' }).click();
    await own.getByRole('button', { name: 'Yes, delete OTL' }).click();
    await page.getByText('No codes of your own yet.').waitFor();
    await app.http().get('/api/status-codes/OTL').expect(404);
    const audit = await get('/api/audit?entity=status_code&entityId=OTL');
    expect(audit.items.map((r: { action: string; actor: string }) => `${r.actor} ${r.action}`)).toEqual(['ann status_code.delete', 'ann status_code.update', 'ann status_code.create']);
  });

  it('finds riders, opens one with every result, and merges a duplicate: refused in words while both rode one race, then done, the old spelling kept as an alias', async () => {
    const post = async (path: string, body: object) => (await app.http().post(path).set(auth).send(body).expect(201)).body;
    const round3 = (await post(`/api/series/${ids.series}/events`, { name: 'Round 3 — Lakeside', date: '2026-04-04' })).id;
    const setA = (await post(`/api/events/${ids.round1}/result-sets`, { category: 'U16 Boys', state: 'PROVISIONAL' })).id;
    const setB = (await post(`/api/events/${round3}/result-sets`, { category: 'U16 Boys', state: 'PROVISIONAL' })).id;
    await post(`/api/result-sets/${setA}/results`, { participant: { firstName: 'John', lastName: 'Smith' }, position: 1, status: 'FIN' });
    await post(`/api/result-sets/${setA}/results`, { participant: { firstName: 'Jon', lastName: 'Smith' }, position: 2, status: 'FIN' });
    await post(`/api/result-sets/${setB}/results`, { participant: { firstName: 'Jon', lastName: 'Smith' }, position: 1, status: 'FIN' });
    const riders = (await get('/api/participants?q=smith')).items as { id: number; firstName: string; results: number }[];
    const john = riders.find((r) => r.firstName === 'John')!;
    const jon = riders.find((r) => r.firstName === 'Jon')!;
    expect([john.results, jon.results]).toEqual([1, 2]);

    await page.getByRole('link', { name: 'Riders', exact: true }).click();
    await page.getByLabel('Find a rider').fill('smith');
    await page.getByRole('button', { name: 'Search' }).click();
    const found = page.getByRole('table').filter({ hasText: 'Licence' });
    // The unfiltered list shows first (it holds the Smiths too): wait for the search's answer.
    await eventually(async () => (await found.locator('tbody tr').count()) === 2);
    expect((await found.locator('tbody tr').allInnerTexts()).sort()).toEqual([expect.stringMatching(/^John Smith\s+—\s+1$/), expect.stringMatching(/^Jon Smith\s+—\s+2$/)]);
    await screenshot(page, 'console-manage-riders');
    await noSeriousAxeViolations();
    await found.getByRole('link', { name: 'John Smith' }).click();
    await page.getByRole('heading', { name: 'John Smith', exact: true }).waitFor();
    expect(await page.locator('#rider-results ~ div tbody tr').allInnerTexts()).toEqual([expect.stringMatching(/^2026-03-07\s+Valley Schools Cup \(spring\)\s+Round 1 — Hillside\s+U16 Boys\s+1\s+PROVISIONAL/)]);

    // Both rode U16 Boys at Round 1: the merge is refused, naming that race, and nothing moves.
    await page.getByLabel('Find the duplicate').fill('jon');
    await page.getByRole('button', { name: 'Search' }).click();
    const mergeLabel = `Merge Jon Smith (rider ${jon.id}) into this rider`;
    await page.getByRole('button', { name: mergeLabel }).click();
    await page.getByRole('button', { name: `Yes, merge rider ${jon.id} into John Smith` }).click();
    const refused = page.getByRole('alert').filter({ hasText: 'Both riders have a result in' });
    await refused.waitFor();
    expect(await refused.innerText()).toMatch(/Round 1 — Hillside/);
    await screenshot(page, 'console-manage-merge-409');
    expect((await get(`/api/participants/${jon.id}`)).results).toHaveLength(2);

    // The organiser fixes that race by a revision without Jon's row (the typo of John's), published,
    // then merges: the superseded version of the race, which still has both, does not stand in the way.
    const revision = (await post(`/api/result-sets/${setA}/revisions`, {})).id;
    await app.http().put(`/api/result-sets/${revision}/results`).set(auth)
      .send([{ participant: { firstName: 'John', lastName: 'Smith' }, position: 1, status: 'FIN' }]).expect(200);
    await app.http().post(`/api/result-sets/${revision}/transitions`).set(auth).send({ to: 'PROVISIONAL' }).expect(200);
    await page.getByLabel('Reason for the merge').fill('Same rider, name misspelt at Round 3');
    await page.getByRole('button', { name: mergeLabel }).click();
    await page.getByRole('button', { name: `Yes, merge rider ${jon.id} into John Smith` }).click();
    await page.getByRole('status').filter({ hasText: `Merged rider ${jon.id}: 1 result moved` })
      .filter({ hasText: '1 result dropped from superseded versions of races both riders were in (listed in the audit log)' }).waitFor();
    await eventually(async () => (await page.locator('#rider-results ~ div tbody tr').count()) === 2);
    await app.http().get(`/api/participants/${jon.id}`).set(auth).expect(404);
    const aliases = page.locator('#aliases ~ ul li');
    await aliases.first().waitFor();
    expect(await aliases.innerText()).toMatch(new RegExp(`^Jon Smith from rider ${jon.id}`));
    await screenshot(page, 'console-manage-rider-merged');
    const merged = (await get(`/api/audit?entity=participant&actor=ann`)).items.find((r: { action: string }) => /merge/.test(r.action));
    expect(merged).toMatchObject({ reason: 'Same rider, name misspelt at Round 3' });

    // The alias removed, after a confirmation.
    await page.getByRole('button', { name: 'Remove alias Jon Smith' }).click();
    await page.getByRole('button', { name: 'Yes, remove the alias' }).click();
    await page.getByText('No aliases').waitFor();
    expect((await get(`/api/participants/${john.id}`)).aliases).toEqual([]);
  });

  it('works at 375 px wide: the series list, an event, the audit log, the status codes and a rider', async () => {
    await page.setViewportSize({ width: 375, height: 812 });
    await page.goto(`${base}/admin/`);
    await page.getByRole('link', { name: 'Coast League' }).waitFor();
    await fitsIn375();
    await screenshot(page, 'console-manage-series-list-375');
    await page.goto(`${base}/admin/series/${ids.series}/events/${ids.round1}`);
    await page.getByRole('button', { name: 'Edit event' }).waitFor();
    await fitsIn375();
    await screenshot(page, 'console-manage-event-375');
    await page.goto(`${base}/admin/audit`);
    await page.locator('table.audit tbody tr').first().waitFor();
    await fitsIn375();
    await screenshot(page, 'console-manage-audit-375');
    await app.http().post('/api/status-codes').set(auth).send({ code: 'LAP', label: 'lapped, finished a lap down' }).expect(201);
    await page.goto(`${base}/admin/status-codes`);
    await page.getByLabel('Meaning of LAP').waitFor();
    await fitsIn375();
    await screenshot(page, 'console-manage-status-codes-375');
    await page.goto(`${base}/admin/riders`);
    await page.getByRole('link', { name: 'John Smith' }).waitFor();
    await fitsIn375();
    await page.getByRole('link', { name: 'John Smith' }).click();
    await page.getByRole('heading', { name: 'John Smith', exact: true }).waitFor();
    // No merge candidates offered before the organiser searches for one.
    expect(await page.getByRole('button', { name: /^Merge / }).count()).toBe(0);
    await fitsIn375();
    await screenshot(page, 'console-manage-rider-375');
  });
});
