import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { findRequirement } from '../../catalogue/src/index.js';
import { APP_CONFIG, type AppConfig } from '../../config/src/app-config.js';
import {
  type CycleState,
  cycleEscalatesOn,
  deadlineDisplayName,
  ownerNameOf,
} from '../../domain/src/deadlines/index.js';
import {
  DEFAULT_LADDER,
  type DigestItem,
  headerSafe,
  isSendTime,
  type Ladder,
  messageIdFor,
  renderDigest,
  retryDecision,
  type Role,
  type SmtpFailure,
  signLink,
  stageAnchorsOf,
  stageInstanceOf,
  transportFailureKey,
} from '../../domain/src/reminders/index.js';
import { localDateOf } from '../../domain/src/time/index.js';
import { MailTransport, type OutgoingMail } from '../../mail/src/mail-transport.js';
import { CatalogueService } from '../../requirements/src/catalogue.service.js';
import { AppStateService } from './app-state.service.js';
import { DeliveryService } from './delivery.service.js';
import { mailDomainOf } from './planner.service.js';
import { DEADLINE_CONTEXT_SQL, type DeadlineContext } from './reminder-composer.js';

/** A digest claimed for sending: its row as the claim returned it. */
export interface ClaimedDigest {
  id: string;
  organization_id: string;
  email: string;
  name: string;
  locale: 'zh-CN' | 'en';
  local_date: string;
  message_id: string;
  claimed_by: string;
  attempts: number;
  created_at: Date;
}

/** One held delivery of a digest, with what deciding and listing it needs. */
interface HeldRow {
  id: string;
  notification_id: string;
  organization_id: string;
  email: string;
  role: string;
  stage: string;
  deadline_id: string;
  vendor_unavailable: boolean;
  contact_vendor: string | null;
}

/** A digest's items as of an instant: those to list, and those to leave out with the reason. */
export interface DigestContents {
  items: DigestItem[];
  held: HeldRow[];
  dropped: { row: HeldRow; reason: string }[];
  organizationName: string;
}

export interface ComposeResult {
  digests: number;
  items: number;
  released: number;
}

export interface DigestDeliveryResult {
  sent: number;
  retried: number;
  failed: number;
  cancelled: number;
  paused: boolean;
}

/**
 * The claim, as the delivery loop's: expired leases first, then due digests, each an ordered scan of its
 * partial index, FOR UPDATE SKIP LOCKED. $1 now, $2 batch size, $3 claim token, $4 lease seconds.
 */
export const DIGEST_CLAIM_SQL = `
WITH expired AS (
  SELECT id, next_attempt_at FROM digests
   WHERE status = 'sending' AND lease_until < $1
   ORDER BY lease_until LIMIT $2
   FOR UPDATE SKIP LOCKED
), due AS (
  SELECT id, next_attempt_at FROM digests
   WHERE status = 'pending' AND next_attempt_at <= $1
   ORDER BY next_attempt_at LIMIT $2
   FOR UPDATE SKIP LOCKED
), picked AS (
  SELECT id FROM (SELECT * FROM expired UNION ALL SELECT * FROM due) c ORDER BY next_attempt_at LIMIT $2
)
UPDATE digests g
   SET status = 'sending', attempts = g.attempts + 1, claimed_by = $3,
       lease_until = $1::timestamptz + make_interval(secs => $4), updated_at = $1
  FROM picked p
 WHERE g.id = p.id
RETURNING g.id, g.organization_id, g.email, g.name, g.locale, to_char(g.local_date, 'YYYY-MM-DD') AS local_date,
          g.message_id, g.claimed_by, g.attempts, g.created_at`;

/**
 * The daily digest (issue 17). A digest contact's reminder deliveries are inserted `held` by the planner;
 * from the contact's digest hour, `compose` creates that day's one digest per address (unique on
 * organization, address and local date) and attaches every held delivery not yet in a digest, in one
 * transaction, so each stage is in exactly one digest. `deliverDue` sends digests with the delivery loop's
 * promise: claimed with SKIP LOCKED and a lease, the same Message-ID on every attempt, the items marked
 * sent in the transaction that records the send, retried on transient failures for
 * MAIL_RETRY_PERIOD_HOURS, paused with the transport. An item whose deadline was acknowledged, completed
 * or snoozed before the digest goes out is left out (cancelled, with the reason).
 */
@Injectable()
export class DigestService {
  private readonly logger = new Logger('Digest');
  private readonly mailDomain: string;
  private readonly failing = { key: null as string | null, count: 0 };

