import { Column, CreateDateColumn, Entity, PrimaryColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { EventScope } from '../calculators/event-scope';
import type { MissedRaces } from '../calculators/types';
import { ResultSetState, stateCode, stateFromCode } from '../common/result-set-state';

export const LEADERBOARD_TYPES = ['INDIVIDUAL', 'SCHOOL', 'TOP_SCHOOLS', 'GROUP'] as const;
export type LeaderboardType = (typeof LEADERBOARD_TYPES)[number];
export { EVENT_SCOPES } from '../calculators/event-scope';
export type { EventScope } from '../calculators/event-scope';
export const GROUP_SLOTS = ['custom1', 'custom2', 'custom3'] as const;
export type GroupSlot = (typeof GROUP_SLOTS)[number];
export const TIE_BREAKS = ['COUNTBACK', 'MOST_RECENT', 'FEWER_EVENTS', 'RRS_A8_1', 'RRS_A8_2'] as const;
export type TieBreak = (typeof TIE_BREAKS)[number];
export const RANKINGS = ['STANDARD', 'DENSE'] as const;
export type Ranking = (typeof RANKINGS)[number];
export const BELOW_MIN_EVENTS = ['UNRANKED', 'EXCLUDE'] as const;
export type BelowMinEvents = (typeof BELOW_MIN_EVENTS)[number];
export { MISSED_RACES } from '../calculators/types';
export type { MissedRaces } from '../calculators/types';

@Entity('leaderboard')
export class Leaderboard {
  @PrimaryGeneratedColumn('identity', { generatedIdentity: 'ALWAYS' })
  id: number;

  @Column('integer', { name: 'series_id' })
  seriesId: number;

  @Column('text')
  name: string;

  @Column('text')
  type: LeaderboardType;

  @Column('integer', { name: 'points_scale_id' })
  pointsScaleId: number;

  @Column('text', { name: 'event_scope', default: 'ALL' })
  eventScope: EventScope;

  @Column('integer', { name: 'best_of', nullable: true })
  bestOf: number | null;

  @Column('integer', { name: 'drop_worst', nullable: true })
  dropWorst: number | null;

  @Column('integer', { name: 'min_events', nullable: true })
  minEvents: number | null;

  @Column('text', { name: 'below_min_events', default: 'UNRANKED' })
  belowMinEvents: BelowMinEvents;

  @Column('integer', { name: 'counting_riders', nullable: true })
  countingRiders: number | null;

  @Column('integer', { name: 'min_riders', nullable: true })
  minRiders: number | null;

  @Column('text', { name: 'group_by', array: true, default: () => "'{}'" })
  groupBy: GroupSlot[];

  @Column('text', { name: 'tie_breaks', array: true, default: () => "'{COUNTBACK,MOST_RECENT}'" })
  tieBreaks: TieBreak[];

  @Column('text', { default: 'STANDARD' })
  ranking: Ranking;

  /** A rider absent from a race of the board: NONE (no line) or DNC (scored as DNC, RRS A2.2). */
  @Column('text', { default: 'NONE' })
  missed: MissedRaces;

  /** Appendix A discards by races completed (issue 15): [4, 8] = 1 discard after 4 races, 2 after 8; [] = none. */
  @Column('integer', { name: 'discard_schedule', array: true, default: () => "'{}'" })
  discardSchedule: number[];

  @Column('char', {
    name: 'initial_state',
    length: 1,
    default: stateCode('PROVISIONAL'),
    transformer: { to: (s?: ResultSetState) => (s ? stateCode(s) : s), from: (c: string) => stateFromCode(c) },
  })
  initialState: ResultSetState;

  @Column('boolean', { default: true })
  active: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

@Entity('leaderboard_category')
export class LeaderboardCategory {
  @PrimaryColumn('integer', { name: 'leaderboard_id' })
  leaderboardId: number;

  @PrimaryColumn('text')
  code: string;

  @Column('double precision', { default: 1 })
  multiplier: number;

  /** The order the organiser listed the categories in; standings follow it. */
  @Column('smallint')
  ordinal: number;
}

/** An event's role on a board: part of a LISTED scope, and/or never droppable. */
@Entity('leaderboard_event')
export class LeaderboardEvent {
  @PrimaryColumn('integer', { name: 'leaderboard_id' })
  leaderboardId: number;

  @PrimaryColumn('integer', { name: 'event_id' })
  eventId: number;

  @Column('boolean', { default: false })
  listed: boolean;

  @Column('boolean', { name: 'non_droppable', default: false })
  nonDroppable: boolean;
}
