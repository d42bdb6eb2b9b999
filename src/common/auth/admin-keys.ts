import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compares a presented key with every configured key in constant time: keys are hashed first
 * so lengths never leak, and every key is checked even after a match.
 */
export class AdminKeys {
  private readonly digests: Buffer[];

  constructor(keys: readonly string[]) {
    this.digests = keys.map(digest);
  }

  get configured(): boolean {
    return this.digests.length > 0;
  }

  matches(presented: string): boolean {
    const candidate = digest(presented);
    let found = false;
    for (const known of this.digests) found = timingSafeEqual(known, candidate) || found;
    return found;
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