  constructor(
    private readonly db: DataSource,
    private readonly transport: MailTransport,
    private readonly catalogue: CatalogueService,
    private readonly state: AppStateService,
    private readonly delivery: DeliveryService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.mailDomain = mailDomainOf(config.MAIL_FROM);
  }

  /** Creates the digests due as of `now` and attaches their items. Any number of runs give the same rows. */
  async compose(now: Date): Promise<ComposeResult> {
    const result: ComposeResult = { digests: 0, items: 0, released: 0 };
    const orgs = await this.db.query<{ id: string; time_zone: string; send_hour: number }[]>(
      `SELECT o.id, o.time_zone, o.send_hour FROM organizations o
        WHERE EXISTS (SELECT 1 FROM notification_deliveries d
                       WHERE d.organization_id = o.id AND d.status = 'held' AND d.digest_id IS NULL)
        ORDER BY o.id`,
    );
    for (const org of orgs) {
      // Held for a contact that has since switched back to immediate mails, or was removed: mail it alone.
      const [, released] = await this.db.query<[unknown[], number]>(
        `UPDATE notification_deliveries d SET status = 'pending', next_attempt_at = $2, updated_at = $2
          WHERE d.organization_id = $1 AND d.status = 'held' AND d.digest_id IS NULL
            AND NOT EXISTS (SELECT 1 FROM contacts c WHERE c.id = d.contact_id AND c.reminder_mode = 'digest')`,
        [org.id, now],
      );
      result.released += released;
      const recipients = await this.db.query<
        {
          email: string;
          name: string;
          locale: string;
          contact_id: string;
          digest_hour: number | null;
        }[]
      >(
        `SELECT DISTINCT ON (lower(d.email)) d.email, c.name, c.locale, c.id AS contact_id, c.digest_hour
           FROM notification_deliveries d JOIN contacts c ON c.id = d.contact_id AND c.reminder_mode = 'digest'
          WHERE d.organization_id = $1 AND d.status = 'held' AND d.digest_id IS NULL
          ORDER BY lower(d.email), d.created_at, d.id`,
        [org.id],
      );
      const today = localDateOf(now, org.time_zone);
      for (const r of recipients) {
        if (!isSendTime(now, org.time_zone, r.digest_hour ?? org.send_hour)) continue;
        const attached = await this.db.transaction((m) => this.createDigest(m, org.id, today, r, now));
        if (attached) {
          result.digests++;
          result.items += attached;
        }
      }
    }
    if (result.digests || result.released)
      this.logger.log({ ...result, at: now.toISOString() }, 'composed digests');
    return result;
  }

  /**
   * Today's digest of one address, with every held item not yet in a digest; 0 when today's digest exists
   * already (these items then wait for tomorrow's: one digest per address and local day).
   */
  private async createDigest(
    m: EntityManager,
    organizationId: string,
    today: string,
    r: { email: string; name: string; locale: string; contact_id: string },
    now: Date,
  ): Promise<number> {
    const id = randomUUID();
    const [created] = await m.query<{ id: string }[]>(
      `INSERT INTO digests (id, organization_id, contact_id, email, name, locale, local_date, next_attempt_at,
                            message_id, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $8, $8)
       ON CONFLICT (organization_id, lower(email), local_date) DO NOTHING
       RETURNING id`,
      [
        id,
        organizationId,
        r.contact_id,
        r.email,
        r.name,
        r.locale,
        today,
        now,
        messageIdFor(id, this.mailDomain),
      ],
    );
    if (!created) return 0;
    // `digest_id IS NULL` is re-checked after any concurrent attach commits (the row lock), so a stage
    // joins one digest only.
    const [, attached] = await m.query<[unknown[], number]>(
      `UPDATE notification_deliveries d SET digest_id = $1, updated_at = $4
         FROM contacts c
        WHERE c.id = d.contact_id AND c.reminder_mode = 'digest'
          AND d.organization_id = $2 AND lower(d.email) = lower($3) AND d.status = 'held' AND d.digest_id IS NULL`,
      [id, organizationId, r.email, now],
    );
    if (!attached) {
      await m.query(`DELETE FROM digests WHERE id = $1`, [id]);
      return 0;
    }
    await m.query(`UPDATE digests SET item_count = $2 WHERE id = $1`, [id, attached]);
    return attached;
  }

