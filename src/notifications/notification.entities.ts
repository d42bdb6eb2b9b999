import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** From a board's first failed run to its next successful one: one notification, one e-mail. */
@Entity('failure_episode')
export class FailureEpisode {
  @PrimaryGeneratedColumn('identity', { generatedIdentity: 'ALWAYS' })
  id: number;

  @Column('integer', { name: 'leaderboard_id' })
  leaderboardId: number;

  @Column('integer', { name: 'result_set_id', nullable: true })
  resultSetId: number | null;

  @Column('text', { name: 'error_message' })
  errorMessage: string;

  @Column('timestamptz', { name: 'failed_at' })
  failedAt: Date;

  @Column('timestamptz', { name: 'closed_at', nullable: true })
  closedAt: Date | null;

  @Column('timestamptz', { name: 'emailed_at', nullable: true })
  emailedAt: Date | null;

  @Column('integer', { name: 'email_attempts', default: 0 })
  emailAttempts: number;

  @Column('timestamptz', { name: 'next_email_at' })
  nextEmailAt: Date;

  @Column('text', { name: 'last_email_error', nullable: true })
  lastEmailError: string | null;
}

@Entity('notification')
export class Notification {
  @PrimaryGeneratedColumn('identity', { generatedIdentity: 'ALWAYS' })
  id: number;

  @Column('integer', { name: 'episode_id' })
  episodeId: number;

  @Column('integer', { name: 'leaderboard_id' })
  leaderboardId: number;

  @Column('text')
  kind: 'FAILURE' | 'RECOVERY';

  @Column('text')
  message: string;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;

  @Column('timestamptz', { name: 'read_at', nullable: true })
  readAt: Date | null;
}

@Entity('retry_token')
export class RetryToken {
  @PrimaryGeneratedColumn('identity', { generatedIdentity: 'ALWAYS' })
  id: number;

  @Column('integer', { name: 'episode_id' })
  episodeId: number;

  @Column('bytea', { name: 'token_hash' })
  tokenHash: Buffer;

  @Column('timestamptz', { name: 'expires_at' })
  expiresAt: Date;

  @Column('timestamptz', { name: 'used_at', nullable: true })
  usedAt: Date | null;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;
}
