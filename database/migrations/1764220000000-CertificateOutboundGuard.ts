import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The certificate watch reaches only public addresses (issue #13, point 2).
 *
 * A check of a name that resolves to a loopback, private or otherwise non-public address is recorded as
 * outcome and finding `private_address`, and such a row can hold no certificate detail: the host was
 * never contacted, and nothing about an internal certificate may reach the tenant.
 * `certificate_probe_days` counts the probes of each organization per local day against
 * CERT_WATCH_DAILY_PROBE_LIMIT: reserved in one statement, so concurrent runs never exceed it, and
 * `skipped`/`limit_reached_at` tell the API when the limit was hit.
 */
export class CertificateOutboundGuard1764220000000 implements MigrationInterface {
  name = 'CertificateOutboundGuard1764220000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE certificate_checks
      DROP CONSTRAINT certificate_checks_outcome_check,
      DROP CONSTRAINT certificate_checks_finding_check,
      ADD CONSTRAINT certificate_checks_outcome_check
        CHECK (outcome IN ('certificate', 'unreachable', 'timeout', 'tls_error', 'private_address')),
      ADD CONSTRAINT certificate_checks_finding_check
        CHECK (finding IN ('expired', 'wrong_name', 'chain_invalid', 'unreachable', 'timeout', 'tls_error',
                           'private_address')),
      ADD CONSTRAINT certificate_checks_refused_holds_nothing_check
        CHECK (outcome <> 'private_address'
               OR (not_before IS NULL AND issuer IS NULL AND subject IS NULL AND names IS NULL
                   AND chain_valid IS NULL AND chain_error IS NULL AND fingerprint IS NULL AND protocol IS NULL))`);
    await q.query(`
      CREATE TABLE certificate_probe_days (
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        -- The organization's local date.
        day date NOT NULL,
        probes integer NOT NULL CHECK (probes >= 0),
        -- Domains left unchecked by the latest run that hit the limit that day.
        skipped integer NOT NULL DEFAULT 0 CHECK (skipped >= 0),
        limit_reached_at timestamptz,
        PRIMARY KEY (organization_id, day)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS certificate_probe_days`);
    await q.query(`DELETE FROM certificate_checks WHERE outcome = 'private_address'`);
    await q.query(`ALTER TABLE certificate_checks
      DROP CONSTRAINT certificate_checks_refused_holds_nothing_check,
      DROP CONSTRAINT certificate_checks_outcome_check,
      DROP CONSTRAINT certificate_checks_finding_check,
      ADD CONSTRAINT certificate_checks_outcome_check
        CHECK (outcome IN ('certificate', 'unreachable', 'timeout', 'tls_error')),
      ADD CONSTRAINT certificate_checks_finding_check
        CHECK (finding IN ('expired', 'wrong_name', 'chain_invalid', 'unreachable', 'timeout', 'tls_error'))`);
  }
}
