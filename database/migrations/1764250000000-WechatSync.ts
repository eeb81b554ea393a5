import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The credential store (AppSecrets, sealed with AES-256-GCM, write-only), the WeChat access-token cache
 * shared by every instance (sealed too), the record of each sync, and alerts about a mini-program in the
 * reminder outbox (certification lost), which until now could only be about a deadline or a vendor.
 */
export class WechatSync1764250000000 implements MigrationInterface {
  name = 'WechatSync1764250000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE credentials (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        mini_program_id uuid NOT NULL,
        kind text NOT NULL CHECK (kind IN ('wechat_app_secret')),
        -- Which key sealed it (rotation re-seals rows whose key_id is not the current key's).
        key_id text NOT NULL,
        -- nonce (12 bytes) + GCM tag (16 bytes) + ciphertext; never the plaintext.
        sealed bytea NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        CONSTRAINT credentials_one_per_kind UNIQUE (organization_id, mini_program_id, kind),
        FOREIGN KEY (organization_id, mini_program_id) REFERENCES mini_programs (organization_id, id) ON DELETE CASCADE
      )`);
    await q.query(`
      CREATE TABLE wechat_tokens (
        mini_program_id uuid PRIMARY KEY,
        organization_id uuid NOT NULL,
        -- The credential the token was obtained with: a new secret makes the cached token useless.
        credential_id uuid NOT NULL REFERENCES credentials(id) ON DELETE CASCADE,
        key_id text NOT NULL,
        sealed bytea NOT NULL,
        fetched_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        FOREIGN KEY (organization_id, mini_program_id) REFERENCES mini_programs (organization_id, id) ON DELETE CASCADE
      )`);
    await q.query(`
      CREATE TABLE wechat_syncs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        -- Order of the syncs as they ran (synced_at is the instant synced "as of", which --at can set).
        seq bigint GENERATED ALWAYS AS IDENTITY,
        organization_id uuid NOT NULL,
        mini_program_id uuid NOT NULL,
        synced_at timestamptz NOT NULL,
        trigger text NOT NULL CHECK (trigger IN ('scheduled', 'on_demand')),
        outcome text NOT NULL CHECK (outcome IN ('ok', 'partial', 'failed')),
        -- What WeChat answered (wx_verify_info, the filing status), never a token or a secret.
        read jsonb NOT NULL DEFAULT '{}',
        findings jsonb NOT NULL DEFAULT '[]',
        changes jsonb NOT NULL DEFAULT '[]',
        qualified boolean,
        -- The certification expiry this sync wrote to the registry (a later sync may move its own value,
        -- never one typed by hand).
        applied_certification_expires_on date,
        token_requests integer NOT NULL DEFAULT 0,
        FOREIGN KEY (organization_id, mini_program_id) REFERENCES mini_programs (organization_id, id) ON DELETE CASCADE
      )`);
    await q.query(
      `CREATE INDEX wechat_syncs_latest_idx ON wechat_syncs (organization_id, mini_program_id, seq DESC)`,
    );

    await q.query(`ALTER TABLE notifications ADD COLUMN mini_program_id uuid`);
    await q.query(
      `ALTER TABLE notifications ADD CONSTRAINT notifications_mini_program_stage_unique UNIQUE (mini_program_id, stage)`,
    );
    await q.query(`
      ALTER TABLE notifications ADD CONSTRAINT notifications_mini_program_fk
        FOREIGN KEY (organization_id, mini_program_id) REFERENCES mini_programs (organization_id, id) ON DELETE CASCADE`);
    // The subject check and the kind list are rebuilt from what is there, so kinds other migrations added stay.
    const checks = (await q.query(
      `SELECT conname AS name, pg_get_constraintdef(oid) AS def FROM pg_constraint
        WHERE conrelid = 'notifications'::regclass AND contype = 'c'`,
    )) as { name: string; def: string }[];
    for (const c of checks) {
      if (/deadline_id IS NOT NULL/.test(c.def) && /vendor_id IS NOT NULL/.test(c.def)) {
        await q.query(`ALTER TABLE notifications DROP CONSTRAINT "${c.name}"`);
        // Keep whatever subjects earlier migrations allowed (invitations have none of the three ids).
        await q.query(`
          ALTER TABLE notifications ADD CONSTRAINT notifications_subject_check
            CHECK (${c.def.replace(/^CHECK /, '')} OR mini_program_id IS NOT NULL)`);
      } else if (/\(kind\b/.test(c.def) && !c.def.includes(`'wechat_alert'`)) {
        const kinds = [...c.def.matchAll(/'([a-z_]+)'::text/g)].map((m) => m[1]);
        await q.query(`ALTER TABLE notifications DROP CONSTRAINT "${c.name}"`);
        await q.query(
          `ALTER TABLE notifications ADD CONSTRAINT "${c.name}" CHECK (kind IN (${[...kinds, 'wechat_alert']
            .map((k) => `'${k}'`)
            .join(', ')}))`,
        );
      }
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM notifications WHERE kind = 'wechat_alert'`);
    await q.query(`ALTER TABLE notifications DROP CONSTRAINT IF EXISTS notifications_subject_check`);
    await q.query(
      `ALTER TABLE notifications ADD CONSTRAINT notifications_check CHECK (deadline_id IS NOT NULL OR vendor_id IS NOT NULL)`,
    );
    await q.query(`ALTER TABLE notifications DROP COLUMN IF EXISTS mini_program_id`);
    await q.query(`DROP TABLE IF EXISTS wechat_syncs`);
    await q.query(`DROP TABLE IF EXISTS wechat_tokens`);
    await q.query(`DROP TABLE IF EXISTS credentials`);
  }
}
