import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { StoredLadder } from '../../common/src/stored-ladder.js';
import { APP_CONFIG, type AppConfig } from '../../config/src/app-config.js';
import {
  DEFAULT_LADDER,
  effectiveLadder,
  isSendTime,
  type Ladder,
  messageIdFor,
  recipientsFor,
  type Role,
  selectStage,
  stageAnchorsOf,
} from '../../domain/src/reminders/index.js';
import { stageRoles } from '../../domain/src/reminders/stage-recipients.js';
import { addDays, localDateOf } from '../../domain/src/time/index.js';

interface OrgRow {
  id: string;
  time_zone: string;
  send_hour: number;
  reminder_ladder: StoredLadder | null;
  vendor_unavailable_lead_days: number;
}

interface DeadlineRow {
  id: string;
  due_on: string;
  apply_by: string;
  act_by: string;
  requirement_code: string | null;
  state: 'open' | 'snoozed';
  snoozed_until: string | null;
  ladder: StoredLadder | null;
  vendor_id: string | null;
  vendor_status: string | null;
  /** Stage keys of this deadline that already have a notification. */
  planned: string[];
}

interface PlannedRow {
  deadline: DeadlineRow;
  stage: string;
  triggerOn: string;
  status: 'pending' | 'skipped';
  reason: string | null;
  roles: Role[];
}

interface ContactRow {
  id: string;
  email: string;
  name: string;
  role: Role;
  locale: 'zh-CN' | 'en';
  vendorId: string | null;
  reminderMode: 'immediate' | 'digest';
}

export interface PlanResult {
  organizations: number;
  planned: number;
  skipped: number;
  deliveries: number;
}

const PAGE = 1000;
// The widest lead a valid ladder can have (730 days) plus the largest vendor-unavailable advance (365),
// counted from act_by, the earlier of the two anchors.
const MAX_LEAD_DAYS = 730 + 365;

/**
 * One keyset page of the deadlines that have something to plan today: live (open, or snoozed until today
 * at the latest), inside the horizon, and whose most severe stage instance due by today has no notification
 * yet. That is exactly when `selectStage` returns something, so the 99% of deadlines with nothing due, or
 * with their latest due stage already planned, never leave PostgreSQL. The instance is computed as
 * `stageInstancesDueBy` does: the effective ladder (the deadline's, else the organization's or the default,
 * $5; an `early` stage in front while the vendor is unresponsive or ceased and the lead $6 is positive),
 * stages before the due date counted back from `lead_from` (act_by when a catalogue requirement's apply_by lies before the due date,
 * `stageAnchorsOf`), the others from due_on, the `closed` stage on act_by + 1 when that is before the due
 * date and a stage precedes the due date, repeats of a repeating stage, the latest trigger date, ties to the
 * later stage (`datedStages` order: ord). The first test (the ladder's first stage, minus the lead, not yet
 * due) is the cheap one: valid ladders have increasing offsets. JavaScript still runs `selectStage` on every
 * candidate, so this filter only decides what to read.
 * $1 organization, $2 today, $3 the last id of the previous page, $4 the horizon.
 */
