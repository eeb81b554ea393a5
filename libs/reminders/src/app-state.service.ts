import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/src/app-config.js';
import { Clock } from '../../common/src/clock.js';

export interface TransportPause {
  reason: string;
  since: string;
  /** `auth`: our credentials or TLS are wrong; `down`: consecutive sends failed the same transient way. */
  kind?: 'auth' | 'down';
}

/** Facts every instance shares through PostgreSQL: the link-signing secret and the mail transport's pause. */
@Injectable()
export class AppStateService {
  private secret: string | null = null;

  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * LINK_SECRET when configured; otherwise one generated on first use and stored in the database, so
   * every instance signs and checks links with the same key without extra configuration.
   */
  async linkSecret(): Promise<string> {
    if (this.config.LINK_SECRET) return this.config.LINK_SECRET;
    if (this.secret) return this.secret;
    await this.db.query(
      `INSERT INTO app_state (key, value) VALUES ('link_secret', $1) ON CONFLICT (key) DO NOTHING`,
      [JSON.stringify(randomBytes(32).toString('base64url'))],
    );
    const [row] = await this.db.query<{ value: string }[]>(
      `SELECT value FROM app_state WHERE key = 'link_secret'`,
    );
    this.secret = row.value;
    return this.secret;
  }

  async transportPause(): Promise<TransportPause | null> {
    const [row] = await this.db.query<{ value: TransportPause }[]>(
      `SELECT value FROM app_state WHERE key = 'mail_paused'`,
    );
    return row?.value ?? null;
  }

  /** Pass the caller's transaction manager when inside one: never borrow a second pooled connection there. */
  async pauseTransport(
    reason: string,
    m: Pick<DataSource, 'query'> = this.db,
    kind: 'auth' | 'down' = 'auth',
  ): Promise<void> {
    await m.query(
      `INSERT INTO app_state (key, value, updated_at) VALUES ('mail_paused', $1, $2)
       ON CONFLICT (key) DO NOTHING`,
      [JSON.stringify({ reason, since: this.clock.now().toISOString(), kind }), this.clock.now()],
    );
  }

  /** Deliveries not yet sent (pending or in flight) and when the oldest was queued: /health's backlog. */
  async mailBacklog(): Promise<{ waiting: number; oldestQueuedAt: string | null }> {
    const [row] = await this.db.query<{ waiting: number; oldest: Date | null }[]>(
      `SELECT count(*)::int AS waiting, min(created_at) AS oldest FROM notification_deliveries
        WHERE status IN ('pending', 'sending')`,
    );
    return { waiting: row.waiting, oldestQueuedAt: row.oldest ? row.oldest.toISOString() : null };
  }

  async resumeTransport(): Promise<void> {
    await this.db.query(`DELETE FROM app_state WHERE key = 'mail_paused'`);
  }
}
