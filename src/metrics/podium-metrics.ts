import { Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

const RUN_OUTCOMES = ['completed', 'retry', 'failed'] as const;
export type RunOutcomeKind = (typeof RUN_OUTCOMES)[number];
export interface PhaseTimings {
  loadMs: number;
  computeMs: number;
  writeMs: number;
}

/**
 * The app's Prometheus instruments, in a registry of its own (not prom-client's global one) so
 * several apps in one process — the tests — never clash. Code records into these; the scrape-time
 * gauges (queue, database) live in ScrapeGauges.
 */
@Injectable()
export class PodiumMetrics {
  readonly registry = new Registry();

  private readonly runs = new Counter({
    name: 'podium_recalc_runs_total',
    help: 'Recalculation runs finished by this process, by trigger and outcome (retry: a transient failure BullMQ retries)',
    labelNames: ['trigger', 'outcome'] as const,
    registers: [this.registry],
  });

  private readonly phases = new Histogram({
    name: 'podium_recalc_phase_duration_seconds',
    help: 'Duration of the phases of completed recalculation runs (load, compute, write)',
    labelNames: ['phase'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });

  private readonly mails = new Counter({
    name: 'podium_failure_emails_total',
    help: 'Failure e-mails sent or failed to send by this process',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  private readonly http = new Histogram({
    name: 'podium_http_request_duration_seconds',
    help: 'HTTP request duration by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    // Every series exists from the start at 0, so rate() and alerts see the first failure.
    for (const outcome of ['sent', 'failed']) this.mails.inc({ outcome }, 0);
  }

  /**
   * Creates the run counters of these triggers at 0. The recalculation feature names its
   * triggers at start-up, so that metrics (below it) need not import it.
   */
  declareRunTriggers(triggers: readonly string[]): void {
    for (const trigger of triggers) for (const outcome of RUN_OUTCOMES) this.runs.inc({ trigger, outcome }, 0);
  }

  runFinished(trigger: string, outcome: RunOutcomeKind): void {
    this.runs.inc({ trigger, outcome });
  }

  runPhases(timings: PhaseTimings): void {
    this.phases.observe({ phase: 'load' }, timings.loadMs / 1000);
    this.phases.observe({ phase: 'compute' }, timings.computeMs / 1000);
    this.phases.observe({ phase: 'write' }, timings.writeMs / 1000);
  }

  mailSent(): void {
    this.mails.inc({ outcome: 'sent' });
  }

  mailFailed(): void {
    this.mails.inc({ outcome: 'failed' });
  }

  /**
   * Express middleware timing every request. The route label is the matched pattern
   * (`/api/leaderboards/:id`), never the raw URL, so label values stay few whatever clients send.
   */
  httpMiddleware() {
    return (req: Request, res: Response, next: NextFunction): void => {
      const end = this.http.startTimer({ method: req.method });
      res.once('finish', () => end({ route: routePattern(req), status: String(res.statusCode) }));
      next();
    };
  }
}

/** The pattern the request matched, or "unmatched" (a 404 or a request rejected before routing). */
function routePattern(req: Request): string {
  const path: unknown = (req as Request & { route?: { path?: unknown } }).route?.path;
  if (typeof path !== 'string') return 'unmatched';
  return `${req.baseUrl ?? ''}${path}` || '/';
}
