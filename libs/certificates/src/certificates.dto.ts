import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PageQuery } from '../../common/src/pagination.js';
import { CERTIFICATE_FINDINGS } from '../../domain/src/certificates/index.js';

export const FINDING_FILTERS = [...CERTIFICATE_FINDINGS, 'ok', 'any'] as const;
export type FindingFilter = (typeof FINDING_FILTERS)[number];

export class ListCertificatesQuery extends PageQuery {
  @ApiPropertyOptional({
    description: 'Only domains whose latest check has this finding; `ok`: none; `any`: at least one.',
    enum: FINDING_FILTERS,
  })
  @IsOptional()
  @IsIn(FINDING_FILTERS, { message: `must be one of: ${FINDING_FILTERS.join(', ')}` })
  finding?: FindingFilter;
}
