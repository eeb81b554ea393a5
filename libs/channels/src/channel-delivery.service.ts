import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { findRequirement } from '../../catalogue/src/index.js';
import { SecretKeys } from '../../common/src/secret-keys.js';
import { APP_CONFIG, type AppConfig } from '../../config/src/app-config.js';
import {
  allowance,
  buildRobotRequest,
  type ChannelKind,
  type ClassifiedAnswer,
  classifyAnswer,
  PLATFORM_LIMITS,
  renderChannelMessage,
  type RobotRequest,
} from '../../domain/src/channels/index.js';
import {
  type CycleState,
  cycleEscalatesOn,
  deadlineDisplayName,
  ownerNameOf,
} from '../../domain/src/deadlines/index.js';
import { consequenceFor, type Role, signLink } from '../../domain/src/reminders/index.js';
import { daysBetween, localDateOf } from '../../domain/src/time/index.js';
import { AppStateService } from '../../reminders/src/app-state.service.js';
import { insertDeliveries, mailDomainOf } from '../../reminders/src/planner.service.js';
import { ReminderComposer } from '../../reminders/src/reminder-composer.js';
import { CatalogueService } from '../../requirements/src/catalogue.service.js';
import { openTarget } from './channel-target.js';
import { RobotHttpClient, RobotUnreachableError } from './robot-http.client.js';

interface ClaimedChannelDelivery {
  id: string;
  organization_id: string;
  notification_id: string;
  channel_id: string;
  roles: Role[];
  attempts: number;
  created_at: Date;
  deadline_id: string | null;
  stage: string;
  claimed_by: string;
}

export interface ChannelDeliveryResult {
  sent: number;
  retried: number;
  failed: number;
  cancelled: number;
  /** Handed back because the channel was paused (by hand, or for an invalid key): they wait. */
  waiting: number;
  /** Our lease was taken over by another worker meanwhile: its result is theirs to record. */
  lost: number;
}

type Outcome = keyof ChannelDeliveryResult;

/**
 * $1 channel, $2 now, $3 how many (the bot's free slots), $4 claim token, $5 lease seconds. Due pending
 * deliveries of one channel and those whose lease expired (their worker died mid-post: re-posted, at most
 * this once per expiry), oldest first, locked with SKIP LOCKED so concurrent workers never take the same.
 */
const CLAIM_SQL = `
WITH picked AS (
  SELECT id FROM channel_deliveries
   WHERE channel_id = $1
     AND ((status = 'pending' AND next_attempt_at <= $2) OR (status = 'sending' AND lease_until < $2))
   ORDER BY next_attempt_at, created_at, id
   LIMIT $3
   FOR UPDATE SKIP LOCKED
)
UPDATE channel_deliveries d
   SET status = 'sending', attempts = d.attempts + 1, claimed_by = $4,
       lease_until = $2::timestamptz + make_interval(secs => $5), updated_at = $2
  FROM picked p, notifications n
 WHERE d.id = p.id AND n.id = d.notification_id
RETURNING d.id, d.organization_id, d.notification_id, d.channel_id, d.roles, d.attempts, d.created_at,
          d.claimed_by, n.deadline_id, n.stage`;

/**
 * The chat-channel delivery loop, beside the mail one and with the same promise. Per channel: the
 * channel row is locked (so instances take turns per bot), the bot's free slots are computed from its
 * send log in PostgreSQL (`allowance`), at most that many deliveries are claimed and their slots recorded
 * in the same transaction: no instance can push a bot over its limit, and what does not fit waits.
 * Each post happens outside any transaction, with the delivery leased: a worker that dies mid-post leaves
 * the lease to expire and another re-posts it once. The result is recorded only while the claim is still
 * ours (`claimed_by`), and a sent delivery is never claimed again.
 */
@Injectable()
export class ChannelDeliveryService {
  private readonly logger = new Logger('ChannelDelivery');
  readonly workerId = `${process.pid}-${randomUUID().slice(0, 8)}`;
  private readonly mailDomain: string;

