import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue #12. `failure_kind` says why a delivery failed for good (a permanent answer, or the retry period
 * ended), which the failure report tells the manager. The partial index serves the planner's per-tick end
 * of snoozes (`state = 'snoozed' AND snoozed_until <= today`) without scanning every live cycle.
 */
export class ReminderPromise1764200000000 implements MigrationInterface {
  name = 'ReminderPromise1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE notification_deliveries ADD COLUMN failure_kind text
        CHECK (failure_kind IN ('permanent', 'retry_period_ended'))`);
    await q.query(`
      CREATE INDEX deadlines_snoozed_idx ON deadlines (organization_id, snoozed_until)
        WHERE state = 'snoozed'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS deadlines_snoozed_idx`);
    await q.query(`ALTER TABLE notification_deliveries DROP COLUMN IF EXISTS failure_kind`);
  }
}
