import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes the mini-program list needs at 100,000 rows (issue #8).
 *
 * The service-category filter matches a category and its sub-categories ('医疗' matches '医疗 > 互联网医院'),
 * which a GIN index on the array cannot serve. `service_category_keys` holds, for every category, the
 * category itself and each of its parents (every prefix before a ' > '), so "has `cat` or a sub-category of
 * it" becomes `service_category_keys @> ARRAY[cat]`, served by a GIN index. It is a stored generated column,
 * so no write path has to maintain it. A descending sort on certification expiry and both sorts on
 * creation time get an index matching their ORDER BY (… NULLS LAST, id), so a page is an index range scan
 * instead of a sort of every matching row.
 */
export class RegistryListIndexes1764160000000 implements MigrationInterface {
  name = 'RegistryListIndexes1764160000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION mini_program_category_keys(categories text[]) RETURNS text[]
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
        RETURN ARRAY(
          SELECT DISTINCT k
            FROM unnest(categories) AS c
           CROSS JOIN LATERAL (
                 SELECT c
                  UNION ALL
                 SELECT left(c, i - 1) FROM generate_series(1, length(c) - 2) AS i WHERE substr(c, i, 3) = ' > '
               ) AS keys(k)
           WHERE c IS NOT NULL
           ORDER BY k
        )`);
    await q.query(`
      ALTER TABLE mini_programs
        ADD COLUMN service_category_keys text[] NOT NULL
        GENERATED ALWAYS AS (mini_program_category_keys(service_categories)) STORED`);
    await q.query(
      `CREATE INDEX mini_programs_category_keys_idx ON mini_programs USING gin (service_category_keys)`,
    );
    await q.query(
      `CREATE INDEX mini_programs_certification_desc_idx
         ON mini_programs (organization_id, certification_expires_on DESC NULLS LAST, id)`,
    );
    await q.query(
      `CREATE INDEX mini_programs_created_idx ON mini_programs (organization_id, created_at, id)`,
    );
    await q.query(
      `CREATE INDEX mini_programs_created_desc_idx
         ON mini_programs (organization_id, created_at DESC NULLS LAST, id)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS mini_programs_created_desc_idx`);
    await q.query(`DROP INDEX IF EXISTS mini_programs_created_idx`);
    await q.query(`DROP INDEX IF EXISTS mini_programs_certification_desc_idx`);
    await q.query(`ALTER TABLE mini_programs DROP COLUMN IF EXISTS service_category_keys`);
    await q.query(`DROP FUNCTION IF EXISTS mini_program_category_keys(text[])`);
  }
}
