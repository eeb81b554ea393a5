import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

@Entity('mini_programs')
export class MiniProgramEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'organization_id' })
  organizationId!: string;

  @Column('text', { name: 'app_id' })
  appId!: string;

  @Column('text')
  name!: string;

  /** The owner entity (主体) as registered with WeChat. */
  @Column('text', { name: 'owner_name' })
  ownerName!: string;

  @Column('text', { name: 'owner_credit_code' })
  ownerCreditCode!: string;

  @Column('text', { name: 'service_categories', array: true, default: () => "'{}'" })
  serviceCategories!: string[];

  @Column('text', { array: true, default: () => "'{}'" })
  features!: string[];

  @Column('uuid', { name: 'vendor_id', nullable: true })
  vendorId!: string | null;

  @Column('date', { name: 'certification_expires_on', nullable: true })
  certificationExpiresOn!: string | null;

  @Column('text', { name: 'icp_filing_number', nullable: true })
  icpFilingNumber!: string | null;

  /** Beds of the medical institution behind it (校验 yearly under 100, every 3 years otherwise). */
  @Column('int', { name: 'bed_count', nullable: true })
  bedCount!: number | null;

  @Column('text', { name: 'server_domains', array: true, default: () => "'{}'" })
  serverDomains!: string[];

  @Column('text', { nullable: true })
  notes!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
