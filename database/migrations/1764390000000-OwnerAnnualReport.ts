import type { MigrationInterface, QueryRunner } from 'typeorm';
import {
  type AnnualReportDuplicate,
  ownersOf,
  ownerSubjectKey,
  planAnnualReportMerge,
} from '../../libs/domain/src/deadlines/owner-obligations.js';

const MERGED = "merged into the owner's enterprise annual report";

/**
 * The enterprise annual report becomes the owner's (one cycle per organization and credit code, subject
 * 'owner:<code>:enterprise_annual_report', no mini-program) instead of one per mini-program. Existing
 * per-mini-program cycles are merged by `planAnnualReportMerge` (libs/domain; its table-driven spec is the
 * rule): per owner and year the row that went furthest survives and is re-keyed, keeping its id, state and
 * stages; every stage a duplicate sent or planned is moved onto it when it lacks that stage, so the planner
 * (unique on deadline and stage) never sends it again; planned stages it already has are cancelled with
 * their deliveries; the duplicates are cancelled. The index serves the per-owner look-up of the sync.
 * `down` drops the index only: merged cycles stay merged.
 */
export class OwnerAnnualReport1764390000000 implements MigrationInterface {
  name = 'OwnerAnnualReport1764390000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX IF NOT EXISTS mini_programs_owner_idx ON mini_programs (organization_id, owner_credit_code)`,
    );
    const rows = (await q.query(
      `SELECT d.id, d.organization_id, mp.owner_credit_code, d.cycle_key, d.state, d.created_at
         FROM deadlines d
         JOIN mini_programs mp ON mp.organization_id = d.organization_id AND mp.id = d.mini_program_id
        WHERE d.kind = 'enterprise_annual_report' AND d.subject_key LIKE 'mp:%'
        ORDER BY d.organization_id, d.id`,
    )) as {
      id: string;
      organization_id: string;
      owner_credit_code: string;
      cycle_key: string;
      state: AnnualReportDuplicate['state'];
      created_at: Date;
    }[];
    if (!rows.length) return;
    // A stage counts as sent when anyone was sent it, by mail or robot, even while others still wait.
    const notifications = (await q.query(
      `SELECT n.id, n.deadline_id, n.stage,
              CASE WHEN n.status = 'sent'
                     OR EXISTS (SELECT 1 FROM notification_deliveries x WHERE x.notification_id = n.id AND x.status = 'sent')
                     OR EXISTS (SELECT 1 FROM channel_deliveries x WHERE x.notification_id = n.id AND x.status = 'sent')
                   THEN 'sent' ELSE n.status END AS status
         FROM notifications n
        WHERE n.deadline_id = ANY($1::uuid[])`,
      [rows.map((r) => r.id)],
    )) as { id: string; deadline_id: string; stage: string; status: string }[];
    const notificationsOf = new Map<string, { id: string; stage: string; status: string }[]>();
    for (const n of notifications) {
      notificationsOf.set(n.deadline_id, [...(notificationsOf.get(n.deadline_id) ?? []), n]);
    }
    const byOrganization = new Map<string, typeof rows>();
    for (const r of rows)
      byOrganization.set(r.organization_id, [...(byOrganization.get(r.organization_id) ?? []), r]);

    for (const [organizationId, orgRows] of byOrganization) {
      const plan = planAnnualReportMerge(
        orgRows.map((r) => ({
          id: r.id,
          ownerCreditCode: r.owner_credit_code,
          cycleKey: r.cycle_key,
          state: r.state,
          createdAt: r.created_at,
          notifications: notificationsOf.get(r.id) ?? [],
        })),
      );
      const owned = (await q.query(
        `SELECT id, owner_credit_code, owner_name, created_at FROM mini_programs
          WHERE organization_id = $1 AND owner_credit_code = ANY($2::text[])`,
        [organizationId, [...new Set(plan.survivors.map((s) => s.ownerCreditCode))]],
      )) as { id: string; owner_credit_code: string; owner_name: string; created_at: Date }[];
      const nameOf = new Map(
        ownersOf(
          owned.map((o) => ({
            id: o.id,
            ownerCreditCode: o.owner_credit_code,
            ownerName: o.owner_name,
            createdAt: o.created_at,
          })),
        ).map((o) => [o.creditCode, o.name]),
      );
      if (plan.cancelled.length) {
        await q.query(
          `UPDATE notifications SET status = 'cancelled', skip_reason = $2 WHERE id = ANY($1::uuid[]) AND status = 'pending'`,
          [plan.cancelled, MERGED],
        );
        await q.query(
          `UPDATE notification_deliveries SET status = 'cancelled', last_error = $2, lease_until = NULL, updated_at = now()
            WHERE notification_id = ANY($1::uuid[]) AND (status = 'pending' OR (status = 'held' AND digest_id IS NULL))`,
          [plan.cancelled, MERGED],
        );
        await q.query(
          `UPDATE channel_deliveries SET status = 'cancelled', last_error = $2, lease_until = NULL, updated_at = now()
            WHERE notification_id = ANY($1::uuid[]) AND status = 'pending'`,
          [plan.cancelled, MERGED],
        );
      }
      for (const move of plan.moved) {
        await q.query(`UPDATE notifications SET deadline_id = $2 WHERE id = $1`, [
          move.notificationId,
          move.toDeadlineId,
        ]);
      }
      if (plan.retired.length) {
        await q.query(
          `UPDATE deadlines SET state = 'cancelled', snoozed_until = NULL, updated_at = now() WHERE id = ANY($1::uuid[])`,
          [plan.retired],
        );
      }
      for (const s of plan.survivors) {
        await q.query(
          `UPDATE deadlines SET subject_key = $2, mini_program_id = NULL, vendor_id = NULL, title = $3, updated_at = now()
            WHERE id = $1`,
          [s.id, ownerSubjectKey(s.ownerCreditCode), nameOf.get(s.ownerCreditCode) ?? null],
        );
      }
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS mini_programs_owner_idx`);
  }
}
