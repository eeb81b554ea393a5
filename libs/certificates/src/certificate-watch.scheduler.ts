import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { Clock } from '../../common/src/clock.js';
import { PeriodicRun } from '../../common/src/periodic-run.js';
import { CertificateWatchService } from './certificate-watch.service.js';

/** How often the worker looks whether an organization's daily check is due (CERT_WATCH_HOUR, local). */
const LOOK_EVERY_MS = 10 * 60 * 1000;

/**
 * The worker role's daily certificate check. It looks every ten minutes and checks only the domains not
 * yet checked that local day, so a restart or downtime catches up and a second look costs one query;
 * other workers skip while one holds the run lock. Shutdown aborts the probes in flight (they record
 * nothing) and waits only for the writes already started.
 */
@Injectable()
export class CertificateWatchScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('CertificateWatch');
  private readonly periodic = new PeriodicRun(LOOK_EVERY_MS, (signal) =>
    this.watch
      .run(this.clock.now(), { trigger: 'scheduled', signal })
      .then((r) => {
        if (r.checked || r.failed || r.deadlines.cancelled)
          this.logger.log(
            { checked: r.checked, ok: r.ok, failed: r.failed, findings: r.findings, deadlines: r.deadlines },
            'certificates checked',
          );
      })
      .catch((error: unknown) => this.logger.error({ err: error }, 'certificate watch failed')),
  );

  constructor(
    private readonly watch: CertificateWatchService,
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
