import { type MiddlewareConsumer, Module, type NestModule, RequestMethod } from '@nestjs/common';
import { DeadlinesModule } from '../../deadlines/src/deadlines.module.js';
import { PeopleModule } from '../../people/src/people.module.js';
import { RegistryModule } from '../../registry/src/registry.module.js';
import { CatalogueModule } from '../../requirements/src/catalogue.module.js';
import { AppStateService } from '../../reminders/src/app-state.service.js';
import { ConsoleGuard } from './console-context.js';
import { SecurityHeadersMiddleware } from './security-headers.middleware.js';
import { SignInController } from './sign-in.controller.js';
import { DeadlinePagesController } from './deadline-pages.controller.js';
import { ConsoleQueries } from './console-queries.service.js';
import { ComplianceGaps } from './compliance-gaps.service.js';
import { MiniProgramPagesController } from './mini-program-pages.controller.js';
import { OverviewController } from './overview.controller.js';
import { ContactPagesController } from './contact-pages.controller.js';
import { ContinuityPagesController } from './continuity-pages.controller.js';
import { ContinuityQueries } from './continuity-queries.service.js';
import { VendorPagesController } from './vendor-pages.controller.js';
import { HistoryPagesController } from './history-pages.controller.js';
import { HistoryQueries } from './history-queries.service.js';
import { InboxPagesController } from './inbox-pages.controller.js';
import { AuthModule } from '../../auth/src/auth.module.js';
import { ExportsModule } from '../../exports/src/exports.module.js';
import { ReminderSettingsService } from '../../reminders/src/reminder-settings.service.js';
import { ExportPagesController } from './export-pages.controller.js';
import { SettingsPagesController } from './settings-pages.controller.js';
import { ChannelPagesController } from './channel-pages.controller.js';

/** The web console: server-rendered pages over the same services as the API, for people with a session. */
@Module({
  imports: [PeopleModule, DeadlinesModule, RegistryModule, CatalogueModule, AuthModule, ExportsModule],
  // OverviewController last: its catch-all answers the console's 404.
  controllers: [
    SignInController,
    DeadlinePagesController,
    MiniProgramPagesController,
    // vendor continuity (issue 16, items 1-4)
    VendorPagesController,
    ContactPagesController,
    ContinuityPagesController,
    // history and the local inbox (issue 16, items 7-8)
    HistoryPagesController,
    InboxPagesController,
    // exports and settings (issue 16, items 5-6)
    ExportPagesController,
    SettingsPagesController,
    // chat channels (issue 17)
    ChannelPagesController,
    OverviewController,
  ],
  providers: [
    ConsoleGuard,
    AppStateService,
    ConsoleQueries,
    ComplianceGaps,
    ContinuityQueries,
    HistoryQueries,
    ReminderSettingsService,
  ],
})
export class ConsoleModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(SecurityHeadersMiddleware)
      .forRoutes(
        { path: 'console', method: RequestMethod.ALL },
        { path: 'console/*path', method: RequestMethod.ALL },
        { path: '/', method: RequestMethod.GET },
      );
  }
}
