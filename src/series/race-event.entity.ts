import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A race day of a series (table `event`; named RaceEvent to keep clear of DOM and emitter "events"). */
@Entity('event')
export class RaceEvent {
  @PrimaryGeneratedColumn('identity', { generatedIdentity: 'ALWAYS' })
  id: number;

  @Column('integer', { name: 'series_id' })
  seriesId: number;

  @Column('text')
  name: string;

  /** Kept as the ISO date string: a race day has no time zone. */
  @Column('date')
  date: string;

  @Column('boolean', { default: false })
  starred: boolean;

  @Column('double precision', { name: 'points_multiplier', default: 1 })
  pointsMultiplier: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
