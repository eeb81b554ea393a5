import { ApiProperty } from '@nestjs/swagger';
import { PageInfo } from '../../common/src/pagination.js';
import type { CalendarFeedEntity } from './calendar-feed.entity.js';

export class CalendarFeedResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    format: 'uuid',
    description: 'The mini-program the feed is limited to; null for the whole organization.',
  })
  miniProgramId!: string | null;
  @ApiProperty({ description: 'When the feed was issued (UTC).' }) createdAt!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'When the feed was revoked or rotated (UTC); its URL then answers 404.',
  })
  revokedAt!: string | null;
  @ApiProperty({ description: 'False once revoked.' }) active!: boolean;

  static of(e: CalendarFeedEntity): CalendarFeedResponse {
    return {
      id: e.id,
      miniProgramId: e.miniProgramId,
      createdAt: e.createdAt.toISOString(),
      revokedAt: e.revokedAt?.toISOString() ?? null,
      active: e.revokedAt === null,
    };
  }
}

export class IssuedCalendarFeedResponse extends CalendarFeedResponse {
  @ApiProperty({
    description:
      'The secret feed URL to subscribe to (shown once: only a hash of its token is stored). ' +
      'Anyone with it can read the deadlines; rotate it if it leaks.',
    example: 'https://mp-guard.example.cn/calendar/3q2-7wEr…k.ics',
  })
  url!: string;
}

export class CalendarFeedPage {
  @ApiProperty({ type: [CalendarFeedResponse] }) items!: CalendarFeedResponse[];
  @ApiProperty({ type: PageInfo }) page!: PageInfo;
}
