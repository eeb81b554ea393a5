import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * People who sign in to the console (issue #15): users, their role per organization, sessions,
 * invitations and password resets, and sign-in attempts. Sessions and attempts live in PostgreSQL so
 * several app instances share them and the attempt limit holds across instances.
 *
 * Invitation and reset mails go through the reminder outbox: a notification of kind 'invitation' or
 * 'password_reset' whose subject_ref is the invitation id, unique per invitation, so a retried request or a
 * second instance never mails twice and a crash between commit and send loses nothing.
 */
export class People1764240000000 implements MigrationInterface {
  name = 'People1764240000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL,
        name text NOT NULL,
        locale text NOT NULL DEFAULT 'zh-CN' CHECK (locale IN ('zh-CN', 'en')),
        password_hash text,
        password_changed_at timestamptz,
        created_at timestamptz NOT NULL,
        CONSTRAINT users_email_lower CHECK (email = lower(email))
      )`);
    await q.query(`CREATE UNIQUE INDEX users_email_unique ON users (email)`);
    await q.query(`
      CREATE TABLE memberships (
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        role text NOT NULL CHECK (role IN ('admin', 'manager', 'operator', 'viewer')),
        created_at timestamptz NOT NULL,
        PRIMARY KEY (user_id, organization_id)
      )`);
    await q.query(`CREATE INDEX memberships_org_idx ON memberships (organization_id)`);
    await q.query(`
      CREATE TABLE sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        token_hash text NOT NULL UNIQUE,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        csrf_token text NOT NULL,
        created_at timestamptz NOT NULL,
        last_seen_at timestamptz NOT NULL,
        idle_expires_at timestamptz NOT NULL,
        absolute_expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        ip text
      )`);
    await q.query(`CREATE INDEX sessions_user_idx ON sessions (user_id) WHERE revoked_at IS NULL`);
    await q.query(`
      CREATE TABLE invitations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        purpose text NOT NULL CHECK (purpose IN ('invite', 'reset')),
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        email text NOT NULL CHECK (email = lower(email)),
        role text CHECK (role IN ('admin', 'manager', 'operator', 'viewer')),
        user_id uuid REFERENCES users(id) ON DELETE CASCADE,
        locale text NOT NULL DEFAULT 'zh-CN' CHECK (locale IN ('zh-CN', 'en')),
        invited_by text NOT NULL,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        revoked_at timestamptz,
        CHECK (purpose = 'reset' OR role IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX invitations_org_idx ON invitations (organization_id, created_at DESC)`);
    await q.query(`
      CREATE TABLE sign_in_attempts (
        id bigserial PRIMARY KEY,
        email text NOT NULL,
        address text NOT NULL,
        succeeded boolean NOT NULL,
        attempted_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX sign_in_attempts_email_idx ON sign_in_attempts (email, attempted_at)`);
    await q.query(`CREATE INDEX sign_in_attempts_address_idx ON sign_in_attempts (address, attempted_at)`);

    // The outbox learns two kinds that concern an invitation rather than a deadline or a vendor.
    await q.query(`ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check`);
    await q.query(`ALTER TABLE notifications DROP CONSTRAINT notifications_check`);
    await q.query(`
      ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
        CHECK (kind IN ('reminder', 'failure_report', 'continuity_alert', 'invitation', 'password_reset'))`);
    await q.query(`
      ALTER TABLE notifications ADD CONSTRAINT notifications_subject_check
        CHECK (deadline_id IS NOT NULL OR vendor_id IS NOT NULL OR kind IN ('invitation', 'password_reset'))`);
    await q.query(`
      CREATE UNIQUE INDEX notifications_invitation_unique ON notifications (subject_ref)
        WHERE kind IN ('invitation', 'password_reset')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM notifications WHERE kind IN ('invitation', 'password_reset')`);
    await q.query(`DROP INDEX IF EXISTS notifications_invitation_unique`);
    await q.query(`ALTER TABLE notifications DROP CONSTRAINT notifications_subject_check`);
    await q.query(`ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check`);
    await q.query(`
      ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
        CHECK (kind IN ('reminder', 'failure_report', 'continuity_alert'))`);
    await q.query(`
      ALTER TABLE notifications ADD CONSTRAINT notifications_check
        CHECK (deadline_id IS NOT NULL OR vendor_id IS NOT NULL)`);
    await q.query(`DROP TABLE IF EXISTS sign_in_attempts`);
    await q.query(`DROP TABLE IF EXISTS invitations`);
    await q.query(`DROP TABLE IF EXISTS sessions`);
    await q.query(`DROP TABLE IF EXISTS memberships`);
    await q.query(`DROP TABLE IF EXISTS users`);
  }
}
