import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Domain registration expiry read over RDAP (#14). `qualifications.expiry_source` says whether an expiry
 * date was entered by the owner (every existing row) or written by the RDAP job, so a run never
 * overwrites the owner's date. `domain_registration_checks` keeps every RDAP reading and failure (the
 * findings, and when a failed domain may be asked again); `rdap_query_days` is each organization's
 * daily query budget. `mini_programs.bed_count` drives the medical institution's 校验 cycle.
 */
export class DomainRegistrationRdap1764360000000 implements MigrationInterface {
  name = 'DomainRegistrationRdap1764360000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE qualifications ADD COLUMN expiry_source text NOT NULL DEFAULT 'owner'
        CHECK (expiry_source IN ('owner', 'rdap'))`);
    // Beds of a medical institution: its periodic inspection (校验) is yearly under 100, else every 3 years.
    await q.query(`ALTER TABLE mini_programs ADD COLUMN bed_count int CHECK (bed_count >= 0)`);
    await q.query(`
      CREATE TABLE domain_registration_checks (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        -- The registrable domain (api.example.com.cn → example.com.cn).
        domain text NOT NULL,
        checked_at timestamptz NOT NULL,
        trigger text NOT NULL CHECK (trigger IN ('scheduled', 'on_demand')),
        outcome text NOT NULL CHECK (outcome IN ('expiry', 'no_expiration', 'invalid', 'not_found',
          'rate_limited', 'unavailable', 'refused', 'no_server')),
        server text,
        http_status int,
        expires_at timestamptz,
        registrar text,
        -- What the reading did to the registration record.
        action text NOT NULL CHECK (action IN ('created', 'updated', 'unchanged', 'kept_owner_date', 'none')),
        qualification_id uuid REFERENCES qualifications(id) ON DELETE SET NULL,
        -- Not asked again before this instant (429 Retry-After, or RDAP_RETRY_MINUTES after a failure).
        retry_after timestamptz,
        error text,
        CHECK ((outcome = 'expiry') = (expires_at IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX domain_registration_checks_latest_idx
      ON domain_registration_checks (organization_id, domain, checked_at DESC)`);
    await q.query(`
      CREATE TABLE rdap_query_days (
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        day date NOT NULL,
        queries int NOT NULL CHECK (queries >= 0),
        skipped int NOT NULL DEFAULT 0 CHECK (skipped >= 0),
        PRIMARY KEY (organization_id, day)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS rdap_query_days`);
    await q.query(`DROP TABLE IF EXISTS domain_registration_checks`);
    await q.query(`ALTER TABLE qualifications DROP COLUMN IF EXISTS expiry_source`);
    await q.query(`ALTER TABLE mini_programs DROP COLUMN IF EXISTS bed_count`);
  }
}
