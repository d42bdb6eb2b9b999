/**
 * A 64-bit running digest over numbers and strings: two MurmurHash3-style 32-bit lanes with
 * different seeds. Not cryptographic: it tells whether a standings entry changed since the last
 * run, where a collision (a 2^-64 chance per changed entry) would leave one row stale until its
 * next change, and nobody gains by forging one.
 */
export class Digest {
  private a = 0x9747b28c;
  private b = 0x2d358dcc;
  private length = 0;
  private static readonly float = new Float64Array(1);
  private static readonly words = new Int32Array(Digest.float.buffer);

  /** A 32-bit word (an int32 or uint32). */
  word(k: number): this {
    this.a = round(this.a, k);
    this.b = round(this.b, k ^ 0x5bd1e995);
    this.length += 1;
    return this;
  }

  /** Any number, by its exact 64 bits (NaN for "none" is one value like any other). */
  number(x: number): this {
    Digest.float[0] = x;
    return this.word(Digest.words[0]).word(Digest.words[1]);
  }

  /** A string, with its length first so that ("ab", "c") and ("a", "bc") differ. */
  string(s: string): this {
    this.word(s.length);
    for (let i = 0; i < s.length; i += 2) this.word(s.charCodeAt(i) | (i + 1 < s.length ? s.charCodeAt(i + 1) << 16 : 0));
    return this;
  }

  /** A string or null (null differs from every string). */
  optional(s: string | null): this {
    return s === null ? this.word(-1) : this.string(s);
  }

  /** A 32-bit summary (one lane), for small identities fed into other digests. */
  word32(): number {
    return finish(this.a, this.length);
  }

  /** 16 hex digits. */
  hex(): string {
    const a = finish(this.a, this.length);
    const b = finish(this.b, this.length);
    return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
  }
}

function round(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function finish(h: number, length: number): number {
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
