/**
 * The packed-race format, its one owner: a race's results as one flat Int32Array,
 * INTS_PER_RESULT ints per result (see PackedRace). The database packs race_result rows into
 * this format in SQL (packedResultSql, cached on the result set) and the calculators read it
 * in TypeScript; both are built from the constants below, so they cannot drift apart.
 *
 * Hot loops import the flat constants from this module itself (through the barrel,
 * src/calculators/index.ts, a CommonJS re-export is a getter, called once per result) and hold
 * them in module constants (`const { PLACE_AT: PLACE } = format`): read off the exports object
 * in the loop, they measured 2-6 % slower at a million results.
 */

/**
 * A result's status; its code in packed results is its index in STATUSES. The first four are
 * the original ones and keep their codes (0-3), so race packs cached before the other codes
 * existed read the same. The rest are the Racing Rules of Sailing's scoring abbreviations
 * (Appendix A11), which timing systems of other sports share in part (RET, DNF, DNS, DSQ).
 */
export type Status =
  | 'FIN' | 'DNF' | 'DNS' | 'DSQ'
  | 'DNC' | 'OCS' | 'ZFP' | 'UFD' | 'BFD' | 'SCP' | 'NSC' | 'RET' | 'RAF' | 'DNE' | 'DGM' | 'DPI' | 'RDG';
export const STATUSES: readonly Status[] = [
  'FIN', 'DNF', 'DNS', 'DSQ',
  'DNC', 'OCS', 'ZFP', 'UFD', 'BFD', 'SCP', 'NSC', 'RET', 'RAF', 'DNE', 'DGM', 'DPI', 'RDG',
];
/** Each status's code (its index in STATUSES). */
export const STATUS_CODE = {
  FIN: 0, DNF: 1, DNS: 2, DSQ: 3,
  DNC: 4, OCS: 5, ZFP: 6, UFD: 7, BFD: 8, SCP: 9, NSC: 10, RET: 11, RAF: 12, DNE: 13, DGM: 14, DPI: 15, RDG: 16,
} as const satisfies Record<Status, number>;
/**
 * Statuses of a rider who finished and keeps a place: a finisher, or one with a scoring penalty
 * on the place (ZFP, SCP: a percentage; DPI: points). Every other status is unplaced.
 */
export const PLACED_STATUSES: readonly Status[] = ['FIN', 'ZFP', 'SCP', 'DPI'];
/** The code SQL gives a status it does not know; the calculators reject it (validatePackedRace). */
export const UNKNOWN_STATUS_CODE = 255;
/**
 * Organiser-defined codes (the deployment's `status_code` registry): each code's number in packed
 * results, from FIRST_REGISTERED_CODE to UNKNOWN_STATUS_CODE - 1. A number is never reused and a
 * code in use cannot be deleted, so a cached pack never holds a number that now means another code.
 */
export type RegisteredCodes = Readonly<Record<string, number>>;
/** Above the built-ins with room to spare: built-in codes added later take numbers below it. */
export const FIRST_REGISTERED_CODE = 32;
/**
 * 1 for a placed status, by code (for the loops over packed results). Sized for every code a pack
 * can hold: organiser-defined codes are unplaced (0), and a loop never reads past the end.
 */
export const PLACED_BY_CODE: Uint8Array = new Uint8Array(UNKNOWN_STATUS_CODE + 1);
STATUSES.forEach((s, code) => (PLACED_BY_CODE[code] = PLACED_STATUSES.includes(s) ? 1 : 0));

/** "None" in an id slot (participant, custom values). */
export const NO_ID = -1;
/** "None" in the place slot. */
export const NO_PLACE = 0;
/** "None" in the time slot (times are whole milliseconds ≥ 0). */
export const NO_TIME = -1;

