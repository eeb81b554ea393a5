import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Two console pages that read a large part of the organization at 100,000 mini-programs (issue #15),
 * measured with EXPLAIN (ANALYZE, BUFFERS) in docs/benchmarks-console.md:
 * - A search of one or two characters has no trigram, so the pg_trgm indexes of 1764350000000 cannot
 *   serve it and every mini-program was read per keystroke. Chinese words are mostly two characters, so a
 *   prefix match would not do: `mini_program_short_grams` lists every one- and two-character piece of the
 *   lower-cased name, AppID and owner, and a GIN index over it answers "contains q" exactly for such q.
 * - The vendors page lists the first 20 mini-programs of each vendor by name: an index in that order lets
 *   each vendor stop at 20. It replaces (organization_id, vendor_id), which it serves as a prefix.
 */
export class ConsoleShortSearch1764381000000 implements MigrationInterface {
  name = 'ConsoleShortSearch1764381000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION mini_program_short_grams(name text, app_id text, owner_name text) RETURNS text[]
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT COALESCE(array_agg(DISTINCT substr(t, i, n)), '{}')
          FROM unnest(ARRAY[lower(name), lower(app_id), lower(owner_name)]) AS t
         CROSS JOIN generate_series(1, 2) AS n
         CROSS JOIN LATERAL generate_series(1, char_length(t) - n + 1) AS i
      $$`);
    await q.query(
      `CREATE INDEX mini_programs_short_grams_idx ON mini_programs
         USING gin (mini_program_short_grams(name, app_id, owner_name))`,
    );
    await q.query(
      `CREATE INDEX mini_programs_vendor_name_idx ON mini_programs (organization_id, vendor_id, name, id)`,
    );
    await q.query(`DROP INDEX mini_programs_vendor_idx`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX IF NOT EXISTS mini_programs_vendor_idx ON mini_programs (organization_id, vendor_id)`,
    );
    await q.query(`DROP INDEX IF EXISTS mini_programs_vendor_name_idx`);
    await q.query(`DROP INDEX IF EXISTS mini_programs_short_grams_idx`);
    await q.query(`DROP FUNCTION IF EXISTS mini_program_short_grams(text, text, text)`);
  }
}
