import { Module } from '@nestjs/common';
import { CalendarController } from './calendar.controller.js';
import { CalendarFeedService } from './calendar-feed.service.js';
import { CalendarFeedsController } from './calendar-feeds.controller.js';
import { ChecklistService } from './checklist.service.js';
import { ExportsController } from './exports.controller.js';

/** The checklist as files (HTTP and CLI) and the deadlines as private calendar feeds. */
@Module({
  controllers: [ExportsController, CalendarFeedsController, CalendarController],
  providers: [ChecklistService, CalendarFeedService],
  exports: [ChecklistService, CalendarFeedService],
})
export class ExportsModule {}