export const CANDIDATES_SQL = `
SELECT d.id, d.due_on, d.apply_by, d.act_by, d.requirement_code, d.state, d.snoozed_until, d.ladder, d.vendor_id,
       v.status AS vendor_status,
       ARRAY(SELECT n.stage FROM notifications n WHERE n.deadline_id = d.id) AS planned
  FROM deadlines d
  LEFT JOIN vendors v ON v.id = d.vendor_id
  CROSS JOIN LATERAL (
    SELECT COALESCE(NULLIF(d.ladder, 'null'::jsonb), $5::jsonb) AS ladder,
           CASE WHEN d.apply_by < d.due_on AND d.requirement_code IS NOT NULL THEN d.act_by ELSE d.due_on END
             AS lead_from
  ) a
  CROSS JOIN LATERAL (
    SELECT a.ladder, a.lead_from,
           COALESCE(v.status IN ('unresponsive', 'ceased'), false) AND $6::int > 0
             AND jsonb_array_length(a.ladder) > 0 AND NOT a.ladder @> '[{"code":"early"}]' AS early,
           (a.ladder->0->>'offsetDays')::int AS first_offset
  ) e
  CROSS JOIN LATERAL (
    SELECT CASE WHEN i.k = 1 THEN i.code ELSE i.code || '-' || i.k END AS key
      FROM (
        SELECT s.ord, s.code, s.first_on, s.rep,
               CASE WHEN COALESCE(s.rep, 0) = 0 THEN 1 ELSE ($2::date - s.first_on) / s.rep + 1 END AS k
          FROM (
            SELECT x.ord::numeric AS ord, x.el->>'code' AS code,
                   CASE WHEN (x.el->>'offsetDays')::int < 0 THEN e.lead_from ELSE d.due_on END
                     + (x.el->>'offsetDays')::int AS first_on,
                   (x.el->>'repeatEveryDays')::int AS rep
              FROM jsonb_array_elements(e.ladder) WITH ORDINALITY x(el, ord)
            UNION ALL
            SELECT 0, 'early',
                   CASE WHEN e.first_offset - $6::int < 0 THEN e.lead_from ELSE d.due_on END
                     + e.first_offset - $6::int, NULL
             WHERE e.early
            UNION ALL
            SELECT (SELECT count(*) FROM jsonb_array_elements(e.ladder) y WHERE (y->>'offsetDays')::int < 0) + 0.5,
                   'closed', e.lead_from + 1, NULL
             WHERE e.lead_from + 1 < d.due_on AND NOT e.ladder @> '[{"code":"closed"}]'
               AND (e.first_offset < 0 OR (e.early AND e.first_offset - $6::int < 0))
          ) s
         WHERE s.first_on <= $2::date
      ) i
     ORDER BY i.first_on + (i.k - 1) * COALESCE(i.rep, 0) DESC, i.ord DESC
     LIMIT 1
  ) latest
 WHERE d.organization_id = $1 AND d.state IN ('open', 'snoozed') AND d.id > $3 AND d.act_by <= $4
   AND (d.snoozed_until IS NULL OR d.snoozed_until <= $2::date)
   AND CASE WHEN e.first_offset - CASE WHEN e.early THEN $6::int ELSE 0 END < 0 THEN e.lead_from ELSE d.due_on END
       + e.first_offset - CASE WHEN e.early THEN $6::int ELSE 0 END <= $2::date
   AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.deadline_id = d.id AND n.stage = latest.key)
 ORDER BY d.id
 LIMIT ${PAGE}`;

/**
 * The planner: for every live deadline, writes the ladder stage due on the organization's local date to
 * the outbox. Rows are unique on (deadline, stage) and inserted with ON CONFLICT DO NOTHING, so any number
 * of ticks on any number of processes give the same rows; only the process whose insert won adds the
 * deliveries, in the same transaction. After downtime the most severe due stage is sent and the earlier
 * ones are recorded as skipped (superseded). Stage choice is the pure `selectStage`, also the property
 * tests' oracle.
 */
@Injectable()
export class PlannerService {
  private readonly logger = new Logger('Planner');

  private readonly mailDomain: string;

  constructor(
    private readonly db: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.mailDomain = mailDomainOf(config.MAIL_FROM);
  }

  async plan(now: Date): Promise<PlanResult> {
    const orgs = await this.db.query<OrgRow[]>(
      `SELECT id, time_zone, send_hour, reminder_ladder, vendor_unavailable_lead_days FROM organizations ORDER BY id`,
    );
    const result: PlanResult = { organizations: 0, planned: 0, skipped: 0, deliveries: 0 };
    for (const org of orgs) {
      // Mail goes out from the organization's send hour, not at local midnight.
      if (!isSendTime(now, org.time_zone, org.send_hour)) continue;
      result.organizations++;
      const today = localDateOf(now, org.time_zone);
      // A snooze ends by itself on its date (the cycle state machine): the row reads open again, and the
      // candidates below plan the most severe stage due, as after downtime.
      await this.db.query(
        `UPDATE deadlines SET state = 'open', snoozed_until = NULL, updated_at = $3
          WHERE organization_id = $1 AND state = 'snoozed' AND snoozed_until <= $2::date`,
        [org.id, today, now],
      );
      const orgLadder = JSON.stringify(org.reminder_ladder ?? DEFAULT_LADDER);
      let contacts: ContactRow[] | undefined;
      const contactsOf = async () =>
        (contacts ??= await this.db.query<ContactRow[]>(
          `SELECT id, email, name, role, locale, vendor_id AS "vendorId", reminder_mode AS "reminderMode"
             FROM contacts WHERE organization_id = $1 ORDER BY created_at, id`,
          [org.id],
        ));
      let after = '00000000-0000-0000-0000-000000000000';
      for (;;) {
        const page = await this.db.query<DeadlineRow[]>(CANDIDATES_SQL, [
          org.id,
          today,
          after,
          addDays(today, MAX_LEAD_DAYS),
          orgLadder,
          org.vendor_unavailable_lead_days,
        ]);
        if (!page.length) break;
        after = page[page.length - 1].id;
        const rows = this.selectRows(org, today, page);
        // A page whose candidates were all planned meanwhile (another process) needs no transaction.
        if (rows.length) {
          const r = await this.db.transaction((m) => this.writeRows(m, org, now, rows, contactsOf));
          result.planned += r.planned;
          result.skipped += r.skipped;
          result.deliveries += r.deliveries;
        }
        if (page.length < PAGE) break;
      }
    }
    if (result.planned || result.skipped)
      this.logger.log({ ...result, at: now.toISOString() }, 'planned reminders');
    return result;
  }

