import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One grouping slot of a series (custom1 = School, …). */
@Entity('custom_list')
export class CustomList {
  @PrimaryGeneratedColumn('identity', { generatedIdentity: 'ALWAYS' })
  id: number;

  @Column('integer', { name: 'series_id' })
  seriesId: number;

  @Column('smallint')
  slot: number;

  @Column('text')
  name: string;
}

/** A value of a slot: one school, club or team. Matched case-insensitively by name. */
@Entity('custom_list_value')
export class CustomListValue {
  @PrimaryGeneratedColumn('identity', { generatedIdentity: 'ALWAYS' })
  id: number;

  @Column('integer', { name: 'custom_list_id' })
  customListId: number;

  @Column('text')
  name: string;
}