  /** Sends every digest due as of `now` (retries and expired leases included), until none is left. */
  async deliverDue(now: () => Date, random: () => number = Math.random): Promise<DigestDeliveryResult> {
    const result: DigestDeliveryResult = { sent: 0, retried: 0, failed: 0, cancelled: 0, paused: false };
    if (await this.state.transportPause()) return { ...result, paused: true };
    const secret = await this.state.linkSecret();
    for (;;) {
      const batch = await this.claim(now());
      if (!batch.length) break;
      const run = { paused: false };
      for (const d of batch) {
        if (run.paused) {
          await this.release(d, now());
          continue;
        }
        result[await this.sendOne(d, now(), random, secret, run)]++;
      }
      if (run.paused) {
        result.paused = true;
        break;
      }
    }
    return result;
  }

  async claim(now: Date): Promise<ClaimedDigest[]> {
    const token = `digest-${this.delivery.workerId}:${randomUUID().slice(0, 8)}`;
    const [rows] = await this.db.query<[ClaimedDigest[], number]>(DIGEST_CLAIM_SQL, [
      now,
      this.config.DELIVERY_BATCH_SIZE,
      token,
      this.config.DELIVERY_LEASE_SECONDS,
    ]);
    return rows;
  }

  private async release(d: ClaimedDigest, now: Date): Promise<void> {
    await this.db.query(
      `UPDATE digests SET status = 'pending', attempts = attempts - 1, next_attempt_at = $3, lease_until = NULL,
              updated_at = $3
        WHERE id = $1 AND claimed_by = $2 AND status = 'sending'`,
      [d.id, d.claimed_by, now],
    );
  }

  /**
   * The seam a channel digest can reuse: the items of one digest as of `now`, in the recipient's language,
   * each with its own signed acknowledge link (per deadline: the link names the held delivery, whose
   * deadline the existing link page acknowledges) and console link; items whose deadline no longer
   * escalates are returned as dropped. Locks the held deliveries and shares their deadlines: call it
   * inside the transaction that records the send.
   */
  async contentsOf(
    m: EntityManager,
    digest: Pick<ClaimedDigest, 'id' | 'organization_id' | 'locale'>,
    now: Date,
    secret: string,
  ): Promise<DigestContents> {
    const held = await m.query<HeldRow[]>(
      `SELECT d.id, d.notification_id, d.organization_id, d.email, d.role, n.stage, n.deadline_id,
              n.vendor_unavailable, c.vendor_id AS contact_vendor
         FROM notification_deliveries d
         JOIN notifications n ON n.id = d.notification_id
         LEFT JOIN contacts c ON c.id = d.contact_id
        WHERE d.digest_id = $1 AND d.organization_id = $2 AND d.status = 'held'
        ORDER BY d.id
          FOR UPDATE OF d`,
      [digest.id, digest.organization_id],
    );
    const deadlines = held.length
      ? await m.query<DeadlineContext[]>(
          `${DEADLINE_CONTEXT_SQL} WHERE d.id = ANY($1::uuid[]) ORDER BY d.id FOR SHARE OF d`,
          [[...new Set(held.map((h) => h.deadline_id))]],
        )
      : [];
    const byId = new Map(deadlines.map((d) => [d.id, d]));
    const [org] = await m.query<{ name: string }[]>(`SELECT name FROM organizations WHERE id = $1`, [
      digest.organization_id,
    ]);
    const contents: DigestContents = { items: [], held: [], dropped: [], organizationName: org?.name ?? '' };
    const expiresAt = new Date(now.getTime() + 60 * 86_400_000);
    for (const row of held) {
      const deadline = byId.get(row.deadline_id);
      if (!deadline) {
        contents.dropped.push({ row, reason: 'the deadline no longer exists' });
        continue;
      }
      const today = localDateOf(now, deadline.time_zone);
      if (
        !cycleEscalatesOn(
          { state: deadline.state as CycleState, snoozedUntil: deadline.snoozed_until },
          today,
        )
      ) {
        contents.dropped.push({ row, reason: `deadline ${deadline.state} before the digest was sent` });
        continue;
      }
      const vendorGone = deadline.vendor_status === 'unresponsive' || deadline.vendor_status === 'ceased';
      if (vendorGone && row.contact_vendor !== null) {
        contents.dropped.push({ row, reason: 'the vendor is unavailable: its contacts get nothing' });
        continue;
      }
      contents.held.push(row);
      contents.items.push(this.itemOf(row, deadline, digest.locale, secret, expiresAt));
    }
    return contents;
  }

