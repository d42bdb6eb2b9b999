import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { Request, Response } from 'express';
import { concatMap, filter, Observable, share } from 'rxjs';
import { StandingsChangedEvent } from '../../common/events/catalogue';
import { EventStreams } from '../../common/events/event-streams';
import { TooManyStreamsError } from '../../common/errors/domain-errors';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { StandingsRepository } from './standings.repository';

interface Change {
  leaderboardId: number;
  /** The SSE event id: the board's standings version after the change. */
  id: string;
}

/**
 * Live updates of standings pages over Server-Sent Events. Every client shares one bus
 * listener (EventStreams) and one version lookup per change, not one per client; one timer
 * sends every client's heartbeat. A reconnecting client's Last-Event-ID is compared with the
 * current version, so a change missed while it was away is announced at once.
 */
@Injectable()
export class StandingsStreams implements OnModuleInit, OnApplicationShutdown {
  private readonly clients = new Set<Response>();
  private readonly changes: Observable<Change>;
  private heartbeat: NodeJS.Timeout | null = null;
  /** Streams being set up: they count towards the limit before they are added. */
  private opening = 0;

  constructor(
    streams: EventStreams,
    private readonly standings: StandingsRepository,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'sseMaxConnections' | 'sseHeartbeatMs'>,
  ) {
    this.changes = streams.of(StandingsChangedEvent).pipe(
      // A failed lookup (database away) must not end the shared stream: the change is still announced.
      concatMap(async (event) => ({ leaderboardId: event.leaderboardId, id: await this.versionId(event.leaderboardId).catch(() => 'unknown') })),
      share(),
    );
  }

  onModuleInit(): void {
    this.heartbeat = setInterval(() => {
      for (const res of this.clients) res.write(': heartbeat\n\n');
    }, this.config.sseHeartbeatMs);
    this.heartbeat.unref();
  }

  onApplicationShutdown(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const res of this.clients) res.end();
    this.clients.clear();
  }

  get size(): number {
    return this.clients.size;
  }

  /** Takes over the response for as long as the client stays. */
  async open(leaderboardId: number, req: Request, res: Response, since?: string): Promise<void> {
    if (this.clients.size + this.opening >= this.config.sseMaxConnections) throw new TooManyStreamsError();
    this.opening += 1;
    let current: string;
    try {
      current = await this.versionId(leaderboardId);
    } finally {
      this.opening -= 1;
    }
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('Connection', 'keep-alive');
    // Reverse proxies (nginx) would otherwise buffer the stream.
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    res.write(`retry: 3000\n\n`);
    const lastSeen = req.headers['last-event-id'] ?? since;
    if (typeof lastSeen === 'string' && lastSeen !== current) res.write(message({ leaderboardId, id: current }));
    this.clients.add(res);
    const subscription = this.changes.pipe(filter((change) => change.leaderboardId === leaderboardId)).subscribe((change) => res.write(message(change)));
    res.on('close', () => {
      subscription.unsubscribe();
      this.clients.delete(res);
    });
  }

  private async versionId(leaderboardId: number): Promise<string> {
    const head = await this.standings.head(leaderboardId);
    return head ? `${head.resultSetId}.${head.version}` : '0';
  }
}

function message(change: Change): string {
  return `id: ${change.id}\nevent: standings\ndata: ${JSON.stringify({ leaderboardId: change.leaderboardId, version: change.id })}\n\n`;
}
