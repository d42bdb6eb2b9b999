import { FINGERPRINT_MEMO_ROWS, FingerprintMemo } from './fingerprint-memo';

const rows = (n: number) => new Map(Array.from({ length: n }, (_, i) => [`k${i}`, { id: i + 1, fingerprint: `f${i}` }]));

describe('FingerprintMemo', () => {
  it('keeps boards up to a number of rows, not of boards: a fleet of small boards is kept whole', () => {
    const memo = new FingerprintMemo();
    expect(FINGERPRINT_MEMO_ROWS).toBeGreaterThanOrEqual(1_000 * 60);
    for (let board = 1; board <= 1_000; board++) memo.keep(board, board, `t${board}`, rows(60));
    expect(memo.size).toEqual({ boards: 1_000, rows: 60_000 });
    expect(memo.get(1, 1, 't1')?.size).toBe(60);
  });

  it('drops the least recently used boards past the limit, never the one just kept', () => {
    const memo = new FingerprintMemo();
    memo.limitRows = 10;
    memo.keep(1, 11, 'a', rows(4));
    memo.keep(2, 12, 'b', rows(4));
    expect(memo.get(1, 11, 'a')).not.toBeNull(); // board 1 is now the most recently used
    memo.keep(3, 13, 'c', rows(4));
    expect(memo.get(2, 12, 'b')).toBeNull();
    expect(memo.size).toEqual({ boards: 2, rows: 8 });
    memo.keep(4, 14, 'd', rows(25));
    expect(memo.size).toEqual({ boards: 1, rows: 25 });
    expect(memo.get(4, 14, 'd')?.size).toBe(25);
    // Keeping a board again replaces its rows in the count.
    memo.keep(4, 14, 'e', rows(3));
    expect(memo.size).toEqual({ boards: 1, rows: 3 });
    expect(memo.get(4, 14, 'd')).toBeNull();
    memo.clear();
    expect(memo.size).toEqual({ boards: 0, rows: 0 });
  });
});
