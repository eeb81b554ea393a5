import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString } from 'class-validator';
import { validateLocalDate } from '../../../common/src/rules.js';
import { Satisfies } from '../../../common/src/validation.js';
import { validateCreditCode, validateFreeText } from '../../../domain/src/validation/index.js';
import { VENDOR_STATUSES, type VendorStatus } from '../vendor.entity.js';

const name = (v: string) => validateFreeText(v, { maxLength: 200 });
const reason = (v: string) => validateFreeText(v, { maxLength: 2000 });

export class CreateVendorDto {
  @ApiProperty({
    description: 'Name of the development company (服务商/开发公司).',
    example: '深圳市示例科技有限公司',
  })
  @IsString()
  @Satisfies(name, { name: 'text' })
  name!: string;

  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description:
      "The vendor's unified social credit code (统一社会信用代码), checked with its GB 32100-2015 check digit.",
  })
  @IsOptional()
  @IsString()
  @Satisfies(validateCreditCode, { name: 'creditCode' })
  creditCode?: string | null;

  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description: 'Date the service contract ends, YYYY-MM-DD.',
    example: '2027-06-30',
  })
  @IsOptional()
  @IsString()
  @Satisfies(validateLocalDate, { name: 'date' })
  contractEndsOn?: string | null;

  @ApiPropertyOptional({
    description: 'Whether the vendor still answers. Changing it records when and why.',
    enum: VENDOR_STATUSES,
    default: 'active',
  })
  @IsOptional()
  @IsIn(VENDOR_STATUSES, { message: `must be one of: ${VENDOR_STATUSES.join(', ')}` })
  status?: VendorStatus;

  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description: 'Why the status changed, and on what evidence.',
    example: '电话停机，邮件无回复两周',
  })
  @IsOptional()
  @IsString()
  @Satisfies(reason, { name: 'text' })
  statusReason?: string | null;

  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description: 'The evidence of the status: a returned letter, a court notice, the date of the last answer.',
    example: '2026-11-20 挂号信被退回',
  })
  @IsOptional()
  @IsString()
  @Satisfies(reason, { name: 'text' })
  statusEvidence?: string | null;
}

export class UpdateVendorDto extends PartialType(CreateVendorDto) {}
