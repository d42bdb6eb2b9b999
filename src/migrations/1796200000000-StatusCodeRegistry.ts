import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every status code a result may carry (src/calculators/packed-format.ts STATUSES and STATUS_CODE,
 * as of this migration) with its number in race packs and its meaning.
 */
const BUILT_IN: [code: string, number: number, label: string][] = [
  ['FIN', 0, 'finished'], ['DNF', 1, 'did not finish'], ['DNS', 2, 'did not start'], ['DSQ', 3, 'disqualified'],
  ['DNC', 4, 'did not come to the starting area'], ['OCS', 5, 'on the course side at the start'],
  ['ZFP', 6, '20% penalty under rule 30.2'], ['UFD', 7, 'disqualified under rule 30.3'], ['BFD', 8, 'disqualified under rule 30.4'],
  ['SCP', 9, 'scoring penalty applied'], ['NSC', 10, 'did not sail the course'], ['RET', 11, 'retired'],
  ['RAF', 12, 'retired after finishing'], ['DNE', 13, 'disqualification that is not excludable'],
  ['DGM', 14, 'disqualification for gross misconduct, not excludable'], ['DPI', 15, 'discretionary penalty imposed'],
  ['RDG', 16, 'redress given'],
];

/**
 * Organiser-defined status codes (issue 15: "plus an organiser-defined list"). Scales are
 * deployment-wide, so the codes are too: one table of every code, the built-ins (numbers below
 * 32, as the race packs have always had them) and the organiser's (numbers from 32, from a
 * sequence, so a number is never given twice). race_result.status refers to it instead of
 * checking a fixed list, so a code in use cannot be deleted and an unknown one cannot be stored;
 * the placed-status check stays (an organiser-defined code is unplaced). Race packs already
 * cached stay valid: the built-ins keep their numbers.
 *
 * The partial index finds the results of organiser-defined codes (the delete's check) without
 * indexing the built-in statuses every result has.
 */
export class StatusCodeRegistry1796200000000 implements MigrationInterface {
  name = 'StatusCodeRegistry1796200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SEQUENCE status_code_number_seq AS smallint MINVALUE 32 MAXVALUE 254 NO CYCLE`);
    await q.query(`
      CREATE TABLE status_code (
        code text PRIMARY KEY CHECK (code ~ '^[A-Z][A-Z0-9]{1,9}$'),
        number smallint NOT NULL UNIQUE DEFAULT nextval('status_code_number_seq') CHECK (number BETWEEN 0 AND 254),
        built_in boolean NOT NULL DEFAULT false,
        label text NOT NULL CHECK (length(label) BETWEEN 1 AND 200),
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT status_code_number_range_ck CHECK (built_in = (number < 32))
      )`);
    await q.query(`ALTER SEQUENCE status_code_number_seq OWNED BY status_code.number`);
    await q.query(
      `INSERT INTO status_code (code, number, built_in, label) SELECT code, number, true, label FROM unnest($1::text[], $2::smallint[], $3::text[]) AS b(code, number, label)`,
      [BUILT_IN.map((b) => b[0]), BUILT_IN.map((b) => b[1]), BUILT_IN.map((b) => b[2])],
    );
    await q.query(`ALTER TABLE race_result DROP CONSTRAINT race_result_status_check`);
    await q.query(`ALTER TABLE race_result ADD CONSTRAINT race_result_status_fk FOREIGN KEY (status) REFERENCES status_code (code)`);
    await q.query(`CREATE INDEX race_result_registered_status_idx ON race_result (status) WHERE status NOT IN (${BUILT_IN.map((b) => `'${b[0]}'`).join(', ')})`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX race_result_registered_status_idx`);
    await q.query(`ALTER TABLE race_result DROP CONSTRAINT race_result_status_fk`);
    await q.query(`ALTER TABLE race_result ADD CONSTRAINT race_result_status_check CHECK (status IN (${BUILT_IN.map((b) => `'${b[0]}'`).join(', ')}))`);
    await q.query(`DROP TABLE status_code`);
  }
}
