/**
 * `npm run demo`: loads the demo season into a running Podium and prints where to look.
 * PODIUM_URL (default http://localhost:3000); ADMIN_API_KEY (default: the first of
 * ADMIN_API_KEYS in .env, else the development key of .env.example).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { loadDemo } from './demo/demo-loader';

function firstKeyIn(file: string): string | undefined {
  const path = join(__dirname, '..', '..', file);
  if (!existsSync(path)) return undefined;
  const keys = parseEnv(readFileSync(path, 'utf8')).ADMIN_API_KEYS;
  return keys?.split(',').map((k) => k.trim()).find(Boolean);
}

async function main(): Promise<void> {
  const baseUrl = (process.env.PODIUM_URL || 'http://localhost:3000').replace(/\/+$/, '');
  const adminKey = process.env.ADMIN_API_KEY || firstKeyIn('.env') || firstKeyIn('.env.example');
  if (!adminKey) throw new Error('No admin key: set ADMIN_API_KEY, or ADMIN_API_KEYS in .env');
  console.log(`Loading the demo season into ${baseUrl} …`);
  const { seriesId, boards, created } = await loadDemo({ baseUrl, adminKey, log: (line) => console.log(`  ${line}`) });
  console.log(created ? '\nDone.' : '\nThe demo season was loaded before; nothing was added.');
  console.log(`\n  ${baseUrl}/                      home`);
  console.log(`  ${baseUrl}/series/${seriesId}             the series`);
  for (const board of boards) {
    console.log(`\n  ${board.name} (${board.type})`);
    console.log(`    page  ${baseUrl}/leaderboards/${board.id}`);
    console.log(`    JSON  ${baseUrl}/api/leaderboards/${board.id}/standings`);
    console.log(`    CSV   ${baseUrl}/api/leaderboards/${board.id}/standings.csv   (and .xlsx)`);
  }
  console.log(`\n  API docs: ${baseUrl}/api/docs`);
}

main().catch((err: Error) => {
  console.error(`Demo failed: ${err.message}`);
  if (/ECONNREFUSED|fetch failed/.test(String(err.message) + String((err as { cause?: unknown }).cause))) {
    console.error('Is Podium running? Start it with `npm run podium` (or set PODIUM_URL).');
  }
  process.exit(1);
});
