import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { validateLocalDate } from '../../common/src/rules.js';
import { Satisfies } from '../../common/src/validation.js';

export class ExportChecklistQuery {
  @ApiPropertyOptional({
    description: "Only this mini-program's deadlines. Another organization's id answers 404.",
    format: 'uuid',
  })
  @IsOptional()
  @IsUUID('all', { message: 'must be a UUID' })
  miniProgramId?: string;

  @ApiPropertyOptional({ description: 'Only this deadline cycle.', format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'must be a UUID' })
  deadlineId?: string;

  @ApiPropertyOptional({
    description: 'Only cycles due on or after this date (YYYY-MM-DD).',
    example: '2026-12-01',
  })
  @IsOptional()
  @Satisfies(validateLocalDate, { name: 'date' })
  dueFrom?: string;

  @ApiPropertyOptional({
    description: 'Only cycles due on or before this date (YYYY-MM-DD); not before dueFrom.',
    example: '2027-03-31',
  })
  @IsOptional()
  @Satisfies(validateLocalDate, { name: 'date' })
  dueTo?: string;

  @ApiPropertyOptional({
    description:
      "Language of the labels and catalogue texts. Default: Accept-Language, else the organization's.",
    enum: ['zh-CN', 'en'],
  })
  @IsOptional()
  @IsIn(['zh-CN', 'en'], { message: "must be 'zh-CN' or 'en'" })
  locale?: 'zh-CN' | 'en';
}
