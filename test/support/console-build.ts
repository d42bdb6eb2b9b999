import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/**
 * Builds the organiser console (web/) into dist/admin, as `npm run build` does, so the tests
 * that load /admin see the current sources. Run once per jest run, from the global setup: files
 * running in parallel must not rebuild the folder under each other.
 */
export function buildConsole(): void {
  execFileSync(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '-c', join(ROOT, 'web', 'vite.config.ts'), '--logLevel', 'error'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}
