import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reads of a 50,000-mini-program organization that still visited every row (issue #13, point 4).
 *
 * - `certificate_latest_finding_idx`: the latest checks with a finding (a few percent of the domains), in
 *   domain order and with what the filter reads, for `GET /certificates?finding=…`, which scanned every
 *   domain's latest check (an index-only scan: those rows are scattered over the whole table).
 * - `deadlines_live_due_idx`: live deadlines by due date with their mini-program, for the risk ranking's
 *   "a deadline within 30 days" (an index-only range instead of a min() per mini-program), without
 *   walking the completed cycles that `deadlines_due_idx` also holds.
 */
export class LargeOrganizationReads1764375000000 implements MigrationInterface {
  name = 'LargeOrganizationReads1764375000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX certificate_latest_finding_idx ON certificate_latest (organization_id, domain)
        INCLUDE (check_id, finding, findings) WHERE finding IS NOT NULL OR findings <> '{}'`);
    await q.query(`
      CREATE INDEX deadlines_live_due_idx ON deadlines (organization_id, due_on) INCLUDE (mini_program_id)
        WHERE state IN ('open', 'acknowledged', 'snoozed')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS deadlines_live_due_idx`);
    await q.query(`DROP INDEX IF EXISTS certificate_latest_finding_idx`);
  }
}
