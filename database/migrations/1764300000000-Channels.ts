import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Chat channels (issue #17): WeCom, DingTalk and Feishu group robots and Standard-Webhooks endpoints,
 * each a delivery target of the reminder outbox with the same promise as mail. A channel delivery is one
 * notification's message to one channel, unique per (notification, channel), claimed with FOR UPDATE
 * SKIP LOCKED and a lease. `channel_sends` is each bot's send log, in PostgreSQL so that every instance
 * counts against the same per-bot limit. The outbox learns a 'channel_alert' kind: the admins' mail
 * saying a channel was paused because the platform refused its key or token.
 */
export class Channels1764300000000 implements MigrationInterface {
  name = 'Channels1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE channels (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('wecom', 'dingtalk', 'feishu', 'webhook')),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
        -- The masked URL shown from creation on ("https://qyapi.weixin.qq.com/…?key=****").
        target_hint text NOT NULL,
        -- The key/token/URL and the signing secret, sealed (AES-256-GCM, libs/common/src/secret-box.ts).
        key_id text NOT NULL,
        sealed bytea NOT NULL,
        -- Which reminder stages it receives: a stage goes to the channel when their roles meet.
        roles text[] NOT NULL CHECK (cardinality(roles) > 0
          AND roles <@ ARRAY['operator', 'manager', 'executive', 'legal']::text[]),
        -- NULL: the whole organization; else only deadlines of this vendor's mini-programs.
        vendor_id uuid,
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused')),
        paused_kind text CHECK (paused_kind IN ('manual', 'invalid_credentials')),
        paused_reason text,
        paused_at timestamptz,
        -- DingTalk's 10-minute penalty (or any platform's "rate limited" answer): nothing before this.
        penalty_until timestamptz,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        UNIQUE (organization_id, id),
        FOREIGN KEY (organization_id, vendor_id) REFERENCES vendors (organization_id, id) ON DELETE CASCADE,
        CHECK ((status = 'paused') = (paused_kind IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX channels_org_idx ON channels (organization_id, created_at, id)`);
    await q.query(`
      CREATE TABLE channel_deliveries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL,
        notification_id uuid NOT NULL,
        channel_id uuid NOT NULL,
        -- Who must act at the stage, as planned.
        roles text[] NOT NULL,
        status text NOT NULL DEFAULT 'pending'
          CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'cancelled')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL,
        lease_until timestamptz,
        claimed_by text,
        last_error text,
        -- What the platform answered (errcode/code and message), never the URL or a signature.
        platform_answer text,
        sent_at timestamptz,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        CONSTRAINT channel_deliveries_unique UNIQUE (notification_id, channel_id),
        FOREIGN KEY (organization_id, notification_id) REFERENCES notifications (organization_id, id) ON DELETE CASCADE,
        FOREIGN KEY (organization_id, channel_id) REFERENCES channels (organization_id, id) ON DELETE CASCADE
      )`);
    await q.query(`
      CREATE INDEX channel_deliveries_due_idx ON channel_deliveries (channel_id, next_attempt_at)
        WHERE status = 'pending'`);
    await q.query(`
      CREATE INDEX channel_deliveries_lease_idx ON channel_deliveries (channel_id, lease_until)
        WHERE status = 'sending'`);
    await q.query(
      `CREATE INDEX channel_deliveries_org_idx ON channel_deliveries (organization_id, created_at DESC)`,
    );
    await q.query(`
      CREATE TABLE channel_sends (
        id bigserial PRIMARY KEY,
        channel_id uuid NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
        sent_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX channel_sends_idx ON channel_sends (channel_id, sent_at)`);

    // The kind list and the subject check are rebuilt from what is there, so kinds other migrations added stay.
    const checks = (await q.query(
      `SELECT conname AS name, pg_get_constraintdef(oid) AS def FROM pg_constraint
        WHERE conrelid = 'notifications'::regclass AND contype = 'c'`,
    )) as { name: string; def: string }[];
    for (const c of checks) {
      if (/deadline_id IS NOT NULL/.test(c.def) && /vendor_id IS NOT NULL/.test(c.def)) {
        await q.query(`ALTER TABLE notifications DROP CONSTRAINT "${c.name}"`);
        await q.query(
          `ALTER TABLE notifications ADD CONSTRAINT "${c.name}" CHECK (${c.def.replace(/^CHECK /, '')} OR kind = 'channel_alert')`,
        );
      } else if (/\(kind\b/.test(c.def) && !c.def.includes(`'channel_alert'`)) {
        const kinds = [...c.def.matchAll(/'([a-z_]+)'::text/g)].map((m) => m[1]);
        await q.query(`ALTER TABLE notifications DROP CONSTRAINT "${c.name}"`);
        await q.query(
          `ALTER TABLE notifications ADD CONSTRAINT "${c.name}" CHECK (kind IN (${[...kinds, 'channel_alert']
            .map((k) => `'${k}'`)
            .join(', ')}))`,
        );
      }
    }
    // One alert per pause: its subject_ref names the channel and the instant it was paused.
    await q.query(
      `CREATE UNIQUE INDEX notifications_channel_alert_unique ON notifications (subject_ref) WHERE kind = 'channel_alert'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM notifications WHERE kind = 'channel_alert'`);
    await q.query(`DROP INDEX IF EXISTS notifications_channel_alert_unique`);
    await q.query(`DROP TABLE IF EXISTS channel_sends`);
    await q.query(`DROP TABLE IF EXISTS channel_deliveries`);
    await q.query(`DROP TABLE IF EXISTS channels`);
  }
}
