import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('series')
export class Series {
  @PrimaryGeneratedColumn('identity', { generatedIdentity: 'ALWAYS' })
  id: number;

  @Column('text')
  name: string;

  @Column('text', { nullable: true })
  season: string | null;

  @Column('text', { name: 'custom1_label', nullable: true })
  custom1Label: string | null;

  @Column('text', { name: 'custom2_label', nullable: true })
  custom2Label: string | null;

  @Column('text', { name: 'custom3_label', nullable: true })
  custom3Label: string | null;

  /** IANA zone the public pages show times in. */
  @Column('text', { name: 'time_zone' })
  timeZone: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
