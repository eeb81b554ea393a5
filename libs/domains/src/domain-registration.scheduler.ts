import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { Clock } from '../../common/src/clock.js';
import { DomainRegistrationService } from './domain-registration.service.js';

const LOOK_EVERY_MS = 30 * 60 * 1000;

/**
 * The worker role's RDAP refresh: every half hour it asks about the domains whose reading is older than
 * RDAP_REFRESH_DAYS or whose retry_after has passed; other workers skip while one holds the run lock.
 */
@Injectable()
export class DomainRegistrationScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('DomainRegistration');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;
  private readonly stop = new AbortController();

  constructor(
    private readonly registrations: DomainRegistrationService,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.look(), LOOK_EVERY_MS);
    this.look();
  }

  look(): void {
    if (this.stop.signal.aborted || this.running) return;
    this.running = this.registrations
      .run(this.clock.now(), { trigger: 'scheduled', signal: this.stop.signal })
      .then((r) => {
        if (r.checks.length)
          this.logger.log({ checked: r.checks.length, limited: r.limited }, 'domain registrations read');
      })
      .catch((error: unknown) => this.logger.error({ err: error }, 'domain registration refresh failed'))
      .finally(() => (this.running = null));
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stop.abort();
    clearInterval(this.timer);
    await this.running;
  }
}
