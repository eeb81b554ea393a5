import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Clock } from '../../common/src/clock.js';
import { WechatSyncService } from './wechat-sync.service.js';

const LOOK_EVERY_MS = 10 * 60 * 1000;
const INTERVAL = 'wechat-sync';

/**
 * The worker role's daily WeChat sync: it looks every ten minutes and syncs, in each organization past
 * WECHAT_SYNC_HOUR local time, the mini-programs not yet synced that local day, so a restart catches up.
 * Other workers skip while one holds the run lock. Shutdown aborts the calls in flight (they record nothing).
 */
@Injectable()
export class WechatSyncScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('WechatSync');
  private running: Promise<void> | null = null;
  private readonly stop = new AbortController();

  constructor(
    private readonly sync: WechatSyncService,
    private readonly registry: SchedulerRegistry,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.registry.addInterval(
      INTERVAL,
      setInterval(() => this.look(), LOOK_EVERY_MS),
    );
    this.look();
  }

  look(): void {
    if (this.stop.signal.aborted || this.running) return;
    this.running = this.sync
      .run(this.clock.now(), { trigger: 'scheduled', signal: this.stop.signal })
      .then((r) => {
        if (r.synced)
          this.logger.log(
            {
              synced: r.synced,
              ok: r.ok,
              partial: r.partial,
              failed: r.failed,
              changed: r.changed,
              findings: r.findings,
            },
            'wechat synced',
          );
      })
      .catch((error: unknown) => {
        if (!this.stop.signal.aborted) this.logger.error({ err: error }, 'wechat sync failed');
      })
      .finally(() => (this.running = null));
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stop.abort();
    if (this.registry.doesExist('interval', INTERVAL)) this.registry.deleteInterval(INTERVAL);
    await this.running;
  }
}
