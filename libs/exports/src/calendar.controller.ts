import { Controller, Get, Param, Res } from '@nestjs/common';
import {
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../../auth/src/auth-context.js';
import { CalendarFeedService } from './calendar-feed.service.js';

/** The feed URL itself: no API key (calendar apps cannot send one); the secret token is the credential. */
@ApiTags('calendar feeds')
@Controller('calendar')
export class CalendarController {
  constructor(private readonly feeds: CalendarFeedService) {}

  @Get(':token.ics')
  @Public()
  @ApiOperation({
    summary: 'The deadlines as an iCalendar feed (subscribe in Outlook, Google, Apple Calendar, DingTalk)',
    description:
      'All-day events on each due and act-by date with alarms at the escalation stages; UIDs stay stable ' +
      'and SEQUENCE rises when a date moves. The token comes from POST /api/v1/calendar-feeds.',
  })
  @ApiParam({ name: 'token', description: 'The secret token of the feed URL.' })
  @ApiProduces('text/calendar')
  @ApiOkResponse({ description: 'RFC 5545 calendar.', schema: { type: 'string' } })
  @ApiNotFoundResponse({ description: 'Unknown, revoked or rotated token.' })
  async feed(@Param('token') token: string, @Res() res: Response): Promise<void> {
    const { ics } = await this.feeds.render(token);
    res
      .status(200)
      .setHeader('Content-Type', 'text/calendar; charset=utf-8')
      .setHeader('Content-Disposition', 'inline; filename="mp-guard.ics"')
      .setHeader('Cache-Control', 'private, no-cache')
      .setHeader('X-Robots-Tag', 'noindex')
      .send(ics);
  }
}
