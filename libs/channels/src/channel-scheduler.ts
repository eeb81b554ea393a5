import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Clock } from '../../common/src/clock.js';
import { APP_CONFIG, type AppConfig } from '../../config/src/app-config.js';
import { ChannelDeliveryService } from './channel-delivery.service.js';

/**
 * The worker role's channel loop, beside the mail loop: every DELIVERY_INTERVAL_SECONDS, never
 * overlapping itself; shutdown waits for the run in flight so a post that started is recorded.
 */
@Injectable()
export class ChannelScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('ChannelScheduler');
  private running: Promise<unknown> | null = null;
  private stopping = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly registry: SchedulerRegistry,
    private readonly delivery: ChannelDeliveryService,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.registry.addInterval(
      'channel-delivery',
      setInterval(() => this.run(), this.config.DELIVERY_INTERVAL_SECONDS * 1000),
    );
  }

  run(): void {
    if (this.stopping || this.running) return;
    this.running = this.delivery
      .deliverDue(
        () => this.clock.now(),
        Math.random,
        () => !this.stopping,
      )
      .catch((error: unknown) => this.logger.error({ err: error }, 'channel delivery run failed'))
      .finally(() => (this.running = null));
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.registry.doesExist('interval', 'channel-delivery'))
      this.registry.deleteInterval('channel-delivery');
    await this.running;
  }
}
