import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { APP_CONFIG, type AppConfig } from '../../config/src/app-config.js';
import { Clock } from '../../common/src/clock.js';
import { DeliveryService } from './delivery.service.js';
import { DigestService } from './digest.service.js';
import { PlannerService } from './planner.service.js';

/**
 * The worker role: the planner tick every TICK_INTERVAL_SECONDS and the delivery loop every
 * DELIVERY_INTERVAL_SECONDS, never overlapping themselves. Shutdown waits for the runs in flight, so a
 * send that started is recorded before the process exits.
 */
@Injectable()
export class ReminderScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('ReminderScheduler');
  private readonly inFlight = new Set<Promise<unknown>>();
  private stopping = false;
  private planning = false;
  private delivering = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly registry: SchedulerRegistry,
    private readonly planner: PlannerService,
    private readonly delivery: DeliveryService,
    private readonly digests: DigestService,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.registry.addInterval(
      'reminder-tick',
      setInterval(() => this.runTick(), this.config.TICK_INTERVAL_SECONDS * 1000),
    );
    this.registry.addInterval(
      'reminder-delivery',
      setInterval(() => this.runDelivery(), this.config.DELIVERY_INTERVAL_SECONDS * 1000),
    );
    this.runTick();
  }

  private track(work: Promise<unknown>): void {
    const p = work.catch((error: unknown) => this.logger.error({ err: error }, 'scheduled run failed'));
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  runTick(): void {
    if (this.stopping || this.planning) return;
    this.planning = true;
    this.track(
      this.planner
        .plan(this.clock.now())
        .then(() => this.digests.compose(this.clock.now()))
        .then(() => this.deliver())
        .finally(() => (this.planning = false)),
    );
  }

  runDelivery(): void {
    if (this.stopping) return;
    this.track(this.deliver());
  }

  private async deliver(): Promise<void> {
    if (this.delivering || this.stopping) return;
    this.delivering = true;
    try {
      await this.delivery.deliverDue(
        () => this.clock.now(),
        Math.random,
        () => !this.stopping,
      );
      if (!this.stopping) await this.digests.deliverDue(() => this.clock.now());
    } finally {
      this.delivering = false;
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    for (const name of ['reminder-tick', 'reminder-delivery']) {
      if (this.registry.doesExist('interval', name)) this.registry.deleteInterval(name);
    }
    await Promise.all([...this.inFlight]);
  }
}
