import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const HOLDERS = ['owner', 'vendor', 'third_party'] as const;
export type Holder = (typeof HOLDERS)[number];

@Entity('qualifications')
export class QualificationEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'organization_id' })
  organizationId!: string;

  @Column('uuid', { name: 'mini_program_id' })
  miniProgramId!: string;

  /** Code of the catalogue requirement this document satisfies. */
  @Column('text', { name: 'requirement_code' })
  requirementCode!: string;

  @Column('text', { nullable: true })
  number!: string | null;

  @Column('text', { nullable: true })
  issuer!: string | null;

  @Column('date', { name: 'issued_on', nullable: true })
  issuedOn!: string | null;

  @Column('date', { name: 'expires_on', nullable: true })
  expiresOn!: string | null;

  /** Who holds the original document. */
  @Column('text', { name: 'original_held_by', default: 'owner' })
  originalHeldBy!: Holder;

  /** 'owner': entered by hand, never overwritten by the RDAP job; 'rdap': read from the registry. */
  @Column('text', { name: 'expiry_source', default: 'owner' })
  expirySource!: 'owner' | 'rdap';

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
