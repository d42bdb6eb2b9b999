import type { Request, Response } from 'express';

/**
 * Sets the validators of a cacheable read and answers 304 when the client already has this
 * version. Public answers may be kept by shared caches but must be revalidated every time;
 * an admin's answer (which can show unpublished standings) is private.
 */
export function notModified(req: Request, res: Response, etag: string, audience: 'public' | 'private'): boolean {
  res.setHeader('ETag', etag);
  res.setHeader('Cache-Control', `${audience}, max-age=0, must-revalidate`);
  // One URL, two audiences: a shared cache must not hand an admin's answer to the public.
  res.setHeader('Vary', 'Authorization');
  const sent = req.headers['if-none-match'];
  if (sent && sent.split(',').map((s) => s.trim().replace(/^W\//, '')).includes(etag)) {
    res.status(304);
    return true;
  }
  return false;
}
