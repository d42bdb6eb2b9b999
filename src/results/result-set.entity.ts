import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { ResultSetState, stateCode, stateFromCode } from '../common/result-set-state';

const stateTransformer = {
  to: (state: ResultSetState | null | undefined) => (state == null ? state : stateCode(state)),
  from: (code: string | null) => (code == null ? null : stateFromCode(code)),
};

/** Either a race's results (event + category) or a leaderboard's standings (leaderboard). */
@Entity('result_set')
export class ResultSet {
  @PrimaryGeneratedColumn('identity', { generatedIdentity: 'ALWAYS' })
  id: number;

  @Column('integer', { name: 'event_id', nullable: true })
  eventId: number | null;

  @Column('text', { nullable: true })
  category: string | null;

  @Column('integer', { name: 'leaderboard_id', nullable: true })
  leaderboardId: number | null;

  @Column('char', { length: 1, transformer: stateTransformer })
  state: ResultSetState;

  @Column('char', { name: 'state_before_failure', length: 1, nullable: true, transformer: stateTransformer })
  stateBeforeFailure: ResultSetState | null;

  /** The state it had when it became REPLACED; decides whether a REPLACED set is public. */
  @Column('char', { name: 'replaced_from', length: 1, nullable: true, transformer: stateTransformer })
  replacedFrom: ResultSetState | null;

  @Column('text', { name: 'error_message', nullable: true })
  errorMessage: string | null;

  @Column('integer', { name: 'replaces_id', nullable: true })
  replacesId: number | null;

  @Column('timestamptz', { name: 'computed_at', nullable: true })
  computedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
