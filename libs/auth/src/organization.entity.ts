import type { StoredLadder } from '../../common/src/stored-ladder.js';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('organizations')
export class OrganizationEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('text')
  name!: string;

  @Column('text', { name: 'time_zone', default: 'Asia/Shanghai' })
  timeZone!: string;

  @Column('text', { default: 'zh-CN' })
  locale!: 'zh-CN' | 'en';

  /** Per-organization values for catalogue facts that are only 'likely' (see libs/catalogue). */
  @Column('jsonb', { name: 'catalogue_overrides', default: {} })
  catalogueOverrides!: Record<string, unknown>;

  /** Replaces the default escalation ladder; null uses the default. */
  @Column('jsonb', { name: 'reminder_ladder', nullable: true })
  reminderLadder!: StoredLadder | null;

  /** How many days earlier reminders start while a vendor is unavailable. */
  @Column('integer', { name: 'vendor_unavailable_lead_days', default: 30 })
  vendorUnavailableLeadDays!: number;

  /** Local hour from which the day's reminders are sent. */
  @Column('integer', { name: 'send_hour', default: 9 })
  sendHour!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
