import { intArray, textArray } from './pg-arrays';

// pg's own serialiser, which these literals stand in for ahead of the query.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { prepareValue } = require('pg/lib/utils') as { prepareValue: (value: unknown) => string };

describe('array literals built ahead of a query', () => {
  it('writes texts as pg would: quoted, backslashes and quotes escaped, NULL for null', () => {
    const awkward = ['plain', '', ' spaced ', 'a,b', '{braces}', 'say "hi"', 'back\\slash', '\\"', 'NULL', 'null', 'Zoë Ó’Brien', 'tab\there', 'line\nbreak', null, undefined];
    expect(textArray(awkward)).toBe(prepareValue(awkward.map((v) => v ?? null)));
    expect(textArray([])).toBe('{}');
  });

  it('writes integers bare, NULL for null', () => {
    expect(intArray([1, null, -3, 2_147_483_647, undefined])).toBe('{1,NULL,-3,2147483647,NULL}');
    expect(intArray([])).toBe('{}');
  });
});
