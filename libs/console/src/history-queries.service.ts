import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthContext } from '../../auth/src/auth-context.js';

export interface AuditFilters {
  who?: string;
  action?: string;
  entityType?: string;
  entityId?: string;
  from?: string;
  to?: string;
}

export interface AuditRow {
  id: string;
  occurred_at: Date;
  actor_type: string;
  actor_label: string;
  action: string;
  entity_type: string;
  entity_id: string | null;
  before: unknown;
  after: unknown;
}

export const DELIVERY_FILTER_STATUSES = [
  'pending',
  'retrying',
  'sending',
  'sent',
  'failed',
  'cancelled',
] as const;
export type DeliveryFilterStatus = (typeof DELIVERY_FILTER_STATUSES)[number];

export interface DeliveryFilters {
  status?: DeliveryFilterStatus;
  from?: string;
  to?: string;
}

export interface DeliveryRow {
  id: string;
  name: string;
  email: string;
  role: string;
  status: string;
  attempts: number;
  next_attempt_at: Date;
  last_error: string | null;
  smtp_response: string | null;
  sent_at: Date | null;
  updated_at: Date;
  kind: string;
  stage: string;
  trigger_on: string;
  deadline_id: string | null;
  deadline_kind: string | null;
  deadline_title: string | null;
  requirement_code: string | null;
  due_on: string | null;
  mini_program_name: string | null;
}

/** What the local inbox needs to know about a captured mail: whose it is and when it was planned. */
export interface CapturedMailFacts {
  message_id: string;
  email: string;
  name: string;
  kind: string;
  stage: string;
  trigger_on: string;
  deadline_id: string | null;
  sent_at: Date | null;
}

type Where = { sql: string[]; params: unknown[] };

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Calendar days in the organization's zone, as the instants that bound them ($tz is a parameter). */
function dateRange(w: Where, column: string, tz: string, from?: string, to?: string) {
  if (from) {
    w.params.push(from, tz);
    w.sql.push(`${column} >= ($${w.params.length - 1}::date)::timestamp AT TIME ZONE $${w.params.length}`);
  }
  if (to) {
    w.params.push(to, tz);
    w.sql.push(`${column} < ($${w.params.length - 1}::date + 1)::timestamp AT TIME ZONE $${w.params.length}`);
  }
}

/** The history pages' questions: the audit log, the deliveries and the local inbox, always of one organization. */
@Injectable()
export class HistoryQueries {
  constructor(private readonly db: DataSource) {}

  async auditEvents(
    ctx: AuthContext,
    f: AuditFilters,
    limit: number,
    offset: number,
  ): Promise<{ rows: AuditRow[]; total: number }> {
    const w: Where = { sql: ['a.organization_id = $1'], params: [ctx.organizationId] };
    if (f.who) {
      w.params.push(`%${escapeLike(f.who)}%`);
      w.sql.push(`a.actor_label ILIKE $${w.params.length}`);
    }
    if (f.action) {
      w.params.push(f.action);
      w.sql.push(`a.action = $${w.params.length}`);
    }
    if (f.entityType) {
      w.params.push(f.entityType);
      w.sql.push(`a.entity_type = $${w.params.length}`);
    }
    if (f.entityId) {
      w.params.push(f.entityId);
      w.sql.push(`a.entity_id = $${w.params.length}`);
    }
    dateRange(w, 'a.occurred_at', ctx.timeZone, f.from, f.to);
    const where = w.sql.join(' AND ');
    const [rows, [{ total }]] = await Promise.all([
      this.db.query<AuditRow[]>(
        `SELECT a.public_id AS id, a.occurred_at, a.actor_type, a.actor_label, a.action, a.entity_type,
                a.entity_id, a.before, a.after
           FROM audit_events a WHERE ${where}
          ORDER BY a.id DESC LIMIT ${limit} OFFSET ${offset}`,
        w.params,
      ),
      this.db.query<{ total: number }[]>(
        `SELECT count(*)::int AS total FROM audit_events a WHERE ${where}`,
        w.params,
      ),
    ]);
    return { rows, total };
  }

  async deliveries(
    ctx: AuthContext,
    f: DeliveryFilters,
    limit: number,
    offset: number,
  ): Promise<{ rows: DeliveryRow[]; total: number }> {
    const w: Where = { sql: ['d.organization_id = $1'], params: [ctx.organizationId] };
    if (f.status === 'retrying') w.sql.push(`d.status = 'pending' AND d.attempts > 0`);
    else if (f.status === 'pending') w.sql.push(`d.status = 'pending' AND d.attempts = 0`);
    else if (f.status) {
      w.params.push(f.status);
      w.sql.push(`d.status = $${w.params.length}`);
    }
    dateRange(w, 'd.updated_at', ctx.timeZone, f.from, f.to);
    const where = w.sql.join(' AND ');
    const [rows, [{ total }]] = await Promise.all([
      this.db.query<DeliveryRow[]>(
        `SELECT d.id, d.name, d.email, d.role, d.status, d.attempts, d.next_attempt_at, d.last_error,
                d.smtp_response, d.sent_at, d.updated_at, n.kind, n.stage, n.trigger_on::text AS trigger_on,
                dl.id AS deadline_id, dl.kind AS deadline_kind, dl.title AS deadline_title, dl.requirement_code,
                dl.due_on::text AS due_on, mp.name AS mini_program_name
           FROM notification_deliveries d
           JOIN notifications n ON n.id = d.notification_id AND n.organization_id = d.organization_id
           LEFT JOIN deadlines dl ON dl.id = n.deadline_id AND dl.organization_id = d.organization_id
           LEFT JOIN mini_programs mp ON mp.id = dl.mini_program_id AND mp.organization_id = d.organization_id
          WHERE ${where}
          ORDER BY d.updated_at DESC, d.id LIMIT ${limit} OFFSET ${offset}`,
        w.params,
      ),
      this.db.query<{ total: number }[]>(
        `SELECT count(*)::int AS total FROM notification_deliveries d WHERE ${where}`,
        w.params,
      ),
    ]);
    return { rows, total };
  }

  /**
   * Which of these captured mails are this organization's: a mail is known by the Message-ID it was sent
   * with, which mp-guard gave its delivery when planning it. A Message-ID no delivery of this organization
   * has (another organization's, or a mail from another database) is simply not in the answer.
   */
  capturedMail(ctx: AuthContext, messageIds: string[]): Promise<CapturedMailFacts[]> {
    if (!messageIds.length) return Promise.resolve([]);
    return this.db.query<CapturedMailFacts[]>(
      `SELECT DISTINCT ON (d.message_id) d.message_id, d.email, d.name, n.kind, n.stage,
              n.trigger_on::text AS trigger_on, n.deadline_id, d.sent_at
         FROM notification_deliveries d
         JOIN notifications n ON n.id = d.notification_id AND n.organization_id = d.organization_id
        WHERE d.organization_id = $1 AND d.message_id = ANY($2::text[])
        ORDER BY d.message_id, d.created_at`,
      [ctx.organizationId, messageIds],
    );
  }
}
