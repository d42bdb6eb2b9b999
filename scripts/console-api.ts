/**
 * The console's typed API client comes from the app's own OpenAPI document: this boots Podium on a
 * throwaway database and Redis prefix (the document is built from the live Nest app, which needs
 * its database to start), reads /api/docs-json and turns it into web/src/api/schema.d.ts with
 * openapi-typescript. `npm run console:api` rewrites the committed file;
 * test/integration/console-api-types.spec.ts fails when the committed file is stale.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApp } from '../test/support/test-app';

export const COMMITTED_TYPES = join(__dirname, '..', 'web', 'src', 'api', 'schema.d.ts');

/** The OpenAPI document as the running app serves it. */
export async function liveOpenApiDocument(): Promise<unknown> {
  const t = await startTestApp({ API_DOCS: 'true' });
  try {
    const res = await t.http().get('/api/docs-json');
    if (res.status !== 200) throw new Error(`/api/docs-json answered ${res.status}`);
    return res.body;
  } finally {
    await t.close();
  }
}

/** openapi-typescript's output for a document (its CLI: the package is ESM-only, this file is not). */
export function typesFor(document: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'podium-openapi-'));
  try {
    const input = join(dir, 'openapi.json');
    const output = join(dir, 'schema.d.ts');
    writeFileSync(input, JSON.stringify(document));
    const cli = join(__dirname, '..', 'node_modules', 'openapi-typescript', 'bin', 'cli.js');
    execFileSync(process.execPath, [cli, input, '--output', output], { stdio: 'pipe' });
    return readFileSync(output, 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  liveOpenApiDocument()
    .then((doc) => {
      writeFileSync(COMMITTED_TYPES, typesFor(doc));
      process.stdout.write(`Wrote ${COMMITTED_TYPES}\n`);
    })
    .catch((err) => {
      process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    });
}
