import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';

export class CreateCalendarFeedDto {
  @ApiPropertyOptional({
    description: "Only this mini-program's deadlines; omit for every deadline of the organization.",
    format: 'uuid',
  })
  @IsOptional()
  @IsUUID('all', { message: 'must be a UUID' })
  miniProgramId?: string;
}
