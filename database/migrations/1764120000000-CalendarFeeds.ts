import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Private calendar feeds: a secret URL per organization (optionally per mini-program) that calendar apps
 * poll. Only a SHA-256 of the token is stored; revoking (or rotating) sets revoked_at, and the old URL
 * then answers 404.
 */
export class CalendarFeeds1764120000000 implements MigrationInterface {
  name = 'CalendarFeeds1764120000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE calendar_feeds (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        mini_program_id uuid,
        token_hash text NOT NULL CHECK (token_hash ~ '^[0-9a-f]{64}$'),
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz,
        CONSTRAINT calendar_feeds_token_hash_unique UNIQUE (token_hash),
        FOREIGN KEY (organization_id, mini_program_id) REFERENCES mini_programs (organization_id, id) ON DELETE CASCADE
      )`);
    await q.query(
      `CREATE INDEX calendar_feeds_organization_idx ON calendar_feeds (organization_id, created_at DESC, id)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS calendar_feeds`);
  }
}
