import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Builds the app once into .chaos/dist (not dist/, which `npm start` uses), from scratch so a
 * deleted source file (a migration) cannot linger. Checks the tools the suite needs first.
 */
export default function globalSetup(): void {
  const root = join(__dirname, '..', '..');
  const pgBin = process.env.CHAOS_PG_BIN ?? '/usr/lib/postgresql/15/bin';
  for (const [tool, args] of [[join(pgBin, 'initdb'), ['--version']], ['redis-server', ['--version']]] as const) {
    try {
      execFileSync(tool, args, { stdio: 'ignore' });
    } catch (err) {
      throw new Error(`The chaos suite needs ${tool} (${(err as Error).message}); set CHAOS_PG_BIN for another PostgreSQL install`);
    }
  }
  rmSync(join(root, '.chaos', 'dist'), { recursive: true, force: true });
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json'), '--outDir', join(root, '.chaos', 'dist')], {
    cwd: root,
    stdio: 'inherit',
  });
}
