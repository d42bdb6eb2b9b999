import { Inject, Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { createHash } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '../../config/config';

/** A rendered representation and its strong validator. */
export interface Rendered {
  body: string;
  etag: string;
}

/**
 * Rendered pages and JSON standings, keyed by what they were rendered from: the board, the
 * standings version (which changes whenever the standings are written) and the request's
 * page parameters. A change of standings makes a new key, so nothing stale can be served; the
 * old entries age out of the bounded LRU (PAGE_CACHE_ENTRIES).
 */
@Injectable()
export class RenderCache {
  private readonly cache: LRUCache<string, Rendered>;

  constructor(@Inject(APP_CONFIG) config: Pick<AppConfig, 'pageCacheEntries'>) {
    this.cache = new LRUCache({ max: config.pageCacheEntries });
  }

  /** The cached rendering of `key`, or `render()` stored under it with an ETag derived from the key. */
  async get(key: string, render: () => Promise<string>): Promise<Rendered> {
    const hit = this.cache.get(key);
    if (hit) return hit;
    const rendered = { body: await render(), etag: strongEtag(key) };
    this.cache.set(key, rendered);
    return rendered;
  }
}

export function strongEtag(key: string): string {
  return `"${createHash('sha1').update(key).digest('base64url')}"`;
}
