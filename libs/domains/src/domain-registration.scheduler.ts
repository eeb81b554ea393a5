import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { Clock } from '../../common/src/clock.js';
import { PeriodicRun } from '../../common/src/periodic-run.js';
import { DomainRegistrationService } from './domain-registration.service.js';

const LOOK_EVERY_MS = 30 * 60 * 1000;

/**
 * The worker role's RDAP refresh: every half hour it asks about the domains whose reading is older than
 * RDAP_REFRESH_DAYS or whose retry_after has passed; other workers skip while one holds the run lock.
 */
@Injectable()
export class DomainRegistrationScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('DomainRegistration');
  private readonly periodic = new PeriodicRun(LOOK_EVERY_MS, (signal) =>
    this.registrations
      .run(this.clock.now(), { trigger: 'scheduled', signal })
      .then((r) => {
        if (r.checks.length)
          this.logger.log({ checked: r.checks.length, limited: r.limited }, 'domain registrations read');
      })
      .catch((error: unknown) => this.logger.error({ err: error }, 'domain registration refresh failed')),
  );

  constructor(
    private readonly registrations: DomainRegistrationService,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.periodic.start();
  }

  look(): void {
    this.periodic.look();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.periodic.stop();
  }
}
