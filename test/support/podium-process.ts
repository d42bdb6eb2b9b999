import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { eventually } from './test-app';

/** One line of a Podium process's output: the parsed JSON when it is a JSON log line. */
export interface OutputLine {
  text: string;
  json: Record<string, unknown> | null;
}

/** Podium's real entry point (src/main.ts) in a child process, its stdout read line by line. */
export class PodiumProcess {
  readonly lines: OutputLine[] = [];
  stderr = '';
  private readonly child: ChildProcess;
  private readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(env: Record<string, string>) {
    this.child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', join(__dirname, '../../src/main.ts')], {
      cwd: join(__dirname, '../..'),
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.exited = once(this.child, 'exit').then(([code, signal]) => ({ code, signal }));
    let pending = '';
    this.child.stdout!.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      const parts = pending.split('\n');
      pending = parts.pop()!;
      for (const text of parts) this.lines.push({ text, json: parseJson(text) });
    });
    this.child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString('utf8')));
  }

  get stdout(): string {
    return this.lines.map((l) => l.text).join('\n');
  }

  /** The first line that matches, waiting for it (the process's stderr is in the failure message). */
  async line(match: (line: OutputLine) => boolean, timeoutMs = 30_000): Promise<OutputLine> {
    try {
      return await eventually(async () => this.lines.find(match), timeoutMs);
    } catch (err) {
      throw new Error(`${(err as Error).message}\nstdout:\n${this.stdout}\nstderr:\n${this.stderr}`);
    }
  }

  /** Sends the signal and waits for the exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }

  /** Ends the process whatever state it is in (afterAll). */
  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }
}

function parseJson(text: string): Record<string, unknown> | null {
  try {
    const value = JSON.parse(text);
    return typeof value === 'object' && value !== null ? value : null;
  } catch {
    return null;
  }
}

/** A TCP port free right now, for a child process that must be told its port up front. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}
