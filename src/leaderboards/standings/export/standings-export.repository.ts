import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { breakdownCells } from '../../../calculators/breakdown-form';
import { countedEventsSql } from '../counted-events';
import { ExportBoard, ExportEntry, ExportEvent } from './export-sheet';

const BATCH = 2_000;

interface EntryRow {
  seq: number;
  category: string | null;
  position: number | null;
  points: number;
  name: string;
  group_name: string | null;
  /** The stored form (breakdown-form.ts). */
  breakdown: string | null;
}

/** Reads for the standings exports: the board's columns and its entries in rank order. */
@Injectable()
export class StandingsExportRepository {
  constructor(private readonly dataSource: DataSource) {}

  async board(leaderboardId: number): Promise<ExportBoard | null> {
    const [row] = await this.dataSource.query(
      `SELECT l.name, l.type, l.group_by, s.custom1_label, s.custom2_label, s.custom3_label
         FROM leaderboard l JOIN series s ON s.id = l.series_id WHERE l.id = $1`,
      [leaderboardId],
    );
    if (!row) return null;
    return {
      name: row.name,
      type: row.type,
      groupBy: row.group_by ?? [],
      labels: { custom1: row.custom1_label, custom2: row.custom2_label, custom3: row.custom3_label },
    };
  }

  /** The board's event columns, the same as the page's (counted-events.ts). */
  async events(leaderboardId: number): Promise<ExportEvent[]> {
    return this.dataSource.query(countedEventsSql(`e.id, e.name, to_char(e.date, 'YYYY-MM-DD') AS date`), [leaderboardId]);
  }

  /**
   * A standings set's entries in seq order, in batches read from one REPEATABLE READ snapshot,
   * so a recalculation committing mid-export cannot make rows repeat or go missing. The
   * breakdowns are read as their stored compact text and parsed here, picking only the three
   * fields a cell shows (breakdownCells): since migration BreakdownText the column is text, and
   * jsonpath over it would cast every row to jsonb in PostgreSQL (4.5 times the time of the
   * jsonb column's path queries, `npm run bench:breakdown-storage`, issue 16 round four).
   */
  async *entries(resultSetId: number): AsyncGenerator<ExportEntry> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    let open = false;
    try {
      await runner.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      open = true;
      let after = 0;
      for (;;) {
        const rows: EntryRow[] = await runner.query(
          `SELECT seq, category, position, points, name, group_name, breakdown
             FROM race_result
            WHERE result_set_id = $1 AND group_key IS NOT NULL AND seq > $2
            ORDER BY seq LIMIT $3`,
          [resultSetId, after, BATCH],
        );
        for (const row of rows) {
          // A cell's line is an ExportLine already (its category rides along unread): no copy per line.
          const { counted, dropped } = row.breakdown === null ? { counted: [], dropped: [] } : breakdownCells(row.breakdown);
          yield {
            category: row.category,
            position: row.position,
            points: row.points,
            name: row.name,
            group: row.group_name,
            counted,
            dropped,
          };
        }
        if (rows.length < BATCH) break;
        after = rows[rows.length - 1].seq;
      }
      await runner.query('COMMIT');
      open = false;
    } finally {
      // An export stopped early (client gone) leaves the read-only transaction open: rolled back here.
      if (open) await runner.query('ROLLBACK').catch(() => undefined);
      await runner.release();
    }
  }
}
