import type { PointsScaleConfig } from '../calculators';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const POINTS_SCALE_KINDS = ['TABLE', 'LINEAR', 'FIELD_SIZE', 'PERCENT_OF_FIELD', 'TIME', 'PERCENT_OF_WINNER'] as const;
export type PointsScaleKind = (typeof POINTS_SCALE_KINDS)[number];

/** The kind-specific settings of a scale, stored as JSON: the calculators' scale without its kind. */
export type PointsScaleSettings = Omit<PointsScaleConfig, 'kind'>;

@Entity('points_scale')
export class PointsScale {
  @PrimaryGeneratedColumn('identity', { generatedIdentity: 'ALWAYS' })
  id: number;

  @Column('text')
  name: string;

  @Column('text')
  kind: PointsScaleKind;

  @Column('jsonb')
  config: PointsScaleSettings;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
