import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const VENDOR_STATUSES = ['active', 'unresponsive', 'ceased'] as const;
export type VendorStatus = (typeof VENDOR_STATUSES)[number];

@Entity('vendors')
export class VendorEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'organization_id' })
  organizationId!: string;

  @Column('text')
  name!: string;

  @Column('text', { name: 'credit_code', nullable: true })
  creditCode!: string | null;

  @Column('date', { name: 'contract_ends_on', nullable: true })
  contractEndsOn!: string | null;

  @Column('text', { default: 'active' })
  status!: VendorStatus;

  @Column('timestamptz', { name: 'status_since' })
  statusSince!: Date;

  @Column('text', { name: 'status_reason', nullable: true })
  statusReason!: string | null;

  /** What shows the status (a returned letter, a court notice, the date of the last answer). */
  @Column('text', { name: 'status_evidence', nullable: true })
  statusEvidence!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
