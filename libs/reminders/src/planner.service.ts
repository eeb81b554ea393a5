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
} from '../../domain/src/reminders/index.js';
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
  state: 'open' | 'snoozed';
  snoozed_until: string | null;
  ladder: StoredLadder | null;
  vendor_id: string | null;
  vendor_status: string | null;
}

interface ContactRow {
  id: string;
  email: string;
  name: string;
  role: Role;
  locale: 'zh-CN' | 'en';
  vendorId: string | null;
}

export interface PlanResult {
  organizations: number;
  planned: number;
  skipped: number;
  deliveries: number;
}

const PAGE = 1000;
// The widest lead a valid ladder can have (730 days) plus the largest vendor-unavailable advance (365).
const MAX_LEAD_DAYS = 730 + 365;

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
      let after = '00000000-0000-0000-0000-000000000000';
      for (;;) {
        const page = await this.db.query<DeadlineRow[]>(
          `SELECT d.id, d.due_on, d.state, d.snoozed_until, d.ladder, d.vendor_id, v.status AS vendor_status
             FROM deadlines d LEFT JOIN vendors v ON v.id = d.vendor_id
            WHERE d.organization_id = $1 AND d.state IN ('open', 'snoozed') AND d.due_on <= $2 AND d.id > $3
            ORDER BY d.id LIMIT ${PAGE}`,
          [org.id, addDays(today, MAX_LEAD_DAYS), after],
        );
        if (!page.length) break;
        after = page[page.length - 1].id;
        const r = await this.db.transaction((m) => this.planPage(m, org, today, now, page));
        result.planned += r.planned;
        result.skipped += r.skipped;
        result.deliveries += r.deliveries;
        if (page.length < PAGE) break;
      }
    }
    if (result.planned || result.skipped)
      this.logger.log({ ...result, at: now.toISOString() }, 'planned reminders');
    return result;
  }

  private async planPage(m: EntityManager, org: OrgRow, today: string, now: Date, page: DeadlineRow[]) {
    const planned = await m.query<{ deadline_id: string; stage: string }[]>(
      `SELECT deadline_id, stage FROM notifications WHERE deadline_id = ANY($1::uuid[])`,
      [page.map((d) => d.id)],
    );
    const plannedBy = new Map<string, Set<string>>();
    for (const p of planned) {
      const set = plannedBy.get(p.deadline_id) ?? new Set<string>();
      set.add(p.stage);
      plannedBy.set(p.deadline_id, set);
    }
    const rows: {
      deadline: DeadlineRow;
      stage: string;
      triggerOn: string;
      status: 'pending' | 'skipped';
      reason: string | null;
      roles: Role[];
    }[] = [];
    for (const d of page) {
      const vendorUnavailable = d.vendor_status === 'unresponsive' || d.vendor_status === 'ceased';
      const base = (d.ladder ?? org.reminder_ladder ?? DEFAULT_LADDER) as Readonly<Ladder>;
      const ladder = effectiveLadder(base, {
        vendorUnavailable,
        earlierByDays: org.vendor_unavailable_lead_days,
      });
      const selection = selectStage({
        ladder,
        dueOn: d.due_on,
        today,
        state: d.state,
        snoozedUntil: d.snoozed_until,
        alreadyPlanned: plannedBy.get(d.id) ?? new Set(),
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
    if (!rows.length) return { planned: 0, skipped: 0, deliveries: 0 };

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
      const contacts = await m.query<ContactRow[]>(
        `SELECT id, email, name, role, locale, vendor_id AS "vendorId" FROM contacts WHERE organization_id = $1 ORDER BY created_at, id`,
        [org.id],
      );
      const values: unknown[][] = [];
      for (const n of sends) {
        const row = rows.find((r) => r.deadline.id === n.deadline_id && r.stage === n.stage)!;
        const vendorUnavailable =
          row.deadline.vendor_status === 'unresponsive' || row.deadline.vendor_status === 'ceased';
        // With the vendor gone the owner acts alone: its operator and manager get every stage.
        const roles = vendorUnavailable
          ? [...new Set<Role>([...row.roles, 'operator', 'manager'])]
          : row.roles;
        for (const c of recipientsFor({ roles }, contacts, {
          vendorUnavailable,
          vendorId: row.deadline.vendor_id,
        })) {
          values.push([n.id, c.id, c.email, c.name, c.role, c.locale]);
        }
      }
      deliveries = await insertDeliveries(m, org.id, now, this.mailDomain, values);
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
 * the mail, by any worker, carries the same Message-ID.
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
       (id, organization_id, notification_id, contact_id, email, name, role, locale, next_attempt_at, message_id, created_at, updated_at)
     SELECT t.id, $1, t.notification_id, t.contact_id, t.email, t.name, t.role, t.locale, $2, t.message_id, $2, $2
       FROM unnest($3::uuid[], $4::uuid[], $5::uuid[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])
         AS t(id, notification_id, contact_id, email, name, role, locale, message_id)
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
    ],
  );
  return result.length;
}

/** The domain of MAIL_FROM, used in Message-IDs. */
export function mailDomainOf(from: string): string {
  const match = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from);
  return match ? match[1].toLowerCase() : 'mp-guard.localhost';
}