  private itemOf(
    row: HeldRow,
    deadline: DeadlineContext,
    locale: 'zh-CN' | 'en',
    secret: string,
    expiresAt: Date,
  ): DigestItem {
    const catalogue = this.catalogue.forOrganization(deadline.catalogue_overrides);
    const requirement = deadline.requirement_code
      ? findRequirement(catalogue, deadline.requirement_code)
      : undefined;
    const ladder = deadline.ladder ?? deadline.reminder_ladder ?? (DEFAULT_LADDER as Ladder);
    const instance = stageInstanceOf(
      ladder,
      stageAnchorsOf({
        dueOn: deadline.due_on,
        applyBy: deadline.apply_by,
        actBy: deadline.act_by,
        requirementCode: deadline.requirement_code,
      }),
      row.stage,
    );
    const roles: Role[] = instance ? [...instance.stage.roles] : [row.role as Role];
    const mustAct = row.vendor_unavailable ? [...new Set<Role>([...roles, 'operator', 'manager'])] : roles;
    return {
      deliveryId: row.id,
      deadlineId: deadline.id,
      stage: row.stage,
      title: deadlineDisplayName(requirement?.name[locale], deadline, locale),
      subjectName: deadline.mini_program_name ?? deadline.vendor_name ?? ownerNameOf(deadline),
      appId: deadline.app_id,
      dueOn: deadline.due_on,
      actBy: deadline.act_by,
      mustAct,
      links: {
        acknowledge: `${this.config.publicUrl}/ack/${signLink(
          { notificationId: row.id, organizationId: row.organization_id, action: 'ack', expiresAt },
          secret,
        )}`,
        deadline: `${this.config.publicUrl}/console/deadlines/${deadline.id}`,
      },
    };
  }

  private async sendOne(
    claimed: ClaimedDigest,
    now: Date,
    random: () => number,
    secret: string,
    run: { paused: boolean },
  ): Promise<'sent' | 'retried' | 'failed' | 'cancelled'> {
    return this.db.transaction(async (m) => {
      // Still ours? Another worker may have taken it over after our lease ran out.
      const [mine] = await m.query<{ attempts: number }[]>(
        `SELECT attempts FROM digests WHERE id = $1 AND status = 'sending' AND claimed_by = $2 FOR UPDATE`,
        [claimed.id, claimed.claimed_by],
      );
      if (!mine) return 'cancelled';
      const contents = await this.contentsOf(m, claimed, now, secret);
      for (const { row, reason } of contents.dropped) {
        await m.query(
          `UPDATE notification_deliveries SET status = 'cancelled', last_error = $2, updated_at = $3 WHERE id = $1`,
          [row.id, reason, now],
        );
      }
      if (!contents.items.length) {
        await m.query(
          `UPDATE digests SET status = 'cancelled', lease_until = NULL, item_count = 0, updated_at = $2,
                  last_error = 'every item was acknowledged, closed or no longer applied before it was sent'
            WHERE id = $1`,
          [claimed.id, now],
        );
        await this.settle(
          m,
          contents.dropped.map((d) => d.row.notification_id),
        );
        return 'cancelled';
      }
      const rendered = renderDigest(
        {
          organizationName: contents.organizationName,
          localDate: claimed.local_date,
          recipientName: claimed.name,
          items: contents.items,
          consoleUrl: `${this.config.publicUrl}/console/deadlines`,
        },
        claimed.locale,
      );
      const mail: OutgoingMail = {
        from: this.config.MAIL_FROM,
        to: { name: headerSafe(claimed.name), address: claimed.email },
        messageId: claimed.message_id,
        headers: {
          'X-MP-Guard-Digest': claimed.id,
          'X-MP-Guard-Digest-Date': claimed.local_date,
          'Auto-Submitted': 'auto-generated',
        },
        ...rendered,
      };
      const ids = contents.held.map((h) => h.id);
      try {
        const sent = await this.transport.send(mail);
        const response = sent.response.slice(0, 500);
        await m.query(
          `UPDATE digests SET status = 'sent', smtp_response = $2, sent_at = $3, lease_until = NULL, last_error = NULL,
                  item_count = $4, updated_at = $3
            WHERE id = $1`,
          [claimed.id, response, now, ids.length],
        );
        await m.query(
          `UPDATE notification_deliveries SET status = 'sent', smtp_response = $2, sent_at = $3, last_error = NULL,
                  updated_at = $3
            WHERE id = ANY($1::uuid[]) AND status = 'held'`,
          [ids, response, now],
        );
        await this.settle(m, [
          ...contents.held.map((h) => h.notification_id),
          ...contents.dropped.map((d) => d.row.notification_id),
        ]);
        this.failing.count = 0;
        this.failing.key = null;
        return 'sent';
      } catch (error) {
        return this.handleFailure(
          m,
          claimed,
          contents,
          mine.attempts,
          error as SmtpFailure & Error,
          now,
          random,
          run,
        );
      }
    });
  }

