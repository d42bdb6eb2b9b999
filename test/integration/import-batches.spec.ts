import { AuditTrail } from '../../src/audit/audit-trail';
import { TransactionRunner } from '../../src/common/database/transaction-runner';
import { PendingRecalcRepository } from '../../src/pending-recalc/pending-recalc.repository';
import { ImportBatching, ImportValidationError, ResultsImportService } from '../../src/results/import/results-import.service';
import { ParticipantsRepository } from '../../src/results/participants.repository';
import { RaceRowsRepository } from '../../src/results/race-rows.repository';
import { ResultSetsRepository } from '../../src/results/result-sets.repository';
import { StatusCodesRepository } from '../../src/results/status-codes/status-codes.repository';
import { Fixtures } from '../support/fixtures';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * Rows reach the database a batch per statement, and the batches are cut by size and by how
 * busy the database is. Whatever the cut, an import must match the same riders and accept or
 * refuse the same file: each scenario here runs with every row its own batch, two rows a
 * batch, and the whole file in one batch, and must come out the same.
 */
const BATCHINGS: [string, ImportBatching][] = [
  ['a batch per row', { batchSize: 1, minBatchSize: 1 }],
  ['two rows a batch', { batchSize: 2, minBatchSize: 2 }],
  ['one batch', { batchSize: 5_000, minBatchSize: 5_000 }],
];

const HEADER = 'Category,Place,Bib,First Name,Last Name,School,Licence';

/** What an import did, told without ids: which rows share a rider, and which rider each row is. */
interface Outcome {
  status: 200 | 422;
  errors?: unknown[];
  /** Per category, each row (by bib) with its rider: "before:<bib>" for a rider of the earlier import, "new:<bib>" for one made by this import (named after its first row). */
  riders?: Record<string, [string, string][]>;
  /** The re-import of the same file matched every row to the same rider and rewrote nothing. */
  reimport?: 'unchanged' | unknown;
  /** Each rider's name as saved, by label. */
  names?: Record<string, string>;
}

