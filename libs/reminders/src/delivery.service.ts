import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type pg from 'pg';
import { DataSource, type EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/src/app-config.js';
import { type CycleState, cycleEscalatesOn } from '../../domain/src/deadlines/index.js';
import { localDateOf } from '../../domain/src/time/index.js';
import {
  type FailureKind,
  retryDecision,
  rolesAbove,
  type SmtpFailure,
  threadHeaders,
  transportFailureKey,
} from '../../domain/src/reminders/index.js';
import { MailTransport, type OutgoingMail } from '../../mail/src/mail-transport.js';
import { AppStateService } from './app-state.service.js';
import { insertDeliveries, mailDomainOf } from './planner.service.js';
import {
  type ClaimedDelivery,
  DEADLINE_CONTEXT_SQL,
  type DeadlineContext,
  type FailureDetails,
  ReminderComposer,
} from './reminder-composer.js';

/**
 * The claim: $1 now, $2 batch size, $3 claim token, $4 lease seconds. Due pending rows and expired leases
 * are two ordered scans of their own partial indexes (`deliveries_due_idx`, `deliveries_lease_idx`), each
 * stopping after $2 rows: one `WHERE (pending AND due) OR (sending AND expired)` would be a BitmapOr, which
 * has no order, so PostgreSQL would fetch and sort every due row to keep $2 of them. Expired leases go
 * first (oldest attempt first), then due rows; rows locked but not kept are released at the end of the
 * statement.
 */
export const CLAIM_SQL = `
WITH expired AS (
  SELECT id, next_attempt_at FROM notification_deliveries
   WHERE status = 'sending' AND lease_until < $1
   ORDER BY lease_until
   LIMIT $2
   FOR UPDATE SKIP LOCKED
), due AS (
  SELECT id, next_attempt_at FROM notification_deliveries
   WHERE status = 'pending' AND next_attempt_at <= $1
   ORDER BY next_attempt_at
   LIMIT $2
   FOR UPDATE SKIP LOCKED
), picked AS (
  SELECT id FROM (SELECT * FROM expired UNION ALL SELECT * FROM due) c ORDER BY next_attempt_at LIMIT $2
)
UPDATE notification_deliveries d
   SET status = 'sending', attempts = d.attempts + 1, claimed_by = $3,
       lease_until = $1::timestamptz + make_interval(secs => $4), updated_at = $1
  FROM picked p, notifications n
 WHERE d.id = p.id AND n.id = d.notification_id
RETURNING d.id, d.organization_id, d.notification_id, d.email, d.name, d.role, d.locale, d.message_id,
          d.claimed_by, d.attempts, n.kind, n.stage, n.deadline_id, n.vendor_id, n.vendor_unavailable, n.subject_ref,
          d.contact_id, d.created_at`;

/**
 * Locks a claimed delivery if it is still ours ($1 id, $2 claim token) and, after it, shares its deadline
 * ($3, null for a continuity alert) and reads what composing needs (ReminderComposer.loadDeadline's row):
 * an acknowledgement that commits first stops the mail, one that comes later waits for the send to be
 * recorded. No row: the delivery is no longer ours. `thread_root`: the Message-ID of the first mail of the
 * thread to this recipient ($4) that was sent (or this one): for a reminder, of the deadline cycle; for a
 * continuity alert, of the vendor ($5).
 */
const LOCK_SQL = `
WITH mine AS (
  SELECT d.attempts, c.vendor_id AS contact_vendor
    FROM notification_deliveries d LEFT JOIN contacts c ON c.id = d.contact_id
   WHERE d.id = $1 AND d.status = 'sending' AND d.claimed_by = $2
     FOR UPDATE OF d
), deadline AS (
  ${DEADLINE_CONTEXT_SQL}
   WHERE d.id = $3 AND EXISTS (SELECT 1 FROM mine)
     FOR SHARE OF d
)
SELECT mine.attempts, mine.contact_vendor, (SELECT to_jsonb(deadline) FROM deadline) AS deadline,
       CASE WHEN $3::uuid IS NOT NULL THEN (
         SELECT t.message_id FROM notifications tn JOIN notification_deliveries t ON t.notification_id = tn.id
          WHERE tn.deadline_id = $3 AND tn.kind = 'reminder' AND lower(t.email) = lower($4)
            AND (t.status = 'sent' OR t.id = $1)
          ORDER BY t.created_at, t.id LIMIT 1)
       ELSE (
         SELECT t.message_id FROM notifications tn JOIN notification_deliveries t ON t.notification_id = tn.id
          WHERE tn.vendor_id = $5 AND tn.kind = 'continuity_alert' AND lower(t.email) = lower($4)
            AND (t.status = 'sent' OR t.id = $1)
          ORDER BY t.created_at, t.id LIMIT 1)
       END AS thread_root
  FROM mine`;

/**
 * After the send: marks the delivery ($1) sent, locks its notification ($2) and, when no other delivery of
 * it is pending or sending as of this statement, settles it as sent (a finished delivery never reopens, so
 * that is final). The lock is selected in the result, so it is taken even when `settled` need not look
 * at the row. `others_open` true: a sibling looked open, but may have finished meanwhile without
 * settling (it could not see this one), so the caller settles again in a new statement, under the lock.
 */
const MARK_SENT_SQL = `
WITH locked AS (
  SELECT id FROM notifications WHERE id = $2 FOR UPDATE
), marked AS (
  UPDATE notification_deliveries SET status = 'sent', smtp_response = $3, sent_at = $4, lease_until = NULL,
         last_error = NULL, updated_at = $4
   WHERE id = $1
  RETURNING id
), open AS (
  SELECT EXISTS (SELECT 1 FROM notification_deliveries
                  WHERE notification_id = $2 AND id <> $1 AND status IN ('pending', 'held', 'sending')) AS others_open
), settled AS (
  UPDATE notifications SET status = 'sent'
   WHERE id IN (SELECT id FROM locked) AND status = 'pending' AND NOT (SELECT others_open FROM open)
  RETURNING id
)
SELECT (SELECT count(*) FROM locked)::int AS locked, (SELECT count(*) FROM marked)::int AS marked,
       (SELECT count(*) FROM settled)::int AS settled,
       (SELECT others_open FROM open) AS others_open`;

export interface DeliveryResult {
  sent: number;
  retried: number;
  failed: number;
  cancelled: number;
  paused: boolean;
}

/**
 * The delivery loop. Workers claim due deliveries with FOR UPDATE SKIP LOCKED and a lease; each send runs
 * in a transaction that holds the delivery row and shares the deadline row, so an acknowledgement that
 * commits first stops the mail, and one that comes later waits for the send to be recorded. A worker that
 * dies leaves its lease to expire; the retry reuses the delivery's Message-ID.
 */
@Injectable()
export class DeliveryService {
  private readonly logger = new Logger('Delivery');
  readonly workerId = `${process.pid}-${randomUUID().slice(0, 8)}`;
  private readonly mailDomain: string;
  /** Consecutive sends of this process that failed the same transient way (reset by any success). */
  private readonly failing = { key: null as string | null, count: 0 };
  /** A transient failure was seen since retries were last pulled forward: a success pulls them forward. */
  private retriesWaiting = false;

  constructor(
    private readonly db: DataSource,
    private readonly transport: MailTransport,
    private readonly composer: ReminderComposer,
    private readonly state: AppStateService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.mailDomain = mailDomainOf(config.MAIL_FROM);
  }

  /** Sends everything due as of `now`, batch after batch, until nothing is left or sending is paused. */
  async deliverDue(
    now: () => Date,
    random: () => number = Math.random,
    keepGoing: () => boolean = () => true,
  ): Promise<DeliveryResult> {
    const result: DeliveryResult = { sent: 0, retried: 0, failed: 0, cancelled: 0, paused: false };
    if (!(await this.ensureNotPaused(now()))) return { ...result, paused: true };
    const secret = await this.state.linkSecret();
    // Each send holds one pooled connection for its transaction; leave room for everything else.
    const lanes = Math.max(1, Math.min(this.config.DELIVERY_CONCURRENCY, this.config.DB_POOL_SIZE - 2));
    // The lanes share one queue of claimed deliveries; the lane that finds it empty claims the next batch
    // while the others finish their sends, so the SMTP connections do not wait for the slowest mail of a
    // batch. Before each further batch: stop when told to, or when sending has been paused (`run.paused`:
    // by a send of this run).
    const run = { paused: false };
    const queue: (ClaimedDelivery & { claimed_by: string })[] = [];
    let more = true;
    let batches = 0;
    let claiming: Promise<void> | undefined;
    // Sends in flight, and a signal when one ends: a send that fails permanently queues a failure report for
    // the manager, so an empty claim ends the run only when no send is still in flight (else the report of
    // the last failure waited for the next run).
    let sending = 0;
    let sendEnded: () => void = () => undefined;
    let nextSendEnd = new Promise<void>((resolve) => (sendEnded = resolve));
    const claimBatch = async () => {
      try {
        if (!keepGoing()) {
          more = false;
          return;
        }
        if (batches > 0 && (run.paused || (await this.state.transportPause()))) {
          result.paused = true;
          more = false;
          return;
        }
        const inFlight = nextSendEnd;
        const batch = await this.claim(now());
        batches++;
        if (!batch.length) {
          if (sending === 0) more = false;
          // claim again once a send in flight has ended (it may have queued a failure report)
          else await inFlight;
        }
        queue.push(...batch);
      } catch (error) {
        more = false;
        throw error;
      }
    };
    // One claim at a time; the lanes that find the queue empty meanwhile wait for it.
    const claimNext = () =>
      (claiming ??= claimBatch().finally(() => {
        claiming = undefined;
      }));
    await Promise.all(
      Array.from({ length: lanes }, async () => {
        for (;;) {
          const next = queue.shift();
          if (next && run.paused) {
            // The transport is down or refuses our credentials: hand the rest back without spending attempts.
            await this.release(next, now());
          } else if (next) {
            sending++;
            try {
              const outcome = await this.deliverOne(next, now(), random, secret, run);
              result[outcome]++;
            } finally {
              sending--;
              const ended = sendEnded;
              nextSendEnd = new Promise<void>((resolve) => (sendEnded = resolve));
              ended();
            }
          } else if (more) {
            await claimNext();
          } else {
            break;
          }
        }
      }),
    );
    return result;
  }

  /** Gives a claimed delivery back untouched: pending, due now, its attempt not counted. */
  private async release(d: ClaimedDelivery & { claimed_by: string }, now: Date): Promise<void> {
    await this.db.query(
      `UPDATE notification_deliveries SET status = 'pending', attempts = attempts - 1, next_attempt_at = $3,
              lease_until = NULL, updated_at = $3
        WHERE id = $1 AND claimed_by = $2 AND status = 'sending'`,
      [d.id, d.claimed_by, now],
    );
  }

  /**
   * The transport is back (a probe or a send succeeded): every retry waiting out its backoff becomes due
   * now, so the backlog drains at full speed instead of each mail waiting out its own delay.
   */
  async pullRetriesForward(now: Date): Promise<number> {
    this.retriesWaiting = false;
    const [, count] = await this.db.query<[unknown[], number]>(
      `UPDATE notification_deliveries SET next_attempt_at = $1
        WHERE status = 'pending' AND next_attempt_at > $1 AND last_error IS NOT NULL`,
      [now],
    );
    // Daily digests wait out the same backoff: they come back with the transport too.
    const [, digests] = await this.db.query<[unknown[], number]>(
      `UPDATE digests SET next_attempt_at = $1
        WHERE status = 'pending' AND next_attempt_at > $1 AND last_error IS NOT NULL`,
      [now],
    );
    return count + digests;
  }

  /** Claims a batch: due pending deliveries and sends whose lease expired (their worker died). */
  async claim(now: Date): Promise<(ClaimedDelivery & { claimed_by: string })[]> {
    const token = `${this.workerId}:${randomUUID().slice(0, 8)}`;
    // TypeORM answers an UPDATE ... RETURNING with [rows, affected count].
    const [rows] = await this.db.query<[(ClaimedDelivery & { claimed_by: string })[], number]>(CLAIM_SQL, [
      now,
      this.config.DELIVERY_BATCH_SIZE,
      token,
      this.config.DELIVERY_LEASE_SECONDS,
    ]);
    return rows;
  }

  private async deliverOne(
    claimed: ClaimedDelivery & { claimed_by: string },
    now: Date,
    random: () => number,
    secret: string,
    run: { paused: boolean },
  ): Promise<'sent' | 'retried' | 'failed' | 'cancelled'> {
    return this.db.transaction(async (m) => {
      // Still ours? Another worker may have taken it over after our lease ran out. The same round trip
      // shares the deadline row (after the delivery's lock, as before) and reads what the mail needs.
      const [mine] = await prepared<{
        attempts: number;
        contact_vendor: string | null;
        deadline: DeadlineContext | null;
        thread_root: string | null;
      }>(m, 'mpg-delivery-lock', LOCK_SQL, [
        claimed.id,
        claimed.claimed_by,
        claimed.kind === 'continuity_alert' ||
        claimed.kind === 'wechat_alert' ||
        claimed.kind === 'channel_alert'
          ? null
          : claimed.deadline_id,
        claimed.email,
        claimed.vendor_id,
      ]);
      const thread = threadHeaders(claimed.message_id, mine?.thread_root ?? null);
      if (!mine) return 'cancelled';
      let mail: OutgoingMail;
      if (claimed.kind === 'invitation' || claimed.kind === 'password_reset') {
        const invitation = await this.composer.composeInvitation(m, claimed, now, secret);
        if (!invitation)
          return this.finish(m, claimed, 'cancelled', 'the link was used, revoked or has expired', now);
        mail = invitation;
      } else if (claimed.kind === 'continuity_alert') {
        const alert = await this.composer.composeContinuityAlert(m, claimed);
        if (!alert) return this.finish(m, claimed, 'cancelled', 'the vendor is available again', now);
        mail = { ...alert, ...thread };
      } else if (claimed.kind === 'wechat_alert') {
        const alert = await this.composer.composeWechatAlert(m, claimed);
        if (!alert)
          return this.finish(m, claimed, 'cancelled', 'a later WeChat sync found it certified', now);
        mail = { ...alert, ...thread };
      } else if (claimed.kind === 'channel_alert') {
        const alert = await this.composer.composeChannelAlert(m, claimed);
        if (!alert) return this.finish(m, claimed, 'cancelled', 'the channel was resumed or removed', now);
        mail = alert;
      } else {
        const deadline = mine.deadline;
        if (!deadline) return this.finish(m, claimed, 'cancelled', 'the deadline no longer exists', now);
        if (claimed.kind === 'reminder') {
          // The state machine's rule: acknowledged, closed or still snoozed cycles get nothing; a snooze
          // whose date has come is over, whether or not a tick has reopened the row yet.
          const today = localDateOf(now, deadline.time_zone);
          if (
            !cycleEscalatesOn(
              { state: deadline.state as CycleState, snoozedUntil: deadline.snoozed_until },
              today,
            )
          )
            return this.finish(m, claimed, 'cancelled', `deadline ${deadline.state}`, now);
          const vendorGone = deadline.vendor_status === 'unresponsive' || deadline.vendor_status === 'ceased';
          if (vendorGone && mine.contact_vendor !== null) {
            return this.finish(
              m,
              claimed,
              'cancelled',
              'the vendor is unavailable: its contacts get nothing',
              now,
            );
          }
        }
        let failure: FailureDetails | undefined;
        if (claimed.kind === 'failure_report' && claimed.subject_ref) {
          const [failed] = await m.query<
            {
              name: string;
              email: string;
              role: string;
              last_error: string;
              failure_kind: FailureKind | null;
            }[]
          >(`SELECT name, email, role, last_error, failure_kind FROM notification_deliveries WHERE id = $1`, [
            claimed.subject_ref,
          ]);
          if (failed) {
            failure = {
              recipient: failed,
              error: failed.last_error ?? '',
              reason: failed.failure_kind ?? 'permanent',
            };
          }
        }
        mail = { ...this.composer.compose(claimed, deadline, now, secret, failure), ...thread };
      }
      try {
        const sent = await this.transport.send(mail);
        // One round trip marks the delivery sent, locks its notification and settles it when no other
        // delivery of it was still open as of this statement; only otherwise a second, fresh look is needed.
        const [marked] = await prepared<{ settled: number; others_open: boolean }>(
          m,
          'mpg-delivery-sent',
          MARK_SENT_SQL,
          [claimed.id, claimed.notification_id, sent.response.slice(0, 500), now],
        );
        if (!marked.settled && marked.others_open)
          await this.settleNotification(m, claimed.notification_id, true);
        this.failing.count = 0;
        this.failing.key = null;
        if (this.retriesWaiting) await this.pullRetriesForward(now);
        return 'sent';
      } catch (error) {
        return this.handleFailure(m, claimed, mine.attempts, error as SmtpFailure & Error, now, random, run);
      }
    });
  }

  private async handleFailure(
    m: EntityManager,
    d: ClaimedDelivery,
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
      this.retriesWaiting = true;
      this.failing.count = this.failing.key === key ? this.failing.count + 1 : 1;
      this.failing.key = key;
    }
    // Consecutive sends failing the same transient way: the transport itself is down, not this mail.
    const transportDown =
      key !== null && (run.paused || this.failing.count >= this.config.MAIL_DOWN_AFTER_FAILURES);
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
        // Our credentials or TLS are wrong, or the server is unreachable: every send would fail the same
        // way. Pause all sending; this attempt does not count against the recipient.
        await this.state.pauseTransport(message, m, transportDown ? 'down' : 'auth');
        run.paused = true;
        this.logger.error(
          { target: this.transport.describe().target, error: message, down: transportDown },
          'mail transport paused',
        );
        await m.query(
          `UPDATE notification_deliveries SET status = 'pending', attempts = attempts - 1, next_attempt_at = $2,
                  lease_until = NULL, last_error = $3, updated_at = $2 WHERE id = $1`,
          [d.id, now, message],
        );
        return 'retried';
      case 'retry':
        await m.query(
          `UPDATE notification_deliveries SET status = 'pending', next_attempt_at = $2, lease_until = NULL,
                  last_error = $3, updated_at = $4 WHERE id = $1`,
          [d.id, new Date(now.getTime() + decision.delayMs), message, now],
        );
        return 'retried';
      case 'fail':
        await m.query(
          `UPDATE notification_deliveries SET status = 'failed', failure_kind = $4, lease_until = NULL, last_error = $2,
                  updated_at = $3 WHERE id = $1`,
          [d.id, message, now, decision.reason],
        );
        this.logger.warn({ delivery: d.id, reason: decision.reason, error: message }, 'delivery failed');
        if (d.kind === 'reminder') await this.reportUpward(m, d, now);
        await this.settleNotification(m, d.notification_id);
        return 'failed';
    }
  }

  /** A reminder that cannot be delivered (alone or in a digest) is reported once to the role above its recipient. */
  async reportUpward(
    m: EntityManager,
    d: Pick<ClaimedDelivery, 'id' | 'notification_id' | 'organization_id' | 'role' | 'email'>,
    now: Date,
  ): Promise<void> {
    const [report] = await m.query<{ id: string }[]>(
      `INSERT INTO notifications (organization_id, deadline_id, kind, stage, trigger_on, status, subject_ref, created_at)
       SELECT organization_id, deadline_id, 'failure_report', 'failure:' || $2::text, trigger_on, 'pending', $2, $3
         FROM notifications WHERE id = $1
       ON CONFLICT (deadline_id, stage) DO NOTHING
       RETURNING id`,
      [d.notification_id, d.id, now],
    );
    if (!report) return;
    const contacts = await m.query<
      { id: string; email: string; name: string; role: string; locale: string }[]
    >(
      `SELECT id, email, name, role, locale FROM contacts
        WHERE organization_id = $1 AND vendor_id IS NULL AND role = ANY($2::text[]) AND lower(email) <> lower($3)
        ORDER BY created_at, id`,
      [d.organization_id, rolesAbove(d.role), d.email],
    );
    await insertDeliveries(
      m,
      d.organization_id,
      now,
      this.mailDomain,
      contacts.map((c) => [report.id, c.id, c.email, c.name, c.role, c.locale]),
    );
  }

  private async finish(
    m: EntityManager,
    d: ClaimedDelivery,
    status: 'cancelled',
    reason: string,
    now: Date,
  ): Promise<'cancelled'> {
    await m.query(
      `UPDATE notification_deliveries SET status = $2, last_error = $3, lease_until = NULL, updated_at = $4 WHERE id = $1`,
      [d.id, status, reason, now],
    );
    await this.settleNotification(m, d.notification_id);
    return 'cancelled';
  }

  /**
   * Once no delivery is pending, the notification is sent, failed or cancelled as its deliveries were.
   * `locked`: this transaction already holds the notification's row lock (taken by an earlier statement).
   */
  private async settleNotification(m: EntityManager, notificationId: string, locked = false): Promise<void> {
    // Deliveries of one notification finish in parallel transactions: the row lock makes the last one
    // to commit see all the others, so exactly one of them settles the notification. The lock must be
    // taken by an earlier statement than the UPDATE below, whose snapshot is then taken after the wait.
    if (!locked) await m.query(`SELECT 1 FROM notifications WHERE id = $1 FOR UPDATE`, [notificationId]);
    await m.query(
      `UPDATE notifications n SET status = CASE
              WHEN EXISTS (SELECT 1 FROM notification_deliveries WHERE notification_id = n.id AND status = 'sent') THEN 'sent'
              WHEN EXISTS (SELECT 1 FROM notification_deliveries WHERE notification_id = n.id AND status = 'failed') THEN 'failed'
              ELSE 'cancelled' END
        WHERE n.id = $1 AND n.status = 'pending'
          AND NOT EXISTS (SELECT 1 FROM notification_deliveries WHERE notification_id = n.id AND status IN ('pending', 'held', 'sending'))`,
      [notificationId],
    );
  }

  /** While paused, a successful check of the server resumes sending. */
  private async ensureNotPaused(now: Date): Promise<boolean> {
    const pause = await this.state.transportPause();
    if (!pause) return true;
    try {
      await this.transport.verify();
    } catch {
      return false;
    }
    await this.state.resumeTransport();
    this.failing.count = 0;
    this.failing.key = null;
    const pulled = await this.pullRetriesForward(now);
    this.logger.log({ pulledForward: pulled }, 'mail transport resumed');
    return true;
  }
}

/**
 * Runs one of the statements every mail runs as a named prepared statement on the transaction's own
 * connection, so PostgreSQL parses and plans it once per connection instead of once per mail.
 */
async function prepared<T>(m: EntityManager, name: string, text: string, values: unknown[]): Promise<T[]> {
  const client = await (m.queryRunner as unknown as { connect(): Promise<pg.ClientBase> }).connect();
  const result = await client.query({ name, text, values });
  return result.rows as T[];
}