  /** `selectStage` for every candidate of a page: the rows to insert, skipped ones before the one to send. */
  private selectRows(org: OrgRow, today: string, page: DeadlineRow[]): PlannedRow[] {
    const rows: PlannedRow[] = [];
    for (const d of page) {
      const vendorUnavailable = d.vendor_status === 'unresponsive' || d.vendor_status === 'ceased';
      const base = (d.ladder ?? org.reminder_ladder ?? DEFAULT_LADDER) as Readonly<Ladder>;
      const ladder = effectiveLadder(base, {
        vendorUnavailable,
        earlierByDays: org.vendor_unavailable_lead_days,
      });
      const selection = selectStage({
        ladder,
        dueOn: stageAnchorsOf({
          dueOn: d.due_on,
          applyBy: d.apply_by,
          actBy: d.act_by,
          requirementCode: d.requirement_code,
        }),
        today,
        state: d.state,
        snoozedUntil: d.snoozed_until,
        alreadyPlanned: new Set(d.planned),
      });
      for (const s of selection.skip) {
        rows.push({
          deadline: d,
          stage: s.stageKey,
          triggerOn: s.triggerOn,
          status: 'skipped',
          reason: `superseded by ${selection.send?.stageKey ?? 'a later stage'}`,
          roles: [],
        });
      }
      if (selection.send) {
        rows.push({
          deadline: d,
          stage: selection.send.stageKey,
          triggerOn: selection.send.triggerOn,
          status: 'pending',
          reason: null,
          roles: selection.send.stage.roles,
        });
      }
    }
    return rows;
  }

  private async writeRows(
    m: EntityManager,
    org: OrgRow,
    now: Date,
    rows: PlannedRow[],
    contactsOf: () => Promise<ContactRow[]>,
  ): Promise<{ planned: number; skipped: number; deliveries: number }> {
    const inserted = await m.query<{ id: string; deadline_id: string; stage: string; status: string }[]>(
      `INSERT INTO notifications (organization_id, deadline_id, kind, stage, trigger_on, status, skip_reason, vendor_unavailable, created_at)
       SELECT $1, t.deadline_id, 'reminder', t.stage, t.trigger_on, t.status, t.reason, t.vendor_unavailable, $2
         FROM unnest($3::uuid[], $4::text[], $5::date[], $6::text[], $7::text[], $8::boolean[])
           AS t(deadline_id, stage, trigger_on, status, reason, vendor_unavailable)
       ON CONFLICT (deadline_id, stage) DO NOTHING
       RETURNING id, deadline_id, stage, status`,
      [
        org.id,
        now,
        rows.map((r) => r.deadline.id),
        rows.map((r) => r.stage),
        rows.map((r) => r.triggerOn),
        rows.map((r) => r.status),
        rows.map((r) => r.reason),
        rows.map((r) => r.deadline.vendor_status === 'unresponsive' || r.deadline.vendor_status === 'ceased'),
      ],
    );
    const sends = inserted.filter((i) => i.status === 'pending');
    let deliveries = 0;
    if (sends.length) {
      const contacts = await contactsOf();
      const byKey = new Map(rows.map((r) => [`${r.deadline.id}:${r.stage}`, r]));
      const values: unknown[][] = [];
      const channelRows: ChannelFanOut[] = [];
      for (const n of sends) {
        const row = byKey.get(`${n.deadline_id}:${n.stage}`)!;
        const vendorUnavailable =
          row.deadline.vendor_status === 'unresponsive' || row.deadline.vendor_status === 'ceased';
        // With the vendor gone the owner acts alone: its operator and manager get every stage.
        const roles = stageRoles(row.roles, vendorUnavailable);
        channelRows.push({ notificationId: n.id, roles, vendorId: row.deadline.vendor_id });
        for (const c of recipientsFor({ roles }, contacts, {
          vendorUnavailable,
          vendorId: row.deadline.vendor_id,
        })) {
          // A digest contact's stage is held for its daily digest, never mailed on its own.
          values.push([
            n.id,
            c.id,
            c.email,
            c.name,
            c.role,
            c.locale,
            c.reminderMode === 'digest' ? 'held' : 'pending',
          ]);
        }
      }
      deliveries = await insertDeliveries(m, org.id, now, this.mailDomain, values);
      await insertChannelDeliveries(m, org.id, now, channelRows);
    }
    return {
      planned: sends.length,
      skipped: inserted.length - sends.length,
      deliveries,
    };
  }
}

