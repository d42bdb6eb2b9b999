import type { RequestHandler } from 'express';
import helmet from 'helmet';
import { AppConfig } from '../../config/config';

/** 180 days; no includeSubDomains: Podium cannot speak for other hosts under its domain. */
const HSTS_MAX_AGE_S = 180 * 24 * 3600;

/**
 * Helmet's headers with a Content-Security-Policy that same-origin pages live with: scripts only
 * from Podium itself (no inline script, which is what an injected payload needs), styles from
 * Podium plus inline ones (Swagger UI and the retry page use them; they cannot run code).
 * HSTS and upgrade-insecure-requests only when PUBLIC_URL is https: on plain HTTP they would
 * break every later visit.
 */
export function securityHeaders(config: AppConfig): RequestHandler {
  const https = config.publicUrl.startsWith('https:');
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        baseUri: ["'self'"],
        objectSrc: ["'none'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: config.frameAncestors,
        upgradeInsecureRequests: https ? [] : null,
      },
    },
    strictTransportSecurity: https ? { maxAge: HSTS_MAX_AGE_S, includeSubDomains: false } : false,
    xFrameOptions: legacyFrameOptions(config.frameAncestors),
  }) as RequestHandler;
}

/**
 * X-Frame-Options for browsers without frame-ancestors. It can only say "nobody" or "same
 * origin", so with other allowed origins it is left out (it would forbid what the CSP allows).
 */
function legacyFrameOptions(frameAncestors: string[]): { action: 'deny' | 'sameorigin' } | false {
  if (frameAncestors.length === 1 && frameAncestors[0] === "'none'") return { action: 'deny' };
  if (frameAncestors.length === 1 && frameAncestors[0] === "'self'") return { action: 'sameorigin' };
  return false;
}
