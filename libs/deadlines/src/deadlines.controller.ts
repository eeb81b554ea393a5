import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, type AuthContext } from '../../auth/src/auth-context.js';
import { type Locale, RequestLocale } from '../../common/src/locale.js';
import { uuid } from '../../registry/src/contacts.controller.js';
import { DeadlinePage, DeadlineResponse } from './deadline.response.js';
import { DeadlineService } from './deadline.service.js';
import {
  AcknowledgeDeadlineDto,
  CompleteDeadlineDto,
  CreateCustomDeadlineDto,
  ListDeadlinesQuery,
  SnoozeDeadlineDto,
} from './dto/deadline.dto.js';

@ApiTags('deadlines')
@ApiBearerAuth()
@Controller('api/v1/deadlines')
export class DeadlinesController {
  constructor(private readonly deadlines: DeadlineService) {}

  @Get()
  @ApiOperation({ summary: 'Deadline cycles: filter by window, state, kind, mini-program, vendor, urgency' })
  @ApiOkResponse({ type: DeadlinePage })
  list(@Auth() auth: AuthContext, @Query() query: ListDeadlinesQuery, @RequestLocale() locale: Locale) {
    return this.deadlines.list(auth, query, locale);
  }

  @Get('overview')
  @ApiOperation({
    summary: "Counts of live deadlines per urgency, state and kind, as of the organization's today",
  })
  overview(@Auth() auth: AuthContext) {
    return this.deadlines.overview(auth);
  }

  @Get(':id')
  @ApiOkResponse({ type: DeadlineResponse })
  get(@Auth() auth: AuthContext, @Param('id', uuid) id: string, @RequestLocale() locale: Locale) {
    return this.deadlines.get(auth, id, locale);
  }

  @Post()
  @ApiOperation({ summary: 'Create a custom deadline (one-off, monthly or yearly)' })
  create(
    @Auth() auth: AuthContext,
    @Body() dto: CreateCustomDeadlineDto,
    @RequestLocale() locale: Locale,
  ): Promise<DeadlineResponse> {
    return this.deadlines.createCustom(auth, dto, locale);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a custom deadline (all its cycles)' })
  remove(@Auth() auth: AuthContext, @Param('id', uuid) id: string): Promise<void> {
    return this.deadlines.removeCustom(auth, id);
  }

  @Post(':id/complete')
  @HttpCode(200)
  @ApiOperation({ summary: 'Complete the cycle (renewed) and open the next; idempotent' })
  complete(
    @Auth() auth: AuthContext,
    @Param('id', uuid) id: string,
    @Body() dto: CompleteDeadlineDto,
    @RequestLocale() locale: Locale,
  ) {
    return this.deadlines.complete(auth, id, dto, locale);
  }

  @Post(':id/acknowledge')
  @HttpCode(200)
  @ApiOperation({ summary: 'Acknowledge: stops escalation of this cycle for everyone; idempotent' })
  acknowledge(
    @Auth() auth: AuthContext,
    @Param('id', uuid) id: string,
    @Body() dto: AcknowledgeDeadlineDto,
    @RequestLocale() locale: Locale,
  ) {
    return this.deadlines.acknowledge(auth, id, dto, locale);
  }

  @Post(':id/snooze')
  @HttpCode(200)
  @ApiOperation({ summary: 'Snooze reminders until a date (after today, never past the due date)' })
  snooze(
    @Auth() auth: AuthContext,
    @Param('id', uuid) id: string,
    @Body() dto: SnoozeDeadlineDto,
    @RequestLocale() locale: Locale,
  ) {
    return this.deadlines.snooze(auth, id, dto, locale);
  }

  @Post(':id/reopen')
  @HttpCode(200)
  @ApiOperation({ summary: 'Reopen an acknowledged or snoozed cycle: reminders resume' })
  reopen(@Auth() auth: AuthContext, @Param('id', uuid) id: string, @RequestLocale() locale: Locale) {
    return this.deadlines.reopen(auth, id, locale);
  }
}
