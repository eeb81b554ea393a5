import { type DynamicModule, Module, type OnModuleInit } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { HealthContributors } from '../../core/src/health-contributors.js';
import { MailTransport } from '../../mail/src/mail-transport.js';
import { AppStateService } from './app-state.service.js';
import { DeliveryService } from './delivery.service.js';
import { DigestService } from './digest.service.js';
import { LinksController } from './links.controller.js';
import { NotificationsController } from './notifications.controller.js';
import { PlannerService } from './planner.service.js';
import { ReminderComposer } from './reminder-composer.js';
import { ReminderSettingsService } from './reminder-settings.service.js';
import { ReminderScheduler } from './reminder-scheduler.js';
import { TickService } from './tick.service.js';

@Module({})
export class RemindersModule implements OnModuleInit {
  constructor(
    private readonly health: HealthContributors,
    private readonly state: AppStateService,
    private readonly transport: MailTransport,
  ) {}

  /** The scheduler runs only in the worker role; planning, delivery and the links are always available. */
  static forRoot(options: { worker: boolean }): DynamicModule {
    return {
      module: RemindersModule,
      imports: options.worker ? [ScheduleModule.forRoot()] : [],
      controllers: [LinksController, NotificationsController],
      providers: [
        AppStateService,
        PlannerService,
        DeliveryService,
        DigestService,
        ReminderComposer,
        ReminderSettingsService,
        TickService,
        ...(options.worker ? [ReminderScheduler] : []),
      ],
      exports: [PlannerService, DeliveryService, DigestService, TickService, AppStateService],
    };
  }

  onModuleInit(): void {
    this.health.register('mail', async () => {
      const pause = await this.state.transportPause();
      const { kind, target } = this.transport.describe();
      const backlog = await this.state.mailBacklog();
      return pause
        ? {
            status: 'degraded',
            kind,
            target,
            paused: true,
            pauseKind: pause.kind ?? 'auth',
            reason: pause.reason,
            since: pause.since,
            ...backlog,
          }
        : { status: 'up', kind, target, paused: false, ...backlog };
    });
  }
}