  /** The delivery loop's rules, on the digest row: retry with backoff, pause with the transport, or fail. */
  private async handleFailure(
    m: EntityManager,
    d: ClaimedDigest,
    contents: DigestContents,
    attempts: number,
    error: SmtpFailure & Error,
    now: Date,
    random: () => number,
    run: { paused: boolean },
  ): Promise<'retried' | 'failed'> {
    const message = `${error.responseCode ?? error.code ?? 'error'}: ${String(error.message ?? error)}`.slice(
      0,
      500,
    );
    const key = transportFailureKey(error);
    if (key) {
      this.failing.count = this.failing.key === key ? this.failing.count + 1 : 1;
      this.failing.key = key;
    }
    const transportDown = key !== null && this.failing.count >= this.config.MAIL_DOWN_AFTER_FAILURES;
    const decision = transportDown
      ? ({ action: 'pause' } as const)
      : retryDecision(
          error,
          attempts,
          random,
          { queuedAt: new Date(d.created_at), now },
          { retryPeriodMs: this.config.MAIL_RETRY_PERIOD_HOURS * 3_600_000 },
        );
    switch (decision.action) {
      case 'pause':
        await this.state.pauseTransport(message, m, transportDown ? 'down' : 'auth');
        run.paused = true;
        this.logger.error({ error: message, down: transportDown }, 'mail transport paused (digest)');
        await m.query(
          `UPDATE digests SET status = 'pending', attempts = attempts - 1, next_attempt_at = $2, lease_until = NULL,
                  last_error = $3, updated_at = $2 WHERE id = $1`,
          [d.id, now, message],
        );
        return 'retried';
      case 'retry':
        await m.query(
          `UPDATE digests SET status = 'pending', next_attempt_at = $2, lease_until = NULL, last_error = $3,
                  updated_at = $4 WHERE id = $1`,
          [d.id, new Date(now.getTime() + decision.delayMs), message, now],
        );
        return 'retried';
      case 'fail': {
        await m.query(
          `UPDATE digests SET status = 'failed', failure_kind = $4, lease_until = NULL, last_error = $2,
                  updated_at = $3 WHERE id = $1`,
          [d.id, message, now, decision.reason],
        );
        await m.query(
          `UPDATE notification_deliveries SET status = 'failed', failure_kind = $4, last_error = $2, updated_at = $3
            WHERE id = ANY($1::uuid[]) AND status = 'held'`,
          [contents.held.map((h) => h.id), message, now, decision.reason],
        );
        this.logger.warn({ digest: d.id, reason: decision.reason, error: message }, 'digest failed');
        for (const h of contents.held) await this.delivery.reportUpward(m, h, now);
        await this.settle(
          m,
          contents.held.map((h) => h.notification_id),
        );
        return 'failed';
      }
    }
  }

  /** Settles notifications none of whose deliveries is still open, as the delivery loop does. */
  private async settle(m: EntityManager, notificationIds: string[]): Promise<void> {
    const ids = [...new Set(notificationIds)].sort();
    if (!ids.length) return;
    // Locked in one order, in an earlier statement than the UPDATE, whose snapshot then sees every sibling.
    await m.query(`SELECT 1 FROM notifications WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`, [ids]);
    await m.query(
      `UPDATE notifications n SET status = CASE
              WHEN EXISTS (SELECT 1 FROM notification_deliveries WHERE notification_id = n.id AND status = 'sent') THEN 'sent'
              WHEN EXISTS (SELECT 1 FROM notification_deliveries WHERE notification_id = n.id AND status = 'failed') THEN 'failed'
              ELSE 'cancelled' END
        WHERE n.id = ANY($1::uuid[]) AND n.status = 'pending'
          AND NOT EXISTS (SELECT 1 FROM notification_deliveries
                           WHERE notification_id = n.id AND status IN ('pending', 'held', 'sending'))`,
      [ids],
    );
  }
}
