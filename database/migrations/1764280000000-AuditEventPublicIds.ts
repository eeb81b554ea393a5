import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Audit events get a random public id (issue #13, point 9). The bigint `id` is one sequence shared by
 * every organization, so showing it told a tenant how many events the others made. It stays the internal
 * order and keyset; the API shows `public_id` only. Adding the column with a volatile default gives every
 * existing row its own value.
 */
export class AuditEventPublicIds1764280000000 implements MigrationInterface {
  name = 'AuditEventPublicIds1764280000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_events ADD COLUMN public_id uuid NOT NULL DEFAULT gen_random_uuid()`);
    await q.query(`ALTER TABLE audit_events ADD CONSTRAINT audit_events_public_id_key UNIQUE (public_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_events DROP CONSTRAINT IF EXISTS audit_events_public_id_key`);
    await q.query(`ALTER TABLE audit_events DROP COLUMN IF EXISTS public_id`);
  }
}
