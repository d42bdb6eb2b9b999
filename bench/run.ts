import { cpus, loadavg } from 'node:os';

/** The machine line every bench starts with: cores, CPU model, Node, load average. */
export function machineLine(): string {
  return `machine: ${cpus().length} × ${cpus()[0].model}, node ${process.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`;
}

/** Runs a bench's main: exits 0 when it resolves (unless `stayAlive`: a child serving), 1 with the error. */
export function runBench(main: () => Promise<void>, stayAlive = false): void {
  main().then(
    () => {
      if (!stayAlive) process.exit(0);
    },
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