describe('import rider matching does not depend on where batches are cut', () => {
  let t: TestApp;
  let fx: Fixtures;
  let seriesId: number;
  let run = 0;

  beforeAll(async () => {
    t = await startTestApp();
    fx = new Fixtures(t);
    seriesId = await fx.series();
  });
  afterAll(() => t?.close());

  const importer = (batching: ImportBatching = {}) => new ResultsImportService(
    t.app.get(TransactionRunner), t.app.get(ResultSetsRepository), t.app.get(RaceRowsRepository), t.app.get(ParticipantsRepository), t.app.get(PendingRecalcRepository), t.app.get(AuditTrail), t.app.get(StatusCodesRepository), t.config, batching,
  );

  const footprint = async () => (await t.db.query(`
    SELECT (SELECT count(*) FROM race_result WHERE group_key IS NULL)::int AS rows,
           (SELECT count(*) FROM participant)::int AS participants,
           (SELECT count(*) FROM result_set WHERE event_id IS NOT NULL)::int AS sets`))[0];

  /** Rider of each row of the event, by category, as [bib, participant id]. */
  const ridersOf = async (eventId: number): Promise<Record<string, [string, number, number][]>> => {
    const rows: { category: string; bib: string; participant_id: number; id: number }[] = await t.db.query(
      `SELECT s.category, r.bib, r.participant_id, r.id FROM race_result r JOIN result_set s ON s.id = r.result_set_id
        WHERE s.event_id = $1 AND r.group_key IS NULL ORDER BY s.category, r.bib`, [eventId]);
    const out: Record<string, [string, number, number][]> = {};
    for (const r of rows) (out[r.category] ??= []).push([r.bib, r.participant_id, r.id]);
    return out;
  };

  /**
   * Runs `lines` (CSV rows after HEADER; {L} is a surname and {X} a licence unique to the run)
   * with `batching`, after `before` (imported whole into an earlier event, or into the same
   * one with `into: 'same event'`) when given.
   */
  async function outcome(batching: ImportBatching, lines: string[], before: string[] = [], into: 'earlier event' | 'same event' = 'earlier event'): Promise<Outcome> {
    run += 1;
    const tag = String.fromCharCode(97 + (run % 26)) + String.fromCharCode(97 + Math.floor(run / 26));
    const fill = (l: string) => l.replaceAll('{L}', `Lee${tag}`).replaceAll('{X}', `LIC-${tag}`);
    const csv = (ls: string[]) => Buffer.from([HEADER, ...ls.map(fill)].join('\n'));
    const known = new Map<number, string>();
    const eventId = await fx.event(seriesId);
    if (before.length > 0) {
      const earlier = into === 'same event' ? eventId : await fx.event(seriesId);
      await importer().import({ eventId: earlier, file: csv(before) });
      for (const rows of Object.values(await ridersOf(earlier))) for (const [bib, p] of rows) known.set(p, `before:${bib}`);
    }
    const ahead = await footprint();
    try {
      await importer(batching).import({ eventId, file: csv(lines) });
    } catch (err) {
      if (!(err instanceof ImportValidationError)) throw err;
      // Refused: nothing of it may be left behind.
      expect(await footprint()).toEqual(ahead);
      // Told apart from the other runs' only by their names and ids.
      const errors = err.details.errors.map((e) => ({
        ...e, message: e.message.replaceAll(`Lee${tag}`, '{L}').replace(/participant (\d+)/g, (_, id) => `participant ${known.get(Number(id)) ?? 'new'}`),
      }));
      return { status: 422, errors };
    }
    const first = await ridersOf(eventId);
    const label = (p: number, bib: string) => {
      if (!known.has(p)) known.set(p, `new:${bib}`);
      return known.get(p)!;
    };
    const riders = Object.fromEntries(Object.entries(first).map(([c, rows]) => [c, rows.map(([bib, p]): [string, string] => [bib, label(p, bib)])]));
    let reimport: unknown = 'unchanged';
    try {
      await importer(batching).import({ eventId, file: csv(lines) });
      const again = await ridersOf(eventId);
      if (JSON.stringify(again) !== JSON.stringify(first)) reimport = { before: first, after: again };
    } catch (err) {
      reimport = err instanceof ImportValidationError ? err.details.errors : String(err);
    }
    const saved: { id: number; name: string }[] = await t.db.query(
      `SELECT id, first_name || ' ' || last_name AS name FROM participant WHERE id = ANY($1::int[])`, [[...known.keys()]]);
    const names = Object.fromEntries(saved.map((p) => [known.get(p.id)!, p.name.replaceAll(`Lee${tag}`, '{L}')]));
    return { status: 200, riders, reimport, names };
  }

  /** The outcome under every batching: they must all be the same, and this is it. */
  async function same(lines: string[], before?: string[], into?: 'earlier event' | 'same event'): Promise<Outcome> {
    const outcomes: [string, Outcome][] = [];
    for (const [name, batching] of BATCHINGS) outcomes.push([name, await outcome(batching, lines, before, into)]);
    for (const [name, o] of outcomes.slice(1)) expect([name, o]).toEqual([name, outcomes[0][1]]);
    return outcomes[0][1];
  }

  const filler = ['U14 Boys,3,b3,Cy,Diaz{L},,', 'U14 Boys,4,b4,Di,Eng{L},,'];

  it('a rider with a school and a namesake without one, both new: two riders, whatever the cut', async () => {
    const o = await same(['U14 Boys,1,b1,Ann,{L},School X,', ...filler, 'U14 Boys,2,b2,Ann,{L},,']);
    expect(o).toMatchObject({
      status: 200,
      reimport: 'unchanged',
      riders: { 'U14 Boys': [['b1', 'new:b1'], ['b2', 'new:b2'], ['b3', 'new:b3'], ['b4', 'new:b4']] },
    });
  });

  it('the same two in the other order', async () => {
    const o = await same(['U14 Boys,2,b2,Ann,{L},,', ...filler, 'U14 Boys,1,b1,Ann,{L},School X,']);
    expect(o).toMatchObject({ status: 200, reimport: 'unchanged' });
    expect(o.riders!['U14 Boys'].filter(([bib]) => bib === 'b1' || bib === 'b2')).toEqual([['b1', 'new:b1'], ['b2', 'new:b2']]);
  });

  it('two rows that both match one ungrouped rider already known: 422 naming both rows, whatever the cut', async () => {
    const o = await same(['U14 Boys,1,b1,Ann,{L},School X,', ...filler, 'U14 Boys,2,b2,Ann,{L},,'], ['U14 Boys,1,a1,Ann,{L},,']);
    expect(o).toEqual({
      status: 422,
      errors: [{ sheet: null, row: 5, column: null, message: expect.stringMatching(/^the same rider as row 2 in category "U14 Boys"/) }],
    });
  });

  it('two schools that both match one ungrouped rider already known: 422, whatever the cut', async () => {
    const o = await same(['U14 Boys,1,b1,Ann,{L},School X,', ...filler, 'U14 Boys,2,b2,Ann,{L},School Y,'], ['U14 Boys,1,a1,Ann,{L},,']);
    expect(o).toMatchObject({ status: 422, errors: [{ row: 5, message: expect.stringMatching(/the same rider as row 2/) }] });
  });

  it('a row matched by name to a licensed rider, and that rider\'s licence on another row: 422 in either order', async () => {
    const before = ['U14 Boys,1,a1,Ann,{L},,{X}'];
    const byName = 'U14 Boys,1,b1,Ann,{L},,';
    const byLicence = 'U14 Boys,2,b2,Anna,{L},,{X}';
    expect(await same([byName, ...filler, byLicence], before)).toMatchObject({ status: 422, errors: [{ row: 5, message: expect.stringMatching(/the same rider as row 2/) }] });
    expect(await same([byLicence, ...filler, byName], before)).toMatchObject({ status: 422, errors: [{ row: 5, message: expect.stringMatching(/the same rider as row 2/) }] });
  });

  it('riders of a school keep to their own namesake; a row without a school takes the ungrouped one', async () => {
    const before = ['U14 Boys,1,a1,Ann,{L},School X,', 'U14 Boys,2,a2,Ann,{L},,'];
    const o = await same(['U14 Boys,1,b1,Ann,{L},School X,', ...filler, 'U14 Boys,2,b2,Ann,{L},,'], before);
    expect(o).toMatchObject({ status: 200, reimport: 'unchanged' });
    expect(o.riders!['U14 Boys'].filter(([bib]) => bib === 'b1' || bib === 'b2')).toEqual([['b1', 'before:a1'], ['b2', 'before:a2']]);
  });

  it('a new rider in two categories of one file is one rider; a namesake without the school is another', async () => {
    const o = await same([
      'U14 Boys,1,b1,Ann,{L},School X,', 'U14 Girls,1,g1,Ann,{L},,', 'U14 Boys,2,b2,Bo,{L},,', 'U14 Girls,2,g2,ann,{L},school x,',
    ]);
    expect(o).toMatchObject({
      status: 200,
      reimport: 'unchanged',
      riders: { 'U14 Boys': [['b1', 'new:b1'], ['b2', 'new:b2']], 'U14 Girls': [['g1', 'new:g1'], ['g2', 'new:b1']] },
    });
  });

  it('a corrected file that moves a known rider to a school still sees them as they were: 422 for a second school', async () => {
    // The set held one ungrouped Ann; the corrected file gives her School X, and another Ann School Y.
    const o = await same(['U14 Boys,1,b1,Ann,{L},School X,', ...filler, 'U14 Boys,2,b2,Ann,{L},School Y,'], ['U14 Boys,1,a1,Ann,{L},,'], 'same event');
    expect(o).toMatchObject({ status: 422, errors: [{ row: 5, message: expect.stringMatching(/the same rider as row 2/) }] });
  });

  it('a corrected file that moves a known rider to a school, alone: the move is saved', async () => {
    const o = await same(['U14 Boys,1,b1,Ann,{L},School X,', ...filler], ['U14 Boys,1,a1,Ann,{L},,'], 'same event');
    expect(o).toMatchObject({ status: 200, reimport: 'unchanged', riders: { 'U14 Boys': [['b1', 'before:a1'], ['b3', 'new:b3'], ['b4', 'new:b4']] } });
    const [{ school }] = await t.db.query(
      `SELECT v.name AS school FROM race_result r JOIN custom_list_value v ON v.id = r.custom1_id WHERE r.bib = 'b1' ORDER BY r.id DESC LIMIT 1`);
    expect(school).toBe('School X');
  });

  it('spellings follow the file, not the order categories were written in', async () => {
    // With two rows a batch, the boys' batch is written before the girls' first row.
    const o = await same(['U14 Girls,1,g1,ann,{L},,', 'U14 Boys,1,b1,Cy,{L},,', 'U14 Boys,2,b2,Ann,{L},,',
      'U14 Girls,2,g2,Evie,{L},,{X}', 'U14 Boys,3,b3,Di,{L},,', 'U14 Boys,4,b4,Evelyn,{L},,{X}'], ['U14 Boys,1,a1,Eve,{L},,{X}']);
    expect(o).toMatchObject({ status: 200, reimport: 'unchanged' });
    // A new rider keeps the first row's spelling; a licence takes the last row's.
    expect(o.riders).toEqual({ 'U14 Boys': [['b1', 'new:b1'], ['b2', 'new:b2'], ['b3', 'new:b3'], ['b4', 'before:a1']], 'U14 Girls': [['g1', 'new:b2'], ['g2', 'before:a1']] });
    expect(o.names).toMatchObject({ 'new:b2': 'ann {L}', 'before:a1': 'Evelyn {L}' });
  });

  it('reports every pair, in file order, and writes nothing', async () => {
    const before = ['U14 Boys,1,a1,Ann,{L},,', 'U14 Boys,2,a2,Bo,{L},,'];
    const o = await same(['U14 Boys,1,b1,Ann,{L},School X,', 'U14 Boys,2,b2,Bo,{L},School X,', 'U14 Boys,3,b3,Ann,{L},,', 'U14 Boys,4,b4,Bo,{L},,'], before);
    expect(o).toMatchObject({ status: 422, errors: [{ row: 4, message: expect.stringMatching(/row 2/) }, { row: 5, message: expect.stringMatching(/row 3/) }] });
  });
});
