import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { destroySandbox, eventually, newSandbox } from '../support/test-app';

/**
 * A worker process (APP_ROLE=worker) starts with app.init(), not listen(): Nest flushes the
 * logs it buffers during start-up only in listen(), so without an explicit flush a worker
 * logged nothing at all, its errors included.
 */
describe('worker process logs', () => {
  const sandbox = newSandbox({ LOG_LEVEL: 'info', APP_ROLE: 'worker' });
  afterAll(() => destroySandbox(sandbox));

  it('a worker process writes its log, from the start-up lines on', async () => {
    const root = join(__dirname, '..', '..');
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', join(root, 'src', 'main.ts')], {
      cwd: root,
      env: { ...process.env, ...sandbox.env, TS_NODE_SWC: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    try {
      await eventually(async () => output.includes('Nest application successfully started'), 30_000).catch(() => {
        throw new Error(`no start-up line from the worker within 30 s; it wrote: ${JSON.stringify(output.slice(-2000))}`);
      });
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
    }
  });
});
