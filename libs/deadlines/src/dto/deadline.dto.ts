import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, IsUUID } from 'class-validator';
import { LocalizedPageQuery } from '../../../common/src/pagination.js';
import { validateLocalDate } from '../../../common/src/rules.js';
import { Satisfies } from '../../../common/src/validation.js';
import { validateFreeText } from '../../../domain/src/validation/index.js';
import { DEADLINE_STATES } from '../deadline.entity.js';

const note = (v: string) => validateFreeText(v, { maxLength: 2000 });
const title = (v: string) => validateFreeText(v, { maxLength: 200 });
export const DEADLINE_KINDS = [
  'annual_review',
  'qualification_expiry',
  'icp_annual_report',
  'enterprise_annual_report',
  'vendor_contract_end',
  'certificate_expiry',
  'custom',
] as const;
export const URGENCIES = ['overdue', 'due_7', 'due_30', 'due_90', 'later'] as const;
export const DEADLINE_SORTS = ['dueOn', '-dueOn', 'actBy', '-actBy'] as const;

export class ListDeadlinesQuery extends LocalizedPageQuery {
  @ApiPropertyOptional({ description: 'Only cycles due on or after this date (YYYY-MM-DD).' })
  @IsOptional()
  @Satisfies(validateLocalDate, { name: 'date' })
  dueFrom?: string;

  @ApiPropertyOptional({ description: 'Only cycles due on or before this date (YYYY-MM-DD).' })
  @IsOptional()
  @Satisfies(validateLocalDate, { name: 'date' })
  dueTo?: string;

  @ApiPropertyOptional({
    description: 'Only cycles in this state. Default: live ones (open, acknowledged, snoozed).',
    enum: DEADLINE_STATES,
  })
  @IsOptional()
  @IsIn(DEADLINE_STATES, { message: `must be one of: ${DEADLINE_STATES.join(', ')}` })
  state?: (typeof DEADLINE_STATES)[number];

  @ApiPropertyOptional({ description: 'Only this kind of obligation.', enum: DEADLINE_KINDS })
  @IsOptional()
  @IsIn(DEADLINE_KINDS, { message: `must be one of: ${DEADLINE_KINDS.join(', ')}` })
  kind?: (typeof DEADLINE_KINDS)[number];

  @ApiPropertyOptional({ description: 'Only deadlines of this mini-program.', format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'must be a UUID' })
  miniProgramId?: string;

  @ApiPropertyOptional({
    description: "Only deadlines of this vendor's mini-programs and contract.",
    format: 'uuid',
  })
  @IsOptional()
  @IsUUID('all', { message: 'must be a UUID' })
  vendorId?: string;

  @ApiPropertyOptional({
    description:
      "Urgency relative to the organization's today: overdue, due within 7, 30 or 90 days, or later.",
    enum: URGENCIES,
  })
  @IsOptional()
  @IsIn(URGENCIES, { message: `must be one of: ${URGENCIES.join(', ')}` })
  urgency?: (typeof URGENCIES)[number];

  @ApiPropertyOptional({
    description: 'Sort key; a leading - sorts descending.',
    enum: DEADLINE_SORTS,
    default: 'dueOn',
  })
  @IsOptional()
  @IsIn(DEADLINE_SORTS, { message: `must be one of: ${DEADLINE_SORTS.join(', ')}` })
  sort: (typeof DEADLINE_SORTS)[number] = 'dueOn';
}

export class CreateCustomDeadlineDto {
  @ApiProperty({ description: 'What is due.', example: '续签服务器托管合同' })
  @IsString()
  @Satisfies(title, { name: 'text' })
  title!: string;

  @ApiProperty({ description: 'Due date, YYYY-MM-DD.', example: '2027-03-31' })
  @IsString()
  @Satisfies(validateLocalDate, { name: 'date' })
  dueOn!: string;

  @ApiPropertyOptional({
    description: 'Repeat after completion.',
    enum: ['none', 'monthly', 'yearly'],
    default: 'none',
  })
  @IsOptional()
  @IsIn(['none', 'monthly', 'yearly'], { message: 'must be one of: none, monthly, yearly' })
  recurrence?: 'none' | 'monthly' | 'yearly';

  @ApiPropertyOptional({ description: 'The mini-program it concerns, if any.', format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'must be a UUID' })
  miniProgramId?: string;
}

export class CompleteDeadlineDto {
  @ApiPropertyOptional({
    description:
      'The expiry after renewal (new certificate, licence or contract end), YYYY-MM-DD. Needed when the validity is not fixed; otherwise computed.',
  })
  @IsOptional()
  @Satisfies(validateLocalDate, { name: 'date' })
  newExpiry?: string;

  @ApiPropertyOptional({
    description: 'Evidence: what was done, reference numbers.',
    example: '年审已通过，审核单号 2026112501',
  })
  @IsOptional()
  @Satisfies(note, { name: 'text' })
  note?: string;
}

export class AcknowledgeDeadlineDto {
  @ApiPropertyOptional({ description: 'Why, or who is handling it.' })
  @IsOptional()
  @Satisfies(note, { name: 'text' })
  note?: string;
}

export class SnoozeDeadlineDto {
  @ApiProperty({
    description: 'Resume reminders on this date (YYYY-MM-DD): after today, never after the due date.',
  })
  @IsString()
  @Satisfies(validateLocalDate, { name: 'date' })
  until!: string;

  @ApiPropertyOptional({
    description:
      'An acknowledged deadline is not snoozed (the acknowledgement already stops its reminders) unless this is true: then the acknowledgement is withdrawn and reminders resume on `until`.',
  })
  @IsOptional()
  @IsBoolean()
  overrideAcknowledgement?: boolean;
}
