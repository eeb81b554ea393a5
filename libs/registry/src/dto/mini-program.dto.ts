import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  ValidateBy,
  ValidateNested,
} from 'class-validator';
import { validateLocalDate } from '../../../common/src/rules.js';
import { Satisfies } from '../../../common/src/validation.js';
import {
  validateAppId,
  validateCreditCode,
  validateHostname,
  validateIcpFilingNumber,
  validateServiceCategory,
  normalizeHostname,
  validateFreeText,
} from '../../../domain/src/validation/index.js';
import { CreateQualificationDto } from './qualification.dto.js';

const name = (v: string) => validateFreeText(v, { maxLength: 200 });
const notes = (v: string) => validateFreeText(v, { maxLength: 5000 });

export class CreateMiniProgramDto {
  @ApiProperty({
    description: "WeChat AppID: 'wx' and 16 lowercase hexadecimal characters; unique in the organization.",
    example: 'wx1234567890abcdef',
  })
  @IsString()
  @Satisfies(validateAppId, { name: 'appId' })
  appId!: string;

  @ApiProperty({ description: 'Name of the mini-program as users see it.', example: '康宁互联网医院' })
  @IsString()
  @Satisfies(name, { name: 'text' })
  name!: string;

  @ApiProperty({
    description: 'Owner entity (主体) registered with WeChat.',
    example: '广州康宁医疗科技有限公司',
  })
  @IsString()
  @Satisfies(name, { name: 'text' })
  ownerName!: string;

  @ApiProperty({
    description: "Owner's unified social credit code (统一社会信用代码), 18 characters with its check digit.",
    example: '91440300708461136T',
  })
  @IsString()
  @Satisfies(validateCreditCode, { name: 'creditCode' })
  ownerCreditCode!: string;

  @ApiPropertyOptional({
    description:
      "WeChat service categories, as paths such as '医疗 > 互联网医院'; they decide which qualifications are required.",
    type: [String],
    example: ['医疗 > 互联网医院'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @Satisfies(validateServiceCategory, { name: 'serviceCategory', each: true })
  serviceCategories?: string[];

  @ApiPropertyOptional({
    description:
      'Features that bring requirements of their own, e.g. wechat_pay, third_party_merchants (see GET /api/v1/catalogue).',
    type: [String],
    example: ['wechat_pay'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @Matches(/^[a-z][a-z0-9_]{1,63}$/, {
    each: true,
    message: 'each value must be a feature code (lowercase letters, digits, _)',
  })
  features?: string[];

  @ApiPropertyOptional({
    description: 'Id of the vendor that built or operates it.',
    format: 'uuid',
    nullable: true,
    type: String,
  })
  @IsOptional()
  @IsUUID('all', { message: 'must be a UUID' })
  vendorId?: string | null;

  @ApiPropertyOptional({
    description:
      'Expiry of the WeChat certification (微信认证), YYYY-MM-DD: the annual review falls due then.',
    example: '2027-03-15',
    nullable: true,
    type: String,
  })
  @IsOptional()
  @Satisfies(validateLocalDate, { name: 'date' })
  certificationExpiresOn?: string | null;

  @ApiPropertyOptional({
    description: 'Mini-program ICP filing number (小程序备案号).',
    example: '粤ICP备2023123456号-1X',
    nullable: true,
    type: String,
  })
  @IsOptional()
  @Satisfies(validateIcpFilingNumber, { name: 'icpFilingNumber' })
  icpFilingNumber?: string | null;

  @ApiPropertyOptional({
    description:
      'Beds of the medical institution (医疗机构床位数): its periodic inspection (校验) is yearly under 100 beds, every 3 years at 100 or more.',
    example: 80,
    nullable: true,
    type: Number,
  })
  @IsOptional()
  @ValidateBy({
    name: 'bedCount',
    validator: {
      validate: (v: unknown) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 1_000_000,
      // One rule per value, so a string is not also "at most 1000000".
      defaultMessage: (args) =>
        !Number.isInteger(args?.value)
          ? 'must be a whole number of beds (an integer)'
          : (args!.value as number) < 0
            ? 'must be 0 or more'
            : 'must be at most 1000000',
    },
  })
  bedCount?: number | null;

  @ApiPropertyOptional({
    description: 'Server domains (request/socket/upload/download) as bare host names: no scheme, port or IP.',
    type: [String],
    example: ['api.example-clinic.cn'],
  })
  @IsOptional()
  // Users paste 'API.Example.CN' or Chinese domains; the stored form is lowercase punycode.
  @Transform(({ value }: { value: unknown }) =>
    Array.isArray(value)
      ? value.map((v: unknown) => (typeof v === 'string' ? normalizeHostname(v) : v))
      : value,
  )
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Satisfies(validateHostname, { name: 'hostname', each: true })
  serverDomains?: string[];

  @ApiPropertyOptional({ description: 'Free notes.', nullable: true, type: String })
  @IsOptional()
  @Satisfies(notes, { name: 'text' })
  notes?: string | null;

  @ApiPropertyOptional({
    description: 'Qualifications held, written in the same transaction.',
    type: [CreateQualificationDto],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => CreateQualificationDto)
  qualifications?: CreateQualificationDto[];
}

export class UpdateMiniProgramDto extends PartialType(
  OmitType(CreateMiniProgramDto, ['qualifications'] as const),
) {}