  constructor(
    private readonly db: DataSource,
    private readonly keys: SecretKeys,
    private readonly http: RobotHttpClient,
    private readonly state: AppStateService,
    private readonly catalogue: CatalogueService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.mailDomain = mailDomainOf(config.MAIL_FROM);
  }

  /** Posts everything due as of `now()` that the bots' limits allow; the rest stays queued. */
  async deliverDue(
    now: () => Date,
    random: () => number = Math.random,
    keepGoing: () => boolean = () => true,
  ): Promise<ChannelDeliveryResult> {
    const result: ChannelDeliveryResult = {
      sent: 0,
      retried: 0,
      failed: 0,
      cancelled: 0,
      waiting: 0,
      lost: 0,
    };
    const channels = await this.db.query<{ channel_id: string }[]>(
      `SELECT c.id AS channel_id FROM channels c
        WHERE c.status = 'active' AND (c.penalty_until IS NULL OR c.penalty_until <= $1)
          AND EXISTS (SELECT 1 FROM channel_deliveries d WHERE d.channel_id = c.id
                       AND ((d.status = 'pending' AND d.next_attempt_at <= $1) OR (d.status = 'sending' AND d.lease_until < $1)))
        ORDER BY c.id`,
      [now()],
    );
    if (!channels.length) return result;
    const secret = await this.state.linkSecret();
    const queue = channels.map((c) => c.channel_id);
    const lanes = Math.max(1, Math.min(4, this.config.DB_POOL_SIZE - 2));
    await Promise.all(
      Array.from({ length: lanes }, async () => {
        for (let channelId = queue.shift(); channelId; channelId = queue.shift()) {
          // One bot at a time per lane, its messages in order: the per-second limits hold by construction.
          while (keepGoing()) {
            const batch = await this.claim(channelId, now());
            if (!batch.length) break;
            let stop = false;
            for (const d of batch) {
              const outcome = await this.deliverOne(d, now(), random, secret);
              result[outcome]++;
              if (outcome === 'waiting') stop = true;
            }
            if (stop) break;
          }
        }
      }),
    );
    return result;
  }

  /** Claims what the channel's free slots allow, recording the slots; [] when it is busy, paused or full. */
  async claim(channelId: string, now: Date): Promise<ClaimedChannelDelivery[]> {
    const token = `${this.workerId}:${randomUUID().slice(0, 8)}`;
    return this.db.transaction(async (m) => {
      const [channel] = await m.query<{ kind: ChannelKind; penalty_until: Date | null }[]>(
        `SELECT kind, penalty_until FROM channels WHERE id = $1 AND status = 'active' FOR UPDATE SKIP LOCKED`,
        [channelId],
      );
      if (!channel) return [];
      const sends = await m.query<{ t: Date }[]>(
        `SELECT sent_at AS t FROM channel_sends WHERE channel_id = $1 AND sent_at > $2::timestamptz - interval '60 seconds'`,
        [channelId, now],
      );
      const free = allowance(
        channel.kind,
        sends.map((s) => s.t.getTime()),
        now.getTime(),
        channel.penalty_until?.getTime() ?? null,
      );
      if (free.now === 0) return [];
      const [rows] = await m.query<[ClaimedChannelDelivery[], number]>(CLAIM_SQL, [
        channelId,
        now,
        free.now,
        token,
        this.config.CHANNEL_LEASE_SECONDS,
      ]);
      if (rows.length) {
        await m.query(
          `INSERT INTO channel_sends (channel_id, sent_at) SELECT $1, $2 FROM generate_series(1, $3::int)`,
          [channelId, now, rows.length],
        );
        await m.query(
          `DELETE FROM channel_sends WHERE channel_id = $1 AND sent_at < $2::timestamptz - interval '1 hour'`,
          [channelId, now],
        );
      }
      return rows;
    });
  }

