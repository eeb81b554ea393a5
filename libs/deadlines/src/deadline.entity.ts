import type { StoredLadder } from '../../common/src/stored-ladder.js';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { DeadlineKind } from '../../domain/src/deadlines/index.js';

export const DEADLINE_STATES = ['open', 'acknowledged', 'snoozed', 'completed', 'cancelled'] as const;
export type DeadlineState = (typeof DEADLINE_STATES)[number];
export const LIVE_STATES: DeadlineState[] = ['open', 'acknowledged', 'snoozed'];

@Entity('deadlines')
export class DeadlineEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'organization_id' })
  organizationId!: string;

  @Column('uuid', { name: 'mini_program_id', nullable: true })
  miniProgramId!: string | null;

  @Column('uuid', { name: 'vendor_id', nullable: true })
  vendorId!: string | null;

  @Column('text')
  kind!: DeadlineKind;

  @Column('text', { name: 'subject_key' })
  subjectKey!: string;

  @Column('text', { name: 'cycle_key' })
  cycleKey!: string;

  @Column('text', { name: 'requirement_code', nullable: true })
  requirementCode!: string | null;

  @Column('text', { nullable: true })
  title!: string | null;

  @Column('jsonb', { nullable: true })
  recurrence!: { every: 'month' | 'year'; anchorDate: string } | null;

  @Column('date', { name: 'due_on' })
  dueOn!: string;

  @Column('date', { name: 'window_opens_on' })
  windowOpensOn!: string;

  @Column('date', { name: 'apply_by' })
  applyBy!: string;

  @Column('date', { name: 'act_by' })
  actBy!: string;

  @Column('boolean', { name: 'due_is_day_off', default: false })
  dueIsDayOff!: boolean;

  @Column('text', { name: 'calendar_basis', default: 'official-calendar' })
  calendarBasis!: 'official-calendar' | 'weekends-only';

  @Column('text', { default: 'open' })
  state!: DeadlineState;

  @Column('date', { name: 'snoozed_until', nullable: true })
  snoozedUntil!: string | null;

  @Column('timestamptz', { name: 'acknowledged_at', nullable: true })
  acknowledgedAt!: Date | null;

  @Column('text', { name: 'acknowledged_by', nullable: true })
  acknowledgedBy!: string | null;

  @Column('timestamptz', { name: 'completed_at', nullable: true })
  completedAt!: Date | null;

  @Column('text', { name: 'completed_by', nullable: true })
  completedBy!: string | null;

  @Column('text', { name: 'completion_note', nullable: true })
  completionNote!: string | null;

  /** Per-deadline escalation ladder; null uses the organization's. */
  @Column('jsonb', { nullable: true })
  ladder!: StoredLadder | null;

  /** Raised whenever a date of the cycle moves (calendar SEQUENCE). */
  @Column('integer', { default: 0 })
  sequence!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
