import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('audit_events')
export class AuditEventEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  /** Internal order and keyset only: one sequence for every organization, so never shown. */
  id!: number;

  /** The id the API shows: random, so it says nothing about other organizations' events. */
  @Column('uuid', { name: 'public_id', default: () => 'gen_random_uuid()' })
  publicId!: string;

  @Column('uuid', { name: 'organization_id' })
  organizationId!: string;

  /** 'api_key' | 'cli' | 'system' | 'link' */
  @Column('text', { name: 'actor_type' })
  actorType!: string;

  /** The API key id for API calls; null for the CLI and the system. */
  @Column('text', { name: 'actor_id', nullable: true })
  actorId!: string | null;

  @Column('text', { name: 'actor_label' })
  actorLabel!: string;

  @Column('text')
  action!: string;

  @Column('text', { name: 'entity_type' })
  entityType!: string;

  @Column('uuid', { name: 'entity_id', nullable: true })
  entityId!: string | null;

  @Column('jsonb', { nullable: true })
  before!: Record<string, unknown> | null;

  @Column('jsonb', { nullable: true })
  after!: Record<string, unknown> | null;

  @Column('timestamptz', { name: 'occurred_at' })
  occurredAt!: Date;
}
