/**
 * A 64-bit running digest over numbers and strings: two 32-bit lanes, each step a bijection of
 * the lane's state (xor the word, multiply by an odd constant, xorshift), so two inputs that
 * differ in one word never collide, and a MurmurHash3 finish. Not cryptographic: it tells
 * whether a standings entry changed since the last run, where a collision (about a 2^-64
 * chance per changed entry) would leave one row stale until its next change, and nobody gains
 * by forging one.
 */
export class Digest {
  private a = 0x9747b28c;
  private b = 0x2d358dcc;
  private length = 0;
  private static readonly float = new Float64Array(1);
  private static readonly words = new Int32Array(Digest.float.buffer);

  /** A 32-bit word (an int32 or uint32). */
  word(k: number): this {
    this.a = stepA(this.a, k);
    this.b = stepB(this.b, k);
    this.length += 1;
    return this;
  }

  /**
   * Any number: an int32 as (itself, 0), anything else by its exact 64 bits (NaN for "none" is
   * one value like any other). The cheap path costs no float store; no other double has 0 as
   * its high word but the denormals, which no standings value is.
   */
  number(x: number): this {
    if ((x | 0) === x) return this.word(x).word(0);
    Digest.float[0] = x;
    return this.word(Digest.words[0]).word(Digest.words[1]);
  }

  /** Four int32 then a number: a breakdown line's words in one call (the hot loop of a digest). */
  words4(k1: number, k2: number, k3: number, k4: number, x: number): this {
    let lo = x;
    let hi = 0;
    if ((x | 0) !== x) {
      Digest.float[0] = x;
      lo = Digest.words[0];
      hi = Digest.words[1];
    }
    let a = this.a;
    let b = this.b;
    a = stepA(stepA(stepA(stepA(stepA(stepA(a, k1), k2), k3), k4), lo), hi);
    b = stepB(stepB(stepB(stepB(stepB(stepB(b, k1), k2), k3), k4), lo), hi);
    this.a = a;
    this.b = b;
    this.length += 6;
    return this;
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

  /** The digest as two int32, to feed into other digests as 64 bits. */
  words(): [number, number] {
    return [finish(this.a, this.length), finish(this.b, this.length)];
  }

  /** 16 hex digits (from a table: Number#toString(16) costs more than all the rest of a digest). */
  hex(): string {
    const a = finish(this.a, this.length);
    const b = finish(this.b, this.length);
    return HEX[a >>> 24] + HEX[(a >>> 16) & 255] + HEX[(a >>> 8) & 255] + HEX[a & 255]
      + HEX[b >>> 24] + HEX[(b >>> 16) & 255] + HEX[(b >>> 8) & 255] + HEX[b & 255];
  }
}

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

function stepA(h: number, k: number): number {
  h = Math.imul(h ^ k, 0x9e3779b1);
  return h ^ (h >>> 15);
}

function stepB(h: number, k: number): number {
  h = Math.imul(h ^ k, 0x85ebca77);
  return h ^ (h >>> 13);
}

function finish(h: number, length: number): number {
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