export const INTS_PER_RESULT = 8;
/** Where each value of a result sits in its INTS_PER_RESULT ints: the result's own id, for error messages. */
export const ID_AT = 0;
export const PARTICIPANT_AT = 1;
/** Custom list value ids of the three grouping slots. */
export const CUSTOM1_AT = 2;
export const CUSTOM2_AT = 3;
export const CUSTOM3_AT = 4;
export const PLACE_AT = 5;
/** The status's code (STATUS_CODE). */
export const STATUS_AT = 6;
/** The elapsed time in whole milliseconds (time-based scales), NO_TIME when there is none. */
export const TIME_AT = 7;

/** The offsets by name (for code that picks a slot by name, off the hot paths). */
export const PACKED = {
  id: ID_AT,
  participant: PARTICIPANT_AT,
  custom1: CUSTOM1_AT,
  custom2: CUSTOM2_AT,
  custom3: CUSTOM3_AT,
  place: PLACE_AT,
  status: STATUS_AT,
  time: TIME_AT,
} as const;

/** A status's code: a built-in's, else its registered number (UNKNOWN_STATUS_CODE when it has none). */
export function statusCode(status: string, registered?: RegisteredCodes): number {
  return STATUS_CODE[status as Status] ?? registered?.[status] ?? UNKNOWN_STATUS_CODE;
}

/** The table of every status code, built-in and organiser-defined, in SQL: code → number. */
export const STATUS_CODE_TABLE = 'status_code';


/**
 * Each slot's value from a race_result row aliased `r`, as SQL. The row's columns are
 * whole numbers the schema keeps within int4; status is text.
 */
const SLOT_SQL: Record<keyof typeof PACKED, (r: string) => string> = {
  id: (r) => `${r}.id`,
  participant: (r) => `COALESCE(${r}.participant_id, ${NO_ID})`,
  custom1: (r) => `COALESCE(${r}.custom1_id, ${NO_ID})`,
  custom2: (r) => `COALESCE(${r}.custom2_id, ${NO_ID})`,
  custom3: (r) => `COALESCE(${r}.custom3_id, ${NO_ID})`,
  place: (r) => `COALESCE(${r}.position, ${NO_PLACE})`,
  // Built-ins by a CASE (no lookup for them); an organiser-defined code by its registry number.
  status: (r) => `CASE ${r}.status ${STATUSES.map((s) => `WHEN '${s}' THEN ${STATUS_CODE[s]}`).join(' ')}`
    + ` ELSE COALESCE((SELECT c.number FROM ${STATUS_CODE_TABLE} c WHERE c.code = ${r}.status), ${UNKNOWN_STATUS_CODE}) END`,
  time: (r) => `COALESCE(${r}.time_ms, ${NO_TIME})`,
};

/**
 * The SQL expression (bytea) packing one race_result row aliased `r`: its INTS_PER_RESULT ints
 * in slot order, big-endian (unpackRace reads it). Two int4 go into one int8send: half the calls.
 */
export function packedResultSql(r: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(r)) throw new Error(`not a table alias: ${r}`);
  const slots = (Object.keys(PACKED) as (keyof typeof PACKED)[]).sort((a, b) => PACKED[a] - PACKED[b]);
  if (slots.length !== INTS_PER_RESULT || slots.some((slot, i) => PACKED[slot] !== i)) throw new Error('PACKED offsets must be 0 … INTS_PER_RESULT - 1');
  const values = slots.map((slot) => SLOT_SQL[slot](r));
  const parts: string[] = [];
  for (let i = 0; i < values.length; i += 2) {
    parts.push(i + 1 < values.length
      ? `int8send((${values[i]})::int8 << 32 | ((${values[i + 1]})::int8 & 4294967295))`
      : `int4send(${values[i]})`);
  }
  return parts.join(' || ');
}

/** A race's pack as packedResultSql made it (big-endian bytes) as packed results in host order. */
export function unpackRace(packed: Uint8Array): Int32Array {
  if (packed.length % (INTS_PER_RESULT * 4) !== 0) throw new Error(`packed results of ${packed.length} bytes are not whole results`);
  const results = new Int32Array(packed.length / 4);
  const bytes = Buffer.from(results.buffer, results.byteOffset, packed.length);
  bytes.set(packed);
  bytes.swap32();
  return results;
}
