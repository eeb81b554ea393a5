import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { validateLocalDate } from '../../../common/src/rules.js';
import { Satisfies } from '../../../common/src/validation.js';
import { validateFreeText } from '../../../domain/src/validation/index.js';
import { HOLDERS, type Holder } from '../qualification.entity.js';

const short = (v: string) => validateFreeText(v, { maxLength: 200 });

export class CreateQualificationDto {
  @ApiProperty({
    description: 'Code of the catalogue requirement this document satisfies (see GET /api/v1/catalogue).',
    example: 'internet_drug_info_certificate',
  })
  @IsString()
  @Matches(/^[a-z][a-z0-9_]{1,63}$/, {
    message: 'must be a catalogue requirement code (lowercase letters, digits, _)',
  })
  requirementCode!: string;

  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description: 'Certificate or licence number.',
    example: '(粤)-经营性-2024-0123',
  })
  @IsOptional()
  @IsString()
  @Satisfies(short, { name: 'text' })
  number?: string | null;

  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description: 'Issuing authority.',
    example: '广东省药品监督管理局',
  })
  @IsOptional()
  @IsString()
  @Satisfies(short, { name: 'text' })
  issuer?: string | null;

  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description: 'Date of issue, YYYY-MM-DD.',
    example: '2022-03-01',
  })
  @IsOptional()
  @IsString()
  @Satisfies(validateLocalDate, { name: 'date' })
  issuedOn?: string | null;

  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description: 'Expiry date, YYYY-MM-DD; leave out for documents that do not expire.',
    example: '2027-02-28',
  })
  @IsOptional()
  @IsString()
  @Satisfies(validateLocalDate, { name: 'date' })
  expiresOn?: string | null;

  @ApiPropertyOptional({ description: 'Who holds the original document.', enum: HOLDERS, default: 'owner' })
  @IsOptional()
  @IsIn(HOLDERS, { message: `must be one of: ${HOLDERS.join(', ')}` })
  originalHeldBy?: Holder;
}

export class UpdateQualificationDto extends PartialType(CreateQualificationDto) {}
