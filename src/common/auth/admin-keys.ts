import { createHash, timingSafeEqual } from 'node:crypto';
import type { AdminKeyEntry } from '../../config/config';

/**
 * Compares a presented key with every configured key in constant time: keys are hashed first
 * so lengths never leak, and every key is checked even after a match.
 */
export class AdminKeys {
  private readonly known: { name: string; digest: Buffer }[];

  constructor(keys: readonly AdminKeyEntry[]) {
    this.known = keys.map((key) => ({ name: key.name, digest: digest(key.secret) }));
  }

  get configured(): boolean {
    return this.known.length > 0;
  }

  matches(presented: string): boolean {
    return this.holderOf(presented) !== null;
  }

  /** The name of the presented key's holder (the audit log's actor), or null for no valid key. */
  holderOf(presented: string): string | null {
    const candidate = digest(presented);
    let holder: string | null = null;
    for (const key of this.known) {
      if (timingSafeEqual(key.digest, candidate) && holder === null) holder = key.name;
    }
    return holder;
  }

  /** The key from an `Authorization: Bearer <key>` header, or null. */
  static fromHeader(header: string | undefined): string | null {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    return match ? match[1] : null;
  }

  /**
   * The password of an `Authorization: Basic <user:password>` header, or null: a browser page
   * (the queue dashboard) cannot send a bearer header, but asks for a user and password.
   */
  static fromBasicHeader(header: string | undefined): string | null {
    const match = /^Basic\s+([A-Za-z0-9+/]+={0,2})\s*$/i.exec(header ?? '');
    if (!match) return null;
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon >= 0 && colon < decoded.length - 1 ? decoded.slice(colon + 1) : null;
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
