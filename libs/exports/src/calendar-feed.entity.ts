import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A private calendar feed URL. The token itself is shown once, at creation; only its SHA-256 is kept. */
@Entity('calendar_feeds')
export class CalendarFeedEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'organization_id' })
  organizationId!: string;

  /** Null: every deadline of the organization. */
  @Column('uuid', { name: 'mini_program_id', nullable: true })
  miniProgramId!: string | null;

  @Column('text', { name: 'token_hash' })
  tokenHash!: string;

  /** From the injected clock, like revoked_at. */
  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'revoked_at', nullable: true })
  revokedAt!: Date | null;
}
