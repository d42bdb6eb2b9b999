import { readFileSync } from 'node:fs';
import { COMMITTED_TYPES, liveOpenApiDocument, typesFor } from '../../scripts/console-api';

/**
 * The console's API types (web/src/api/schema.d.ts) are generated from the running app's OpenAPI
 * document. When an endpoint changes and nobody regenerates them, this fails: run `npm run console:api`.
 */
describe('the console API types', () => {
  it('match what the running app publishes at /api/docs-json', async () => {
    const live = typesFor(await liveOpenApiDocument());
    const committed = readFileSync(COMMITTED_TYPES, 'utf8');
    if (live !== committed) throw new Error('web/src/api/schema.d.ts is stale: run `npm run console:api` and commit the result');
    expect(live).toBe(committed);
  });
});
