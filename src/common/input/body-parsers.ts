import type { NestExpressApplication } from '@nestjs/platform-express';

/** Room for a full result list (PUT …/results takes up to 10 000 rows); spreadsheets go through multipart. */
export const JSON_BODY_LIMIT_BYTES = 5 * 1024 * 1024;
/** The one form is the retry link's confirmation: a 43-character token. */
export const FORM_BODY_LIMIT_BYTES = 1024;

/**
 * Express's JSON and urlencoded parsers with Podium's limits. Registered before Nest's
 * defaults, which are then skipped. Their errors (size, charset, encoding) reach the error
 * filter, which answers them with their 4xx (see request-errors.ts).
 */
export function useBodyParsers(app: NestExpressApplication): void {
  app.useBodyParser('json', { limit: JSON_BODY_LIMIT_BYTES });
  // Flat fields only (no qs nesting): the form has one.
  app.useBodyParser('urlencoded', { limit: FORM_BODY_LIMIT_BYTES, extended: false, parameterLimit: 10 });
}
