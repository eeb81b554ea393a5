import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PageQuery } from '../../../common/src/pagination.js';
import { validateLocalDate } from '../../../common/src/rules.js';
import { Satisfies } from '../../../common/src/validation.js';
import { VENDOR_STATUSES, type VendorStatus } from '../vendor.entity.js';

export const MINI_PROGRAM_SORTS = [
  'name',
  '-name',
  'appId',
  '-appId',
  'certificationExpiresOn',
  '-certificationExpiresOn',
  'createdAt',
  '-createdAt',
] as const;

export class ListMiniProgramsQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Only mini-programs of this vendor.', format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'must be a UUID' })
  vendorId?: string;

  @ApiPropertyOptional({
    description: 'Only mini-programs whose vendor has this status.',
    enum: VENDOR_STATUSES,
  })
  @IsOptional()
  @IsIn(VENDOR_STATUSES, { message: `must be one of: ${VENDOR_STATUSES.join(', ')}` })
  vendorStatus?: VendorStatus;

  @ApiPropertyOptional({
    description: "Only those registered under this service category or a sub-category of it, e.g. '医疗'.",
  })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  serviceCategory?: string;

  @ApiPropertyOptional({
    description: 'Only those whose certification expires before this date (YYYY-MM-DD).',
  })
  @IsOptional()
  @Satisfies(validateLocalDate, { name: 'date' })
  certificationExpiresBefore?: string;

  @ApiPropertyOptional({
    description: 'Only those holding a qualification that expires before this date (YYYY-MM-DD).',
  })
  @IsOptional()
  @Satisfies(validateLocalDate, { name: 'date' })
  qualificationExpiresBefore?: string;

  @ApiPropertyOptional({ description: 'Free text matched against name, AppID and owner name.' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;

  @ApiPropertyOptional({
    description: 'Sort key; a leading - sorts descending.',
    enum: MINI_PROGRAM_SORTS,
    default: 'name',
  })
  @IsOptional()
  @IsIn(MINI_PROGRAM_SORTS, { message: `must be one of: ${MINI_PROGRAM_SORTS.join(', ')}` })
  sort: (typeof MINI_PROGRAM_SORTS)[number] = 'name';
}
