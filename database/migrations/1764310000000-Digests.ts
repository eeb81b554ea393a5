import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The daily digest (issue 17). A contact chooses `immediate` (one mail per stage, as before) or `digest`
 * (one mail per local day, from `digest_hour`, else the organization's send hour). A digest contact's
 * deliveries are inserted `held`: the delivery loop never claims them. Each day's composer creates at most
 * one digest per organization, address and local date (the unique index) and, in the same transaction,
 * attaches every held delivery not yet in a digest (`digest_id IS NULL`), so a stage is in exactly one
 * digest. The digest row has its own claim, lease, attempts and Message-ID, like a delivery.
 */
export class Digests1764310000000 implements MigrationInterface {
  name = 'Digests1764310000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE contacts
        ADD COLUMN reminder_mode text NOT NULL DEFAULT 'immediate' CHECK (reminder_mode IN ('immediate', 'digest')),
        ADD COLUMN digest_hour smallint CHECK (digest_hour BETWEEN 0 AND 23)`);
    await q.query(`
      CREATE TABLE digests (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
        contact_id uuid,
        email text NOT NULL,
        name text NOT NULL,
        locale text NOT NULL,
        local_date date NOT NULL,
        status text NOT NULL DEFAULT 'pending'
          CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'cancelled')),
        item_count integer NOT NULL DEFAULT 0,
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL,
        lease_until timestamptz,
        claimed_by text,
        last_error text,
        failure_kind text CHECK (failure_kind IN ('permanent', 'retry_period_ended')),
        message_id text NOT NULL UNIQUE,
        smtp_response text,
        sent_at timestamptz,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await q.query(
      `CREATE UNIQUE INDEX digests_one_per_day ON digests (organization_id, lower(email), local_date)`,
    );
    await q.query(`CREATE INDEX digests_due_idx ON digests (next_attempt_at) WHERE status = 'pending'`);
    await q.query(`CREATE INDEX digests_lease_idx ON digests (lease_until) WHERE status = 'sending'`);
    await q.query(`
      ALTER TABLE notification_deliveries
        DROP CONSTRAINT notification_deliveries_status_check,
        ADD CONSTRAINT notification_deliveries_status_check
          CHECK (status IN ('pending', 'held', 'sending', 'sent', 'failed', 'cancelled')),
        ADD COLUMN digest_id uuid REFERENCES digests (id) ON DELETE SET NULL`);
    await q.query(
      `CREATE INDEX deliveries_held_idx ON notification_deliveries (organization_id, lower(email)) WHERE status = 'held'`,
    );
    await q.query(
      `CREATE INDEX deliveries_digest_idx ON notification_deliveries (digest_id) WHERE digest_id IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS deliveries_digest_idx`);
    await q.query(`DROP INDEX IF EXISTS deliveries_held_idx`);
    await q.query(`UPDATE notification_deliveries SET status = 'pending' WHERE status = 'held'`);
    await q.query(`
      ALTER TABLE notification_deliveries
        DROP COLUMN IF EXISTS digest_id,
        DROP CONSTRAINT notification_deliveries_status_check,
        ADD CONSTRAINT notification_deliveries_status_check
          CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'cancelled'))`);
    await q.query(`DROP TABLE IF EXISTS digests`);
    await q.query(
      `ALTER TABLE contacts DROP COLUMN IF EXISTS digest_hour, DROP COLUMN IF EXISTS reminder_mode`,
    );
  }
}
