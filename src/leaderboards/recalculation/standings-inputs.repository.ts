import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import Cursor from 'pg-cursor';
import type { CustomValueRef, EventInput, RaceResultInput } from '../../calculators';
import { ResultStatus } from '../../results/race-result.entity';

/** Races fetched per cursor read: bounds the packed rows held at once. */
const RACES_PER_READ = 32;

/** Packed result layout: eight big-endian int32 per result (see PACKED_RESULT). */
const BYTES_PER_RESULT = 8 * 4;
const STATUS_CODES: readonly ResultStatus[] = ['FIN', 'DNF', 'DNS', 'DSQ'];

/** Two int4 as one big-endian int8: the bytes of `high` then of `low` (one call instead of two). */
const pair = (high: string, low: string) => `int8send((${high})::int8 << 32 | ((${low})::int8 & 4294967295))`;

/**
 * One result as eight big-endian int4 (NULL as -1: ids, places and times are never negative),
 * in this order: id, participant, custom1, custom2, custom3, place, time, status (its index in
 * STATUS_CODES).
 */
const PACKED_RESULT = [
  pair('r.id', 'COALESCE(r.participant_id, -1)'),
  pair('COALESCE(r.custom1_id, -1)', 'COALESCE(r.custom2_id, -1)'),
  pair('COALESCE(r.custom3_id, -1)', 'COALESCE(r.position, -1)'),
  pair('COALESCE(r.time_ms, -1)', `CASE r.status WHEN 'FIN' THEN 0 WHEN 'DNF' THEN 1 WHEN 'DNS' THEN 2 WHEN 'DSQ' THEN 3 ELSE -1 END`),
].join(' || ');

/** A race as the query returns it: event id, category, its results packed (null: none). */
type PackedRace = [number, string, Buffer | null];
const EMPTY_RACE: PackedRace = [0, '', null];

export interface BoardScope {
  seriesId: number;
  categories: string[];
  eventScope: 'ALL' | 'STARRED' | 'LISTED';
  leaderboardId: number;
}

/**
 * Loads a board's inputs with set-based SQL and no entity hydration. The results come in one
 * streamed query, one row per race with its results packed into a bytea (decoding a million
 * results is then a loop over integers, not a million rows of ten text fields); rider and group
 * names come after, by id, and are shared: a million results cost a million small objects,
 * not a million copies of every string.
 */
@Injectable()
export class StandingsInputsRepository {
  async events(client: PoolClient, seriesId: number): Promise<EventInput[]> {
    const { rows } = await client.query<{ id: number; name: string; date: string; starred: boolean; points_multiplier: number }>(
      `SELECT id, name, to_char(date, 'YYYY-MM-DD') AS date, starred, points_multiplier FROM event WHERE series_id = $1 ORDER BY date, id`,
      [seriesId],
    );
    return rows.map((e) => ({ id: e.id, name: e.name, date: e.date, starred: e.starred, pointsMultiplier: e.points_multiplier }));
  }

  /** Published (PROVISIONAL or APPROVED) race results of the board's categories and event scope. */
  async results(client: PoolClient, scope: BoardScope): Promise<RaceResultInput[]> {
    // Pass 1: the packed races, and the ids of the riders and groups they name.
    const races: PackedRace[] = [];
    const participantIds = new Set<number>();
    const groupIds = new Set<number>();
    const cursor = client.query(
      new Cursor(
        `SELECT s.event_id, s.category,
                (SELECT string_agg(${PACKED_RESULT}, ''::bytea) FROM race_result r WHERE r.result_set_id = s.id)
           FROM result_set s
           JOIN event e ON e.id = s.event_id
          WHERE e.series_id = $1 AND s.state IN ('P', 'A') AND s.category = ANY($2::text[])
            AND ($3 = 'ALL' OR ($3 = 'STARRED' AND e.starred) OR ($3 = 'LISTED' AND EXISTS (
                  SELECT 1 FROM leaderboard_event le WHERE le.leaderboard_id = $4 AND le.event_id = e.id AND le.listed)))`,
        [scope.seriesId, scope.categories, scope.eventScope, scope.leaderboardId],
        { rowMode: 'array' },
      ),
    );
    let next: Promise<PackedRace[]> | undefined;
    try {
      // The next races are fetched (PostgreSQL packs them) while these are scanned.
      next = cursor.read(RACES_PER_READ) as Promise<PackedRace[]>;
      for (;;) {
        const batch = await next;
        if (batch.length === 0) break;
        next = cursor.read(RACES_PER_READ) as Promise<PackedRace[]>;
        for (const race of batch) {
          const packed = race[2];
          if (packed === null) continue; // a race without results
          races.push(race);
          for (let at = 0; at < packed.byteLength; at += BYTES_PER_RESULT) {
            participantIds.add(packed.readInt32BE(at + 4));
            groupIds.add(packed.readInt32BE(at + 8));
            groupIds.add(packed.readInt32BE(at + 12));
            groupIds.add(packed.readInt32BE(at + 16));
          }
        }
      }
    } finally {
      await next?.catch(() => undefined); // a read still in flight when scanning threw
      await cursor.close();
    }

    // The names, once per rider and group, shared by every result that refers to them.
    participantIds.delete(-1);
    groupIds.delete(-1);
    const names = new Map<number, string>();
    if (participantIds.size > 0) {
      const { rows } = await client.query<[number, string]>({
        text: `SELECT id, first_name || ' ' || last_name FROM participant WHERE id = ANY($1::int[])`,
        values: [[...participantIds]],
        rowMode: 'array',
      });
      for (const [id, name] of rows) names.set(id, name);
    }
    const groups = new Map<number, CustomValueRef>();
    if (groupIds.size > 0) {
      const { rows } = await client.query<[number, string]>({
        text: `SELECT id, name FROM custom_list_value WHERE id = ANY($1::int[])`,
        values: [[...groupIds]],
        rowMode: 'array',
      });
      for (const [id, name] of rows) groups.set(id, { id, name });
    }
    const group = (id: number) => (id < 0 ? null : groups.get(id)!);

    // Pass 2: one plain object per result, each race's bytes let go once decoded.
    const categories = new Map(scope.categories.map((c) => [c, c]));
    const results: RaceResultInput[] = [];
    for (let i = 0; i < races.length; i++) {
      const [eventId, rawCategory, bytes] = races[i];
      const packed = bytes!; // races without results were left out in pass 1
      races[i] = EMPTY_RACE;
      const category = categories.get(rawCategory) ?? rawCategory;
      for (let at = 0; at < packed.byteLength; at += BYTES_PER_RESULT) {
        const participantId = packed.readInt32BE(at + 4);
        const position = packed.readInt32BE(at + 20);
        const timeMs = packed.readInt32BE(at + 24);
        const status = STATUS_CODES[packed.readInt32BE(at + 28)];
        if (status === undefined) throw new Error(`race result ${packed.readInt32BE(at)} has an unknown status`);
        results.push({
          id: packed.readInt32BE(at),
          eventId,
          category,
          participantId: participantId < 0 ? (null as unknown as number) : participantId,
          participantName: names.get(participantId) ?? `#${participantId < 0 ? null : participantId}`,
          custom1: group(packed.readInt32BE(at + 8)),
          custom2: group(packed.readInt32BE(at + 12)),
          custom3: group(packed.readInt32BE(at + 16)),
          position: position < 0 ? null : position,
          status,
          timeMs: timeMs < 0 ? null : timeMs,
        });
      }
    }
    return results;
  }
}
