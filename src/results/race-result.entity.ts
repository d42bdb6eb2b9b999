import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const RESULT_STATUSES = ['FIN', 'DNF', 'DNS', 'DSQ'] as const;
export type ResultStatus = (typeof RESULT_STATUSES)[number];

/**
 * One row of a result set: a rider's result in a race, or (with a group_key) one standings
 * entry of a leaderboard with the breakdown of how its points were made.
 */
@Entity('race_result')
export class RaceResult {
  @PrimaryGeneratedColumn('identity', { generatedIdentity: 'ALWAYS' })
  id: number;

  @Column('integer', { name: 'result_set_id' })
  resultSetId: number;

  @Column('integer', { name: 'participant_id', nullable: true })
  participantId: number | null;

  @Column('integer', { name: 'custom1_id', nullable: true })
  custom1Id: number | null;

  @Column('integer', { name: 'custom2_id', nullable: true })
  custom2Id: number | null;

  @Column('integer', { name: 'custom3_id', nullable: true })
  custom3Id: number | null;

  @Column('text', { nullable: true })
  category: string | null;

  @Column('text', { nullable: true })
  bib: string | null;

  @Column('integer', { nullable: true })
  position: number | null;

  @Column('text', { default: 'FIN' })
  status: ResultStatus;

  @Column('integer', { name: 'time_ms', nullable: true })
  timeMs: number | null;

  @Column('double precision', { nullable: true })
  points: number | null;

  @Column('integer', { nullable: true })
  seq: number | null;

  @Column('text', { name: 'group_key', nullable: true })
  groupKey: string | null;

  @Column('text', { nullable: true })
  name: string | null;

  @Column('text', { name: 'group_name', nullable: true })
  groupName: string | null;

  @Column('jsonb', { nullable: true })
  breakdown: unknown;

  /** Standings rows: a hash of the row's values, written by the recalculation (null on race rows). */
  @Column('text', { nullable: true, select: false })
  fingerprint: string | null;
}