  private async deliverOne(
    d: ClaimedChannelDelivery,
    now: Date,
    random: () => number,
    linkSecret: string,
  ): Promise<Outcome> {
    const prepared = await this.db.transaction((m) => this.prepare(m, d, now, linkSecret));
    if (typeof prepared === 'string') return prepared;
    let classified: ClassifiedAnswer;
    try {
      const answer = await this.http.post(prepared.request);
      classified = classifyAnswer(prepared.kind, answer.status, answer.text);
    } catch (error) {
      const reason = error instanceof RobotUnreachableError ? error.reason : 'connection failed';
      // A target that resolves to a private address is the channel's configuration, not a bad moment.
      classified = {
        outcome: /not a public address/.test(reason) ? 'invalid_credentials' : 'transient',
        code: null,
        message: reason,
      };
    }
    return this.db.transaction((m) => this.record(m, d, prepared.kind, classified, now, random));
  }

  /**
   * Still ours, channel still active, deadline still escalating (an acknowledgement, a snooze or a
   * completion that committed before this stops the message, as for mail): the exact request to post.
   */
  private async prepare(
    m: EntityManager,
    d: ClaimedChannelDelivery,
    now: Date,
    linkSecret: string,
  ): Promise<{ kind: ChannelKind; request: RobotRequest } | Outcome> {
    const [mine] = await m.query<{ id: string }[]>(
      `SELECT id FROM channel_deliveries WHERE id = $1 AND claimed_by = $2 AND status = 'sending' FOR UPDATE`,
      [d.id, d.claimed_by],
    );
    if (!mine) return 'lost';
    const [channel] = await m.query<
      {
        id: string;
        organization_id: string;
        kind: ChannelKind;
        status: string;
        key_id: string;
        sealed: Buffer;
        org_locale: 'zh-CN' | 'en';
      }[]
    >(
      `SELECT c.id, c.organization_id, c.kind, c.status, c.key_id, c.sealed, o.locale AS org_locale
         FROM channels c JOIN organizations o ON o.id = c.organization_id WHERE c.id = $1 FOR SHARE OF c`,
      [d.channel_id],
    );
    if (!channel || channel.status !== 'active') {
      await this.release(m, d, now);
      return 'waiting';
    }
    const deadline = d.deadline_id ? await ReminderComposer.loadDeadline(m, d.deadline_id) : null;
    if (!deadline) return this.cancel(m, d, 'the deadline no longer exists', now);
    const today = localDateOf(now, deadline.time_zone);
    if (
      !cycleEscalatesOn({ state: deadline.state as CycleState, snoozedUntil: deadline.snoozed_until }, today)
    )
      return this.cancel(m, d, `deadline ${deadline.state}`, now);
    const locale = channel.org_locale;
    const catalogue = this.catalogue.forOrganization(deadline.catalogue_overrides);
    const requirement = deadline.requirement_code
      ? findRequirement(catalogue, deadline.requirement_code)
      : undefined;
    const daysLeft = daysBetween(today, deadline.due_on);
    const consequence = requirement ? consequenceFor(requirement, -daysLeft, locale) : null;
    const ack = signLink(
      {
        notificationId: d.id,
        organizationId: d.organization_id,
        action: 'ack',
        expiresAt: new Date(now.getTime() + 60 * 86_400_000),
      },
      linkSecret,
    );
    const payload = renderChannelMessage(
      channel.kind,
      {
        organizationName: deadline.org_name,
        deadlineId: deadline.id,
        subjectName:
          deadline.mini_program_name ?? deadline.vendor_name ?? ownerNameOf(deadline) ?? deadline.org_name,
        title: deadlineDisplayName(requirement?.name[locale], deadline, locale),
        stage: d.stage,
        dueOn: deadline.due_on,
        actBy: deadline.act_by,
        daysLeft,
        roles: d.roles,
        details: [consequence?.text, requirement?.afterWindowCloses?.[locale]].filter(
          (x): x is string => !!x,
        ),
        links: {
          deadline: `${this.config.publicUrl}/console/deadlines/${deadline.id}`,
          acknowledge: `${this.config.publicUrl}/ack/${ack}`,
        },
      },
      locale,
    );
    let request: RobotRequest;
    try {
      request = buildRobotRequest(
        channel.kind,
        {
          wecom: this.config.WECOM_API_BASE_URL,
          dingtalk: this.config.DINGTALK_API_BASE_URL,
          feishu: this.config.FEISHU_API_BASE_URL,
        },
        openTarget(this.keys.box(), channel),
        payload,
        now.getTime(),
        d.id,
      );
    } catch (error) {
      await m.query(
        `UPDATE channel_deliveries SET status = 'failed', lease_until = NULL, last_error = $2, updated_at = $3 WHERE id = $1`,
        [d.id, String((error as Error).message).slice(0, 300), now],
      );
      return 'failed';
    }
    return { kind: channel.kind, request };
  }