/**
 * One delivery per (notification, recipient). Its id and Message-ID are fixed here, so every retry of
 * the mail, by any worker, carries the same Message-ID. A value's optional 7th element is its status:
 * `held` keeps it for the recipient's daily digest; otherwise `pending`.
 */
export async function insertDeliveries(
  m: EntityManager,
  organizationId: string,
  now: Date,
  mailDomain: string,
  values: unknown[][],
): Promise<number> {
  if (!values.length) return 0;
  const ids = values.map(() => randomUUID());
  const col = (i: number) => values.map((v) => v[i]);
  const result = await m.query<{ id: string }[]>(
    `INSERT INTO notification_deliveries
       (id, organization_id, notification_id, contact_id, email, name, role, locale, next_attempt_at, message_id, status, created_at, updated_at)
     SELECT t.id, $1, t.notification_id, t.contact_id, t.email, t.name, t.role, t.locale, $2, t.message_id, t.status, $2, $2
       FROM unnest($3::uuid[], $4::uuid[], $5::uuid[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[])
         AS t(id, notification_id, contact_id, email, name, role, locale, message_id, status)
     ON CONFLICT (notification_id, email) DO NOTHING
     RETURNING id`,
    [
      organizationId,
      now,
      ids,
      col(0),
      col(1),
      col(2),
      col(3),
      col(4),
      col(5),
      ids.map((id) => messageIdFor(id, mailDomain)),
      values.map((v) => (v[6] === 'held' ? 'held' : 'pending')),
    ],
  );
  return result.length;
}

export interface ChannelFanOut {
  notificationId: string;
  roles: readonly Role[];
  vendorId: string | null;
}

/**
 * The chat-channel side of the fan-out, in the planner's transaction: one delivery per (notification,
 * channel) for every channel of the organization whose roles meet the stage's and whose scope (the whole
 * organization, or one vendor's mini-programs) holds the deadline. Set-based; the unique key makes a
 * second planner's insert a no-op. A channel paused by hand receives nothing; one paused because the
 * platform refused its key keeps queueing, so nothing is lost while an admin fixes it.
 */
export async function insertChannelDeliveries(
  m: EntityManager,
  organizationId: string,
  now: Date,
  rows: readonly ChannelFanOut[],
): Promise<number> {
  if (!rows.length) return 0;
  const inserted = await m.query<{ id: string }[]>(
    `INSERT INTO channel_deliveries (organization_id, notification_id, channel_id, roles, next_attempt_at, created_at, updated_at)
     SELECT $1, t.notification_id, c.id, string_to_array(t.roles, ','), $2, $2, $2
       FROM unnest($3::uuid[], $4::text[], $5::uuid[]) AS t(notification_id, roles, vendor_id)
       JOIN channels c ON c.organization_id = $1
        AND (c.status = 'active' OR c.paused_kind = 'invalid_credentials')
        AND c.roles && string_to_array(t.roles, ',')
        AND (c.vendor_id IS NULL OR c.vendor_id = t.vendor_id)
     ON CONFLICT (notification_id, channel_id) DO NOTHING
     RETURNING id`,
    [
      organizationId,
      now,
      rows.map((r) => r.notificationId),
      rows.map((r) => r.roles.join(',')),
      rows.map((r) => r.vendorId),
    ],
  );
  return inserted.length;
}

/** The domain of MAIL_FROM, used in Message-IDs. */
export function mailDomainOf(from: string): string {
  const match = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from);
  return match ? match[1].toLowerCase() : 'mp-guard.localhost';
}
