import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, Min } from 'class-validator';
import { Satisfies } from '../../../common/src/validation.js';
import { validateEmail, validateFreeText } from '../../../domain/src/validation/index.js';
import {
  CONTACT_ROLES,
  type ContactRole,
  LOCALES,
  type Locale,
  REMINDER_MODES,
  type ReminderMode,
} from '../contact.entity.js';

const name = (v: string) => validateFreeText(v, { maxLength: 100 });

export class CreateContactDto {
  @ApiProperty({ description: 'Full name of the person.', example: '王丽', maxLength: 100 })
  @IsString()
  @Satisfies(name, { name: 'text' })
  name!: string;

  @ApiProperty({ description: 'E-mail address reminders are sent to.', example: 'wang.li@example.cn' })
  @IsString()
  @Satisfies(validateEmail, { name: 'email' })
  email!: string;

  @ApiProperty({
    description:
      'Escalation role: operator gets every reminder, then manager, executive and legal join as the due date nears.',
    enum: CONTACT_ROLES,
  })
  @IsIn(CONTACT_ROLES, { message: `must be one of: ${CONTACT_ROLES.join(', ')}` })
  role!: ContactRole;

  @ApiPropertyOptional({
    description: 'Language of the mails this person receives.',
    enum: LOCALES,
    default: 'zh-CN',
  })
  @IsOptional()
  @IsIn(LOCALES, { message: `must be one of: ${LOCALES.join(', ')}` })
  locale?: Locale;

  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description: 'Phone number, digits with optional +, spaces and dashes.',
    example: '+86 138 0000 0000',
  })
  @IsOptional()
  @IsString()
  @Matches(/^\+?[0-9][0-9 -]{4,24}$/, {
    message: 'must be digits, optionally starting with + and separated by spaces or dashes',
  })
  phone?: string | null;

  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description:
      "Set when the person works for a vendor (the vendor's id); leave out for the owner's own people.",
    format: 'uuid',
  })
  @IsOptional()
  @IsUUID('all', { message: 'must be a UUID' })
  vendorId?: string | null;

  @ApiPropertyOptional({
    description:
      'immediate: one mail per reminder stage (the default); digest: one mail per local day listing every stage due that day, grouped by urgency.',
    enum: REMINDER_MODES,
    default: 'immediate',
  })
  @IsOptional()
  @IsIn(REMINDER_MODES, { message: `must be one of: ${REMINDER_MODES.join(', ')}` })
  reminderMode?: ReminderMode;

  @ApiPropertyOptional({
    nullable: true,
    type: Number,
    description:
      "Local hour (0-23, in the organization's time zone) from which the daily digest goes out; null: the organization's send hour (09:00).",
    example: 9,
  })
  @IsOptional()
  @IsInt({ message: 'must be a whole hour from 0 to 23' })
  @Min(0, { message: 'must be a whole hour from 0 to 23' })
  @Max(23, { message: 'must be a whole hour from 0 to 23' })
  digestHour?: number | null;
}

export class UpdateContactDto extends PartialType(CreateContactDto) {}
