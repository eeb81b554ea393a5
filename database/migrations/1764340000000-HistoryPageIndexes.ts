import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The console's history pages (issue #16, point 7 and 8): the deliveries page lists an organization's
 * deliveries newest change first, in every status (only failed ones had an index), and the local inbox
 * finds the deliveries of the captured mails by their Message-ID.
 */
export class HistoryPageIndexes1764340000000 implements MigrationInterface {
  name = 'HistoryPageIndexes1764340000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX deliveries_org_updated_idx ON notification_deliveries (organization_id, updated_at DESC, id)`,
    );
    await q.query(
      `CREATE INDEX deliveries_org_message_idx ON notification_deliveries (organization_id, message_id)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS deliveries_org_message_idx`);
    await q.query(`DROP INDEX IF EXISTS deliveries_org_updated_idx`);
  }
}
