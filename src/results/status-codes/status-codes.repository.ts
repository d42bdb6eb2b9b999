import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ConflictError } from '../../common/errors/domain-errors';
import { RegisteredCodes } from '../../calculators';

/** One row of the status_code table. */
export interface StatusCodeRow {
  code: string;
  number: number;
  builtIn: boolean;
  label: string;
  createdAt: string;
}

/** What still uses an organiser-defined code: results by event, and points scales that name it. */
export interface CodeUsage {
  results: number;
  events: { id: number; name: string }[];
  scales: { id: number; name: string }[];
}

const COLUMNS = `code, number, built_in AS "builtIn", label, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "createdAt"`;

/**
 * Every status code a result may carry (table `status_code`): the built-ins, and the codes an
 * organiser registers, with their numbers in race packs (calculators/packed-format.ts).
 */
@Injectable()
export class StatusCodesRepository {
  /** Built-ins first (by number), then the organiser's by code. */
  list(manager: EntityManager): Promise<StatusCodeRow[]> {
    return manager.query(`SELECT ${COLUMNS} FROM status_code ORDER BY built_in DESC, CASE WHEN built_in THEN number END, code`);
  }

  async find(manager: EntityManager, code: string, lock = false): Promise<StatusCodeRow | null> {
    const rows: StatusCodeRow[] = await manager.query(`SELECT ${COLUMNS} FROM status_code WHERE code = $1${lock ? ' FOR UPDATE' : ''}`, [code]);
    return rows[0] ?? null;
  }

  /**
   * The organiser-defined codes and their numbers: what the calculators score against. With
   * `share`, held until the transaction ends (a points scale being saved), so a code cannot be
   * deleted between the scale's check and its commit (the delete locks the code FOR UPDATE).
   */
  async registered(manager: EntityManager, share = false): Promise<RegisteredCodes> {
    const rows: { code: string; number: number }[] = await manager.query(`SELECT code, number FROM status_code WHERE NOT built_in${share ? ' FOR SHARE' : ''}`);
    return Object.fromEntries(rows.map((r) => [r.code, r.number]));
  }

  /** Inserts a code (its number from the sequence); null when the code exists already; 409 when no number is left. */
  async insert(manager: EntityManager, code: string, label: string): Promise<StatusCodeRow | null> {
    try {
      const rows: StatusCodeRow[] = await manager.query(
        `INSERT INTO status_code (code, label) VALUES ($1, $2) ON CONFLICT (code) DO NOTHING RETURNING ${COLUMNS}`,
        [code, label],
      );
      return rows[0] ?? null;
    } catch (err) {
      // sequence_generator_limit_exceeded: every number up to 254 was given once (deleted codes' numbers are not reused).
      if ((err as { driverError?: { code?: string } }).driverError?.code === '2200H') throw new ConflictError('no status code numbers are left (223 codes were registered over time)');
      throw err;
    }
  }

  async setLabel(manager: EntityManager, code: string, label: string): Promise<void> {
    await manager.query('UPDATE status_code SET label = $2 WHERE code = $1', [code, label]);
  }

  /**
   * What uses the code: results (race_result_registered_status_idx, on organiser-defined statuses only, finds them) and
   * points scales whose `codes` name it.
   */
  async usage(manager: EntityManager, code: string): Promise<CodeUsage> {
    const [row]: { results: number; events: { id: number; name: string }[] | null; scales: { id: number; name: string }[] | null }[] = await manager.query(
      `SELECT (SELECT count(*)::int FROM race_result r WHERE r.registered_status = $1) AS results,
              (SELECT json_agg(json_build_object('id', e.id, 'name', e.name) ORDER BY e.id)
                 FROM event e WHERE e.id IN (SELECT s.event_id FROM race_result r JOIN result_set s ON s.id = r.result_set_id WHERE r.registered_status = $1)) AS events,
              (SELECT json_agg(json_build_object('id', p.id, 'name', p.name) ORDER BY p.id)
                 FROM points_scale p WHERE p.config->'codes' ? $1) AS scales`,
      [code],
    );
    return { results: row.results, events: row.events ?? [], scales: row.scales ?? [] };
  }

  async delete(manager: EntityManager, code: string): Promise<void> {
    await manager.query('DELETE FROM status_code WHERE code = $1 AND NOT built_in', [code]);
  }
}
