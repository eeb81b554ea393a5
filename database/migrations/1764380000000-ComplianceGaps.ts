import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The overview's compliance gaps at 100,000 mini-programs (issue #15). Judging every mini-program on each
 * page view took 4.55 s at that size (docs/benchmarks-large-org.md), so each mini-program's judgement is kept
 * in `mini_program_gaps`: `gap_from`, the first local day on which one of its requirements is missing or
 * expired (-infinity when one is missing; NULL when none ever will be). Which requirements apply is the
 * catalogue's rule in TypeScript, so the database cannot judge; what it can do is notice every write.
 * Triggers mark a row `stale` in the same transaction as any change to the facts the judgement reads (a
 * mini-program's categories, features, vendor, certification or filing; any qualification), whichever
 * path wrote them (API, console, CSV import, WeChat sync, SQL), and the reader re-judges stale rows before
 * it counts (libs/console/src/compliance-gaps.service.ts). The triggers always write the gap row, even one
 * already stale: that row lock is what makes a concurrent re-judgement fail and retry instead of clearing
 * a change it did not see. A narrow table, so that re-judging rewrites neither the wide mini-program rows
 * nor their fourteen indexes. `compliance_gap_catalogues` holds which catalogue (built-in with the
 * organization's overrides) the rows were judged by; another one re-judges them all.
 */
export class ComplianceGaps1764380000000 implements MigrationInterface {
  name = 'ComplianceGaps1764380000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE mini_program_gaps (
        mini_program_id uuid PRIMARY KEY,
        organization_id uuid NOT NULL,
        gap_from date,
        stale boolean NOT NULL DEFAULT true,
        FOREIGN KEY (organization_id, mini_program_id)
          REFERENCES mini_programs (organization_id, id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX mini_program_gaps_from_idx ON mini_program_gaps (organization_id, gap_from)`);
    await q.query(
      `CREATE INDEX mini_program_gaps_stale_idx ON mini_program_gaps (organization_id, mini_program_id) WHERE stale`,
    );
    await q.query(`
      CREATE TABLE compliance_gap_catalogues (
        organization_id uuid PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
        catalogue_key text NOT NULL
      )`);
    await q.query(`
      INSERT INTO mini_program_gaps (mini_program_id, organization_id)
      SELECT id, organization_id FROM mini_programs`);

    await q.query(`
      CREATE FUNCTION mini_program_gaps_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO mini_program_gaps (mini_program_id, organization_id)
        SELECT id, organization_id FROM new_rows
        ON CONFLICT (mini_program_id) DO UPDATE SET stale = true;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER mini_program_gaps_insert AFTER INSERT ON mini_programs
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION mini_program_gaps_inserted()`);
    // Only the facts complianceOf reads: a rename or a new domain leaves the judgement as it was.
    await q.query(`
      CREATE FUNCTION mini_program_gaps_updated() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE mini_program_gaps g SET stale = true
          FROM new_rows n JOIN old_rows o ON o.id = n.id
         WHERE g.mini_program_id = n.id
           AND (n.service_categories, n.features, n.vendor_id IS NULL, n.certification_expires_on,
                COALESCE(n.icp_filing_number, '') = '')
               IS DISTINCT FROM
               (o.service_categories, o.features, o.vendor_id IS NULL, o.certification_expires_on,
                COALESCE(o.icp_filing_number, '') = '');
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER mini_program_gaps_update AFTER UPDATE ON mini_programs
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION mini_program_gaps_updated()`);
    for (const [op, tables, rows] of [
      ['insert', 'NEW TABLE AS changed', 'SELECT mini_program_id FROM changed'],
      ['delete', 'OLD TABLE AS changed', 'SELECT mini_program_id FROM changed'],
      [
        'update',
        'OLD TABLE AS old_rows NEW TABLE AS changed',
        `SELECT mini_program_id FROM changed UNION SELECT mini_program_id FROM old_rows`,
      ],
    ] as const) {
      await q.query(`
        CREATE FUNCTION qualification_gaps_on_${op}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          UPDATE mini_program_gaps SET stale = true WHERE mini_program_id IN (${rows});
          RETURN NULL;
        END $$`);
      await q.query(`
        CREATE TRIGGER qualification_gaps_${op} AFTER ${op.toUpperCase()} ON qualifications
        REFERENCING ${tables} FOR EACH STATEMENT EXECUTE FUNCTION qualification_gaps_on_${op}()`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const op of ['insert', 'delete', 'update']) {
      await q.query(`DROP TRIGGER IF EXISTS qualification_gaps_${op} ON qualifications`);
      await q.query(`DROP FUNCTION IF EXISTS qualification_gaps_on_${op}()`);
    }
    await q.query(`DROP TRIGGER IF EXISTS mini_program_gaps_update ON mini_programs`);
    await q.query(`DROP TRIGGER IF EXISTS mini_program_gaps_insert ON mini_programs`);
    await q.query(`DROP FUNCTION IF EXISTS mini_program_gaps_updated()`);
    await q.query(`DROP FUNCTION IF EXISTS mini_program_gaps_inserted()`);
    await q.query(`DROP TABLE IF EXISTS compliance_gap_catalogues`);
    await q.query(`DROP TABLE IF EXISTS mini_program_gaps`);
  }
}
