import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Auth, type AuthContext } from '../../auth/src/auth-context.js';
import { PageQuery } from '../../common/src/pagination.js';
import { uuid } from '../../registry/src/contacts.controller.js';
import { CreateCalendarFeedDto } from './calendar-feed.dto.js';
import { CalendarFeedPage, IssuedCalendarFeedResponse } from './calendar-feed.response.js';
import { CalendarFeedService } from './calendar-feed.service.js';

@ApiTags('calendar feeds')
@ApiBearerAuth()
@Controller('api/v1/calendar-feeds')
export class CalendarFeedsController {
  constructor(private readonly feeds: CalendarFeedService) {}

  @Get()
  @ApiOperation({ summary: 'Calendar feeds of the organization, newest first (never their URLs)' })
  @ApiOkResponse({ type: CalendarFeedPage })
  list(@Auth() auth: AuthContext, @Query() query: PageQuery) {
    return this.feeds.list(auth, query);
  }

  @Post()
  @ApiOperation({
    summary: 'Issue a private calendar feed (ICS) URL, for the organization or one mini-program',
    description: 'The URL carries a random token and is shown only in this answer; only its hash is stored.',
  })
  @ApiCreatedResponse({ type: IssuedCalendarFeedResponse })
  create(@Auth() auth: AuthContext, @Body() dto: CreateCalendarFeedDto): Promise<IssuedCalendarFeedResponse> {
    return this.feeds.create(auth, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke a feed: its URL answers 404 from now on; idempotent' })
  @ApiNoContentResponse()
  revoke(@Auth() auth: AuthContext, @Param('id', uuid) id: string): Promise<void> {
    return this.feeds.revoke(auth, id);
  }

  @Post(':id/rotate')
  @ApiOperation({ summary: 'Revoke a feed and issue a new URL for the same scope (shown once)' })
  @ApiCreatedResponse({ type: IssuedCalendarFeedResponse })
  @ApiConflictResponse({ description: 'The feed is already revoked.' })
  rotate(@Auth() auth: AuthContext, @Param('id', uuid) id: string): Promise<IssuedCalendarFeedResponse> {
    return this.feeds.rotate(auth, id);
  }
}
