import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The index of one- and two-character pieces (1764381000000) cost 2.7 s of the 6.2-7.7 s a 50,000-row
 * import spends inserting into mini_programs (issue #13: the import must finish within 15 s). Its AppID
 * part bought almost nothing: an AppID is `wx` and 16 lower-case hex digits (CHECK on app_id), so a query
 * of one or two hex digits, w or x matches a large share of AppIDs and was left to the ordered scan
 * anyway. The pieces now come from the name and the owner only, and the list adds this filter only
 * for a query with a character no AppID can hold (libs/registry mini-program.service.ts).
 *
 * The body was chosen by measurement on the 50,000 rows of bench/large-org.ts (names of 7 characters,
 * owners of 7 on average; PostgreSQL 15, 2 CPUs, no parallel workers; medians of 5 interleaved runs):
 *
 *   body                                                     sum(cardinality(f))   INSERT, this index only
 *   a. set-based SQL (1764381000000's, over two fields)            906 ms                 1,850 ms
 *   b. plpgsql loop of substr(t, i, 1) and substr(t, i, 2)         346 ms                 1,296 ms
 *   c. set-based SQL, ARRAY(subquery) without DISTINCT             568 ms                 1,483 ms
 *   d. string_to_array(t, NULL) || ARRAY(SELECT substr(t, i, 2))   427 ms                 1,341 ms
 *   e. plpgsql, string_to_array(t, NULL) and a substr(t, i, 2) loop 254 ms                1,244 ms
 *   f. plpgsql, string_to_array(t, NULL), neighbours joined        262 ms                 1,229 ms
 *      (the same INSERT with no index: 291 ms)
 *
 * e and f tie at these lengths; with every name and owner five times as long a, b, e and f cost 3,442,
 * 2,024, 988 and 819 ms (medians of 3): substr walks multi-byte text from its start, f does not, so f.
 * Over the 50,000 rows (and again five-fold) every body gave the same set as a: zero rows differ, none
 * holds an empty piece; and the old function's set is f's joined with the AppID's pieces.
 * All 16 indexes, the same 50,000 rows in one INSERT, 3 runs each interleaved with this migration undone
 * and redone: 8,781 ms before, 6,493 ms after (medians).
 * Duplicates are left in the array: GIN removes them itself.
 */
export class ShortSearchNamesOnly1764400000000 implements MigrationInterface {
  name = 'ShortSearchNamesOnly1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION mini_program_short_grams(name text, owner_name text) RETURNS text[]
      LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
      DECLARE
        n text[] := string_to_array(lower(name), NULL);
        o text[] := string_to_array(lower(owner_name), NULL);
        grams text[] := n || o;
      BEGIN
        FOR i IN 2 .. cardinality(n) LOOP grams := grams || (n[i - 1] || n[i]); END LOOP;
        FOR i IN 2 .. cardinality(o) LOOP grams := grams || (o[i - 1] || o[i]); END LOOP;
        RETURN grams;
      END
      $$`);
    await q.query(
      `CREATE INDEX mini_programs_name_grams_idx ON mini_programs
         USING gin (mini_program_short_grams(name, owner_name))`,
    );
    await q.query(`DROP INDEX mini_programs_short_grams_idx`);
    await q.query(`DROP FUNCTION mini_program_short_grams(text, text, text)`);
  }

  async down(q: QueryRunner): Promise<void> {
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
    await q.query(`DROP INDEX mini_programs_name_grams_idx`);
    await q.query(`DROP FUNCTION mini_program_short_grams(text, text)`);
  }
}
