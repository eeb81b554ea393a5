import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The reminder outbox and its history. A notification is one planned stage of one deadline cycle
 * (unique on deadline and stage, so any number of planners insert it once); a delivery is that
 * notification's mail to one recipient, claimed by workers with FOR UPDATE SKIP LOCKED and a lease.
 */
export class Notifications1764110000000 implements MigrationInterface {
  name = 'Notifications1764110000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE notifications (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        deadline_id uuid,
        vendor_id uuid,
        kind text NOT NULL DEFAULT 'reminder' CHECK (kind IN ('reminder', 'failure_report', 'continuity_alert')),
        stage text NOT NULL,
        trigger_on date NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'skipped', 'cancelled')),
        skip_reason text,
        vendor_unavailable boolean NOT NULL DEFAULT false,
        subject_ref text,
        created_at timestamptz NOT NULL,
        CONSTRAINT notifications_stage_unique UNIQUE (deadline_id, stage),
        CONSTRAINT notifications_vendor_stage_unique UNIQUE (vendor_id, stage),
        UNIQUE (organization_id, id),
        FOREIGN KEY (organization_id, deadline_id) REFERENCES deadlines (organization_id, id) ON DELETE CASCADE,
        FOREIGN KEY (organization_id, vendor_id) REFERENCES vendors (organization_id, id) ON DELETE CASCADE,
        CHECK (deadline_id IS NOT NULL OR vendor_id IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX notifications_org_idx ON notifications (organization_id, created_at DESC, id)`);
    await q.query(`
      CREATE TABLE notification_deliveries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL,
        notification_id uuid NOT NULL,
        contact_id uuid,
        email text NOT NULL,
        name text NOT NULL,
        role text NOT NULL,
        locale text NOT NULL,
        status text NOT NULL DEFAULT 'pending'
          CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'cancelled')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL,
        lease_until timestamptz,
        claimed_by text,
        last_error text,
        message_id text NOT NULL,
        smtp_response text,
        sent_at timestamptz,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        CONSTRAINT deliveries_recipient_unique UNIQUE (notification_id, email),
        FOREIGN KEY (organization_id, notification_id) REFERENCES notifications (organization_id, id) ON DELETE CASCADE
      )`);
    // The claim query: due pending deliveries, and expired leases of workers that died mid-send.
    await q.query(`
      CREATE INDEX deliveries_due_idx ON notification_deliveries (next_attempt_at)
        WHERE status = 'pending'`);
    await q.query(`
      CREATE INDEX deliveries_lease_idx ON notification_deliveries (lease_until)
        WHERE status = 'sending'`);
    await q.query(`CREATE INDEX deliveries_notification_idx ON notification_deliveries (notification_id)`);
    await q.query(`CREATE INDEX deliveries_failed_idx ON notification_deliveries (organization_id, updated_at DESC) WHERE status = 'failed'`);
    // Process-wide facts shared by every instance: the link-signing secret, the mail transport's pause.
    await q.query(`
      CREATE TABLE app_state (
        key text PRIMARY KEY,
        value jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS app_state`);
    await q.query(`DROP TABLE IF EXISTS notification_deliveries`);
    await q.query(`DROP TABLE IF EXISTS notifications`);
  }
}
