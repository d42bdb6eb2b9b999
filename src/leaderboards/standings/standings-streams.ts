import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { Request, Response } from 'express';
import { concatMap, filter, Observable, share } from 'rxjs';
import { StandingsChangedEvent } from '../../common/events/catalogue';
import { EventStreams } from '../../common/events/event-streams';
import { TooManyStreamsError } from '../../common/errors/domain-errors';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { ShownVersions, StandingsService } from './standings.service';

interface Change {
  leaderboardId: number;
  /** The SSE event id for each audience: the version of the standings it is shown after the change. */
  ids: ShownVersions;
}

type Audience = keyof ShownVersions;

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
    private readonly standings: StandingsService,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'sseMaxConnections' | 'sseHeartbeatMs'>,
  ) {
    this.changes = streams.of(StandingsChangedEvent).pipe(
      // A failed lookup (database away) must not end the shared stream: the change is still announced.
      concatMap(async (event) => ({ leaderboardId: event.leaderboardId, ids: await this.standings.shownVersions(event.leaderboardId).catch(() => UNKNOWN) })),
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

  /**
   * Takes over the response for as long as the client stays. A client hears of a change only
   * when the version its audience is shown moved: the public is not told of a DRAFT revision's
   * runs (its page would reload the published standings it already shows).
   */
  async open(leaderboardId: number, audience: Audience, req: Request, res: Response, since?: string): Promise<void> {
    if (this.clients.size + this.opening >= this.config.sseMaxConnections) throw new TooManyStreamsError();
    this.opening += 1;
    let current: string;
    try {
      current = (await this.standings.shownVersions(leaderboardId))[audience];
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
    if (typeof lastSeen === 'string' && lastSeen !== current) res.write(message(leaderboardId, current));
    this.clients.add(res);
    let announced = current;
    const subscription = this.changes.pipe(filter((change) => change.leaderboardId === leaderboardId)).subscribe((change) => {
      const id = change.ids[audience];
      // An unknown version (the lookup failed) is announced: the page reloads rather than miss a change.
      if (id === announced && id !== UNKNOWN_VERSION) return;
      announced = id;
      res.write(message(leaderboardId, id));
    });
    res.on('close', () => {
      subscription.unsubscribe();
      this.clients.delete(res);
    });
  }
}

const UNKNOWN_VERSION = 'unknown';
const UNKNOWN: ShownVersions = { admin: UNKNOWN_VERSION, public: UNKNOWN_VERSION };

function message(leaderboardId: number, id: string): string {
  return `id: ${id}\nevent: standings\ndata: ${JSON.stringify({ leaderboardId, version: id })}\n\n`;
}
