/**
 * Array parameters as PostgreSQL array literals, built ahead of the query: a batch's statements
 * can then follow each other with no JavaScript between them (pg would otherwise serialise tens
 * of thousands of elements while the database waits).
 */

/** A PostgreSQL array literal of integers: `{1,NULL,3}`. */
export function intArray(values: readonly (number | null | undefined)[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    out += (i === 0 ? '' : ',') + (v == null ? 'NULL' : String(v));
  }
  return `${out}}`;
}

const NEEDS_ESCAPE = /[\\"]/;

/** A PostgreSQL array literal of texts, every element quoted: `{"a","b \"c\"",NULL}` for a, b "c", null. */
export function textArray(values: readonly (string | null | undefined)[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const element = v == null ? 'NULL' : `"${NEEDS_ESCAPE.test(v) ? v.replace(/[\\"]/g, '\\$&') : v}"`;
    out += (i === 0 ? '' : ',') + element;
  }
  return `${out}}`;
}
