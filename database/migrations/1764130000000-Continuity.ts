import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The custody register (who holds what a mini-program needs to live) and evidence of vendor status changes. */
export class Continuity1764130000000 implements MigrationInterface {
  name = 'Continuity1764130000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE vendors ADD COLUMN status_evidence text`);
    await q.query(`
      CREATE TABLE assets (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL,
        mini_program_id uuid NOT NULL,
        kind text NOT NULL CHECK (kind IN ('source_code', 'admin_binding', 'developer_accounts', 'app_secret', 'servers',
          'cloud_account', 'domain_registrar', 'tls_certificates', 'payment_merchant_account', 'payment_keys', 'backups',
          'original_licences', 'message_push_url')),
        holder text NOT NULL CHECK (holder IN ('owner', 'vendor', 'third_party', 'unknown')),
        location text,
        notes text,
        last_verified_on date,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (organization_id, id),
        FOREIGN KEY (organization_id, mini_program_id) REFERENCES mini_programs (organization_id, id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX assets_mini_program_idx ON assets (organization_id, mini_program_id, kind)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS assets`);
    await q.query(`ALTER TABLE vendors DROP COLUMN status_evidence`);
  }
}