  private async record(
    m: EntityManager,
    d: ClaimedChannelDelivery,
    kind: ChannelKind,
    answer: ClassifiedAnswer,
    now: Date,
    random: () => number,
  ): Promise<Outcome> {
    const text = answer.message.slice(0, 300);
    const mine = `id = $1 AND claimed_by = $2 AND status = 'sending'`;
    switch (answer.outcome) {
      case 'ok': {
        const [, n] = await m.query<[unknown[], number]>(
          `UPDATE channel_deliveries SET status = 'sent', sent_at = $3, platform_answer = $4, lease_until = NULL,
                  last_error = NULL, updated_at = $3 WHERE ${mine}`,
          [d.id, d.claimed_by, now, text],
        );
        if (!n)
          this.logger.warn({ delivery: d.id }, 'posted, but another worker had taken the delivery over');
        return n ? 'sent' : 'lost';
      }
      case 'rate_limited': {
        // The platform counts differently than we do (another sender on the same bot): wait out its penalty.
        const until = new Date(now.getTime() + PLATFORM_LIMITS[kind].penaltyMs);
        await m.query(
          `UPDATE channels SET penalty_until = GREATEST(COALESCE(penalty_until, $2), $2) WHERE id = $1`,
          [d.channel_id, until],
        );
        return this.retryAt(m, d, until, text, now, mine);
      }
      case 'transient': {
        if (
          now.getTime() - new Date(d.created_at).getTime() >
          this.config.CHANNEL_RETRY_PERIOD_HOURS * 3_600_000
        )
          return this.fail(m, d, `retry period ended: ${text}`, now, mine);
        // Doubling from 30 s to an hour, with jitter so a recovering platform is not hit all at once.
        const base = Math.min(30_000 * 2 ** Math.max(0, d.attempts - 1), 3_600_000);
        return this.retryAt(m, d, new Date(now.getTime() + base * (0.5 + random() / 2)), text, now, mine);
      }
      case 'invalid_credentials':
        await this.pauseForCredentials(m, d, text, now);
        await m.query(
          `UPDATE channel_deliveries SET status = 'pending', attempts = attempts - 1, next_attempt_at = $3,
                  lease_until = NULL, last_error = $4, updated_at = $3 WHERE ${mine}`,
          [d.id, d.claimed_by, now, text],
        );
        return 'waiting';
      case 'permanent':
        return this.fail(m, d, text, now, mine);
    }
  }

  private async retryAt(
    m: EntityManager,
    d: ClaimedChannelDelivery,
    at: Date,
    error: string,
    now: Date,
    mine: string,
  ): Promise<Outcome> {
    const [, n] = await m.query<[unknown[], number]>(
      `UPDATE channel_deliveries SET status = 'pending', next_attempt_at = $3, lease_until = NULL, last_error = $4,
              updated_at = $5 WHERE ${mine}`,
      [d.id, d.claimed_by, at, error, now],
    );
    return n ? 'retried' : 'lost';
  }

