/**
 * Private PostgreSQL and Redis servers for the chaos suite, on free ports, so stopping,
 * restarting and flushing them never touches the machine's shared 5432/6379.
 */
import { ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import IORedis from 'ioredis';
import { Client } from 'pg';
import { eventually } from '../../support/test-app';

const PG_BIN = process.env.CHAOS_PG_BIN ?? '/usr/lib/postgresql/15/bin';
/** PostgreSQL refuses to run as root: as root, its tools run as the postgres OS user; otherwise as ourselves. */
const AS_ROOT = process.getuid?.() === 0;

function postgresCommand(tool: string, args: string[]): [string, string[]] {
  return AS_ROOT ? ['runuser', ['-u', 'postgres', '--', join(PG_BIN, tool), ...args]] : [join(PG_BIN, tool), args];
}

import { freePort } from '../../support/free-port';

export { freePort };

/**
 * What must go when the suite ends however it ends (a failed test, Ctrl-C, a jest timeout):
 * synchronous steps, because a process 'exit' handler cannot wait.
 */
const cleanups = new Map<object, () => void>();
let hooked = false;

export function onCleanup(owner: object, step: () => void): void {
  cleanups.set(owner, step);
  if (hooked) return;
  hooked = true;
  process.once('exit', runCleanups);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      runCleanups();
      process.exit(130);
    });
  }
}

export function dropCleanup(owner: object): void {
  cleanups.delete(owner);
}

export function runCleanups(): void {
  for (const [owner, step] of [...cleanups].reverse()) {
    cleanups.delete(owner);
    try {
      step();
    } catch {
      // Best effort: the next step still runs.
    }
  }
}

/** Kills a child synchronously if it is still alive. */
export function killNow(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (child.exitCode === null && child.signalCode === null) {
    try {
      child.kill(signal);
    } catch {
      // Already gone.
    }
  }
}

export function exited(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** A PostgreSQL cluster made with initdb in a fresh temp dir and run with pg_ctl (as the postgres OS user when we are root). */
export class PrivatePostgres {
  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  get dataDir(): string {
    return join(this.dir, 'data');
  }

  get adminUrl(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  url(database: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  static async start(): Promise<PrivatePostgres> {
    const dir = mkdtempSync(join(tmpdir(), 'podium-chaos-pg-'));
    const pg = new PrivatePostgres(await freePort(), dir);
    onCleanup(pg, () => pg.destroySync());
    if (AS_ROOT) {
      const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
      chownSync(dir, uid, gid);
    }
    pg.asPostgres('initdb', ['-D', pg.dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
    await pg.startServer();
    return pg;
  }

  async startServer(): Promise<void> {
    this.pgCtl(['start', '-w', '-t', '60']);
    await this.ready();
  }

  stopServer(mode: 'fast' | 'immediate' = 'fast'): void {
    this.pgCtl(['stop', '-w', '-m', mode]);
  }

  async restart(): Promise<void> {
    this.pgCtl(['restart', '-w', '-m', 'fast', '-t', '60']);
    await this.ready();
  }

  async stop(): Promise<void> {
    this.destroySync();
    dropCleanup(this);
  }

  private async ready(): Promise<void> {
    await eventually(async () => {
      const client = new Client({ connectionString: this.adminUrl });
      try {
        await client.connect();
        await client.query('SELECT 1');
        return true;
      } finally {
        await client.end().catch(() => undefined);
      }
    }, 30_000, 100);
  }

  private pgCtl(args: string[]): void {
    const options = `-p ${this.port} -c listen_addresses=127.0.0.1 -k ${this.dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
    this.asPostgres('pg_ctl', [...args, '-D', this.dataDir, '-l', join(this.dir, 'postgres.log'), '-o', options]);
  }

  private asPostgres(tool: string, args: string[]): void {
    const result = spawnSync(...postgresCommand(tool, args), { encoding: 'utf8', timeout: 120_000 });
    if (result.status !== 0) {
      throw new Error(`${tool} ${args[0]} failed (exit ${result.status}): ${result.stderr || result.stdout}`);
    }
  }

  private destroySync(): void {
    spawnSync(...postgresCommand('pg_ctl', ['stop', '-w', '-m', 'immediate', '-D', this.dataDir]), { timeout: 30_000 });
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A redis-server child on a free port, without persistence: stopping it loses every key, as an outage of a cache-only Redis does. */
export class PrivateRedis {
  private child: ChildProcess | null = null;

  private constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort());
    onCleanup(redis, () => redis.child && killNow(redis.child));
    await redis.startServer();
    return redis;
  }

  get running(): boolean {
    return this.child !== null;
  }

  async startServer(): Promise<void> {
    this.child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await eventually(() => this.ping(), 15_000, 50);
  }

  async stopServer(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = null;
    killNow(child, 'SIGTERM');
    if (!(await exited(child, 10_000))) {
      killNow(child);
      await exited(child, 5_000);
    }
  }

  async flushAll(): Promise<void> {
    const client = new IORedis(this.url, { maxRetriesPerRequest: 1 });
    try {
      await client.flushall();
    } finally {
      client.disconnect();
    }
  }

  async stop(): Promise<void> {
    await this.stopServer();
    dropCleanup(this);
  }

  private async ping(): Promise<boolean> {
    const client = new IORedis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return (await client.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      client.disconnect();
    }
  }
}
