import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const CONTACT_ROLES = ['operator', 'manager', 'executive', 'legal'] as const;
export type ContactRole = (typeof CONTACT_ROLES)[number];
export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
/** One mail per stage, or one daily digest (issue 17). */
export const REMINDER_MODES = ['immediate', 'digest'] as const;
export type ReminderMode = (typeof REMINDER_MODES)[number];

@Entity('contacts')
export class ContactEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'organization_id' })
  organizationId!: string;

  /** Set when the person works for a vendor; null for the owner's own people. */
  @Column('uuid', { name: 'vendor_id', nullable: true })
  vendorId!: string | null;

  @Column('text')
  name!: string;

  @Column('text')
  email!: string;

  @Column('text')
  role!: ContactRole;

  @Column('text', { default: 'zh-CN' })
  locale!: Locale;

  @Column('text', { nullable: true })
  phone!: string | null;

  @Column('text', { name: 'reminder_mode', default: 'immediate' })
  reminderMode!: ReminderMode;

  /** Local hour (organization's zone) from which the daily digest goes out; null: the organization's send hour. */
  @Column('smallint', { name: 'digest_hour', nullable: true })
  digestHour!: number | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
