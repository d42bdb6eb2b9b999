import { MigrationInterface, QueryRunner } from 'typeorm';

/** Every status code a result may carry (src/calculators/packed-format.ts STATUSES, as of this migration). */
const CODES = ['FIN', 'DNF', 'DNS', 'DSQ', 'DNC', 'OCS', 'ZFP', 'UFD', 'BFD', 'SCP', 'NSC', 'RET', 'RAF', 'DNE', 'DGM', 'DPI', 'RDG'];
/** Codes of a rider who keeps a place: a finisher, or a penalty on the place. */
const PLACED = ['FIN', 'ZFP', 'SCP', 'DPI'];
/** The codes that did not exist before, unplaced, that a scale written before them scores as DNF. */
const NEW_UNPLACED = ['DNC', 'OCS', 'UFD', 'BFD', 'NSC', 'RET', 'RAF', 'DNE', 'DGM'];

const list = (codes: string[]) => codes.map((c) => `'${c}'`).join(', ');

/**
 * Status codes (issue 15): results take every RRS code, a placed one only for a finisher or a
 * penalty on the place; boards say whether a missed race is a DNC; a scale says per code how it
 * scores (`config.codes`).
 *
 * Existing scales keep their meaning exactly: their rules, implicit until now, are written into
 * `codes` as the calculators read a scale without codes (status-codes.ts): DNF, DNS and DSQ score
 * their statusPoints, else one worse than the starters in low point, else 0; the new unplaced codes
 * score as DNF; a penalty code keeps its place's points; redress is the average. Existing boards
 * get `missed = 'NONE'` (no points for a missed race, as before).
 */
export class StatusCodes1796000000000 implements MigrationInterface {
  name = 'StatusCodes1796000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE race_result DROP CONSTRAINT race_result_status_check`);
    await q.query(`ALTER TABLE race_result ADD CONSTRAINT race_result_status_check CHECK (status IN (${list(CODES)}))`);
    await q.query(`ALTER TABLE race_result DROP CONSTRAINT race_result_placed_finisher_ck`);
    await q.query(`ALTER TABLE race_result ADD CONSTRAINT race_result_placed_finisher_ck CHECK (position IS NULL OR status IN (${list(PLACED)}))`);
    await q.query(`ALTER TABLE leaderboard ADD COLUMN missed text NOT NULL DEFAULT 'NONE' CHECK (missed IN ('NONE', 'DNC'))`);
    await q.query(legacyScaleCodesSql());
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE points_scale SET config = config - 'codes'`);
    await q.query(`ALTER TABLE leaderboard DROP COLUMN missed`);
    await q.query(`ALTER TABLE race_result DROP CONSTRAINT race_result_placed_finisher_ck`);
    await q.query(`ALTER TABLE race_result ADD CONSTRAINT race_result_placed_finisher_ck CHECK (position IS NULL OR status = 'FIN')`);
    await q.query(`ALTER TABLE race_result DROP CONSTRAINT race_result_status_check`);
    await q.query(`ALTER TABLE race_result ADD CONSTRAINT race_result_status_check CHECK (status IN ('FIN', 'DNF', 'DNS', 'DSQ'))`);
  }
}

/** Writes each scale's implicit rules into `codes` (scales that have `codes` are left alone: the statement can run again). */
function legacyScaleCodesSql(): string {
  const fallback = `CASE WHEN (config->>'lowPoint')::boolean IS TRUE THEN '{"base": "STARTERS", "plus": 1}'::jsonb ELSE '0'::jsonb END`;
  const own = (code: string) => `'${code}', COALESCE(config->'statusPoints'->'${code}', ${fallback})`;
  const asDnf = (code: string) => `'${code}', COALESCE(config->'statusPoints'->'DNF', ${fallback})`;
  const pairs = [
    ...['DNF', 'DNS', 'DSQ'].map(own),
    ...NEW_UNPLACED.map(asDnf),
    ...['ZFP', 'SCP', 'DPI'].map((c) => `'${c}', '{"penaltyPoints": 0}'::jsonb`),
    `'RDG', '{"redress": "AVERAGE"}'::jsonb`,
  ];
  return `UPDATE points_scale SET config = config || jsonb_build_object('codes', jsonb_build_object(${pairs.join(', ')})) WHERE NOT config ? 'codes'`;
}
