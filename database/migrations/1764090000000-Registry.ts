import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Organizations, API keys, the registry (contacts, vendors, mini-programs, qualifications) and the audit log. */
export class Registry1764090000000 implements MigrationInterface {
  name = 'Registry1764090000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pgcrypto`);
    await q.query(`
      CREATE TABLE organizations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        time_zone text NOT NULL DEFAULT 'Asia/Shanghai',
        locale text NOT NULL DEFAULT 'zh-CN' CHECK (locale IN ('zh-CN', 'en')),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        name text NOT NULL,
        prefix text NOT NULL UNIQUE,
        secret_hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        revoked_at timestamptz
      )`);
    await q.query(`CREATE INDEX api_keys_organization_idx ON api_keys (organization_id)`);
    await q.query(`
      CREATE TABLE vendors (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        name text NOT NULL,
        credit_code text,
        contract_ends_on date,
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'unresponsive', 'ceased')),
        status_since timestamptz NOT NULL DEFAULT now(),
        status_reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (organization_id, id)
      )`);
    await q.query(`CREATE INDEX vendors_organization_idx ON vendors (organization_id, name)`);
    await q.query(`
      CREATE TABLE contacts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        vendor_id uuid,
        name text NOT NULL,
        email text NOT NULL,
        role text NOT NULL CHECK (role IN ('operator', 'manager', 'executive', 'legal')),
        locale text NOT NULL DEFAULT 'zh-CN' CHECK (locale IN ('zh-CN', 'en')),
        phone text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        -- The composite key keeps a contact from pointing at another organization's vendor.
        FOREIGN KEY (organization_id, vendor_id) REFERENCES vendors (organization_id, id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX contacts_organization_idx ON contacts (organization_id, vendor_id, role)`);
    await q.query(`
      CREATE TABLE mini_programs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        app_id text NOT NULL CHECK (app_id ~ '^wx[0-9a-f]{16}$'),
        name text NOT NULL,
        owner_name text NOT NULL,
        owner_credit_code text NOT NULL,
        service_categories text[] NOT NULL DEFAULT '{}',
        features text[] NOT NULL DEFAULT '{}',
        vendor_id uuid,
        certification_expires_on date,
        icp_filing_number text,
        server_domains text[] NOT NULL DEFAULT '{}',
        notes text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT mini_programs_app_id_unique UNIQUE (organization_id, app_id),
        UNIQUE (organization_id, id),
        FOREIGN KEY (organization_id, vendor_id) REFERENCES vendors (organization_id, id)
      )`);
    await q.query(`CREATE INDEX mini_programs_vendor_idx ON mini_programs (organization_id, vendor_id)`);
    await q.query(`CREATE INDEX mini_programs_name_idx ON mini_programs (organization_id, name, id)`);
    await q.query(
      `CREATE INDEX mini_programs_certification_idx ON mini_programs (organization_id, certification_expires_on)`,
    );
    await q.query(
      `CREATE INDEX mini_programs_categories_idx ON mini_programs USING gin (service_categories)`,
    );
    await q.query(`
      CREATE TABLE qualifications (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL,
        mini_program_id uuid NOT NULL,
        requirement_code text NOT NULL,
        number text,
        issuer text,
        issued_on date,
        expires_on date,
        original_held_by text NOT NULL DEFAULT 'owner' CHECK (original_held_by IN ('owner', 'vendor', 'third_party')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (expires_on IS NULL OR issued_on IS NULL OR expires_on >= issued_on),
        FOREIGN KEY (organization_id, mini_program_id) REFERENCES mini_programs (organization_id, id) ON DELETE CASCADE
      )`);
    await q.query(
      `CREATE INDEX qualifications_mini_program_idx ON qualifications (organization_id, mini_program_id)`,
    );
    await q.query(`CREATE INDEX qualifications_expiry_idx ON qualifications (organization_id, expires_on)`);
    await q.query(`
      CREATE TABLE audit_events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        actor_type text NOT NULL,
        actor_id text,
        actor_label text NOT NULL,
        action text NOT NULL,
        entity_type text NOT NULL,
        entity_id uuid,
        before jsonb,
        after jsonb,
        occurred_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX audit_events_organization_idx ON audit_events (organization_id, id DESC)`);
    await q.query(`CREATE INDEX audit_events_entity_idx ON audit_events (organization_id, entity_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'audit_events',
      'qualifications',
      'mini_programs',
      'contacts',
      'vendors',
      'api_keys',
      'organizations',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
