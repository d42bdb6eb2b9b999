/**
 * Podium's real entry point as separate processes (APP_ROLE=api / worker), from the build the
 * chaos global setup makes once in .chaos/dist: a compiled start takes about a second where
 * ts-node would transpile the app again on every one of the suite's many worker restarts.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { FAST_WORKER_TIMING } from '../../support/sync';
import { ADMIN_KEY, eventually } from '../../support/test-app';
import { exited, freePort, killNow, onCleanup, dropCleanup } from './servers';

export const CHAOS_ROOT = join(__dirname, '..', '..', '..');
export const CHAOS_BUILD = join(CHAOS_ROOT, '.chaos', 'dist');

export interface PodiumEnv {
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
}

const READY_LINE = 'Podium ready: role ';

export class PodiumProcess {
  private readonly output: string[] = [];
  private readonly child: ChildProcess;
  readonly ready: Promise<void>;

  private constructor(
    readonly role: 'api' | 'worker',
    readonly name: string,
    env: Record<string, string>,
    readonly port: number | null,
  ) {
    this.child = spawn(process.execPath, [join(CHAOS_BUILD, 'main.js')], {
      cwd: CHAOS_ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    onCleanup(this, () => killNow(this.child));
    let started!: () => void;
    let failed!: (err: Error) => void;
    this.ready = new Promise<void>((resolve, reject) => {
      started = resolve;
      failed = reject;
    });
    this.ready.catch(() => undefined);
    const collect = (chunk: Buffer) => {
      const text = chunk.toString();
      if (text.includes(READY_LINE)) started();
      this.output.push(text);
      if (this.output.length > 400) this.output.splice(0, this.output.length - 400);
    };
    this.child.stdout!.on('data', collect);
    this.child.stderr!.on('data', collect);
    this.child.once('exit', (code, signal) => {
      dropCleanup(this);
      failed(new Error(`${this.name} exited (${code ?? signal}) before it was ready:\n${this.tail()}`));
    });
  }

  static async api(env: PodiumEnv): Promise<PodiumProcess> {
    const port = await freePort();
    const api = new PodiumProcess('api', 'api', childEnv(env, 'api', { PORT: String(port) }), port);
    await withDeadline(api.ready, 60_000, `api did not start within 60 s:\n${api.tail()}`);
    return api;
  }

  static async worker(env: PodiumEnv, name: string, waitReady = true): Promise<PodiumProcess> {
    const worker = new PodiumProcess('worker', name, childEnv(env, 'worker', {}), null);
    if (waitReady) await withDeadline(worker.ready, 60_000, `${name} did not start within 60 s:\n${worker.tail()}`);
    return worker;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number {
    return this.child.pid!;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  get exitStatus(): string {
    return String(this.child.exitCode ?? this.child.signalCode);
  }

  kill(signal: NodeJS.Signals): void {
    killNow(this.child, signal);
  }

  /** Resolves true once the process has exited, false if it is still alive after the timeout. */
  exited(timeoutMs: number): Promise<boolean> {
    return exited(this.child, timeoutMs);
  }

  async stop(): Promise<void> {
    this.kill('SIGTERM');
    if (!(await this.exited(15_000))) {
      this.kill('SIGKILL');
      await this.exited(5_000);
    }
  }

  tail(lines = 30): string {
    return this.output.join('').split('\n').slice(-lines).join('\n');
  }
}

function childEnv(env: PodiumEnv, role: 'api' | 'worker', extra: Record<string, string>): Record<string, string> {
  return {
    ...FAST_WORKER_TIMING,
    NODE_ENV: 'test',
    APP_ROLE: role,
    DATABASE_URL: env.databaseUrl,
    REDIS_URL: env.redisUrl,
    REDIS_PREFIX: env.redisPrefix,
    ADMIN_API_KEYS: ADMIN_KEY,
    // info: the "Podium ready" line is how a process (a worker has no HTTP port) says it is up.
    LOG_LEVEL: 'info',
    MAIL_OUTBOX_DIR: join(CHAOS_ROOT, '.chaos', 'outbox'),
    ...extra,
  };
}

async function withDeadline<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

export { eventually };
