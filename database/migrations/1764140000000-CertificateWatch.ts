import type { MigrationInterface, QueryRunner } from 'typeorm';

/** One row per TLS check of one registered server domain: what was presented, what was wrong. */
export class CertificateWatch1764140000000 implements MigrationInterface {
  name = 'CertificateWatch1764140000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE certificate_checks (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        domain text NOT NULL,
        -- The mini-programs listing the domain when it was checked (a domain is often shared).
        mini_program_ids uuid[] NOT NULL DEFAULT '{}',
        checked_at timestamptz NOT NULL,
        trigger text NOT NULL CHECK (trigger IN ('scheduled', 'on_demand')),
        outcome text NOT NULL CHECK (outcome IN ('certificate', 'unreachable', 'timeout', 'tls_error')),
        finding text CHECK (finding IN ('expired', 'wrong_name', 'chain_invalid', 'unreachable', 'timeout', 'tls_error')),
        findings text[] NOT NULL DEFAULT '{}',
        not_before timestamptz,
        not_after timestamptz,
        issuer text,
        subject text,
        names text[],
        chain_valid boolean,
        chain_error text,
        fingerprint text,
        protocol text,
        error text,
        deadline_id uuid REFERENCES deadlines(id) ON DELETE SET NULL,
        deadline_action text NOT NULL CHECK (deadline_action IN ('opened', 'renewed', 'unchanged', 'kept')),
        CHECK ((outcome = 'certificate') = (not_after IS NOT NULL))
      )`);
    // The latest check per domain (API, and "already checked today" for the daily run).
    await q.query(
      `CREATE INDEX certificate_checks_latest_idx ON certificate_checks (organization_id, domain, checked_at DESC)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS certificate_checks`);
  }
}