  private async fail(
    m: EntityManager,
    d: ClaimedChannelDelivery,
    error: string,
    now: Date,
    mine: string,
  ): Promise<Outcome> {
    const [, n] = await m.query<[unknown[], number]>(
      `UPDATE channel_deliveries SET status = 'failed', lease_until = NULL, last_error = $3, updated_at = $4 WHERE ${mine}`,
      [d.id, d.claimed_by, error, now],
    );
    if (n) this.logger.warn({ delivery: d.id, channel: d.channel_id, error }, 'channel delivery failed');
    return n ? 'failed' : 'lost';
  }

  private async release(m: EntityManager, d: ClaimedChannelDelivery, now: Date): Promise<void> {
    await m.query(
      `UPDATE channel_deliveries SET status = 'pending', attempts = attempts - 1, next_attempt_at = $3, lease_until = NULL,
              updated_at = $3 WHERE id = $1 AND claimed_by = $2 AND status = 'sending'`,
      [d.id, d.claimed_by, now],
    );
  }

  private async cancel(
    m: EntityManager,
    d: ClaimedChannelDelivery,
    reason: string,
    now: Date,
  ): Promise<Outcome> {
    await m.query(
      `UPDATE channel_deliveries SET status = 'cancelled', lease_until = NULL, last_error = $2, updated_at = $3 WHERE id = $1`,
      [d.id, reason, now],
    );
    return 'cancelled';
  }

  /**
   * The platform refused the key or token: the channel is paused (only the transition from active does
   * the rest, so concurrent failures pause it once) and the organization's admins get one mail through
   * the outbox, unique per pause. Its messages stay pending until someone resumes the channel.
   */
  private async pauseForCredentials(
    m: EntityManager,
    d: ClaimedChannelDelivery,
    reason: string,
    now: Date,
  ): Promise<void> {
    // An UPDATE … RETURNING answers [rows, affected count].
    const [[paused]] = await m.query<
      [{ organization_id: string; paused_at: Date; time_zone: string }[], number]
    >(
      `UPDATE channels c SET status = 'paused', paused_kind = 'invalid_credentials', paused_reason = $2, paused_at = $3,
              updated_at = $3
         FROM organizations o
        WHERE c.id = $1 AND c.status = 'active' AND o.id = c.organization_id
        RETURNING c.organization_id, c.paused_at, o.time_zone`,
      [d.channel_id, reason, now],
    );
    if (!paused) return;
    this.logger.error(
      { channel: d.channel_id, reason },
      'channel paused: the platform refused its key or token',
    );
    const [alert] = await m.query<{ id: string }[]>(
      `INSERT INTO notifications (organization_id, kind, stage, trigger_on, status, subject_ref, created_at)
       VALUES ($1, 'channel_alert', 'channel:paused', $2, 'pending', $3, $4)
       ON CONFLICT DO NOTHING RETURNING id`,
      [
        paused.organization_id,
        localDateOf(now, paused.time_zone),
        `${d.channel_id}:${now.toISOString()}`,
        now,
      ],
    );
    if (!alert) return;
    let people = await m.query<{ id: string | null; email: string; name: string; locale: string }[]>(
      `SELECT NULL::uuid AS id, u.email, u.name, u.locale FROM memberships mb JOIN users u ON u.id = mb.user_id
        WHERE mb.organization_id = $1 AND mb.role = 'admin' ORDER BY mb.created_at, u.id`,
      [paused.organization_id],
    );
    // An organization run through the API alone has no console admins: its managers are told instead.
    if (!people.length) {
      people = await m.query(
        `SELECT id, email, name, locale FROM contacts WHERE organization_id = $1 AND vendor_id IS NULL AND role = 'manager'
          ORDER BY created_at, id`,
        [paused.organization_id],
      );
    }
    await insertDeliveries(
      m,
      paused.organization_id,
      now,
      this.mailDomain,
      people.map((p) => [alert.id, p.id, p.email, p.name, 'admin', p.locale]),
    );
  }
}
