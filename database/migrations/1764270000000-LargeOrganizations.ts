import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What an organization of 50,000 mini-programs needs (issue #13, point 4).
 *
 * - `mini_program_category_keys` as a PL/pgSQL loop: the SQL version ran a sorted DISTINCT subquery for
 *   every row written (0.3 ms a row, 15 s of a 50,000-row import). Same keys in the same order (the
 *   default collation's `<`, as `ORDER BY` used), so the stored generated column stays right.
 * - `mini_program_domains`: one row per (domain, mini-program), kept by statement triggers on
 *   `mini_programs`, so the certificate list reads registered domains in order from an index instead of
 *   unnesting and grouping every mini-program's array on each request.
 * - `certificate_latest`: the latest check of each (organization, domain), kept by a trigger on
 *   `certificate_checks`, so "latest check with a finding" is an index lookup, not a per-domain subquery.
 * - `mini_program_custody`: per mini-program, what the risk score reads of its custody register and
 *   qualifications (kinds the owner holds, infrastructure entries, unverified and oldest verification,
 *   originals with the vendor), kept by statement triggers on `assets` and `qualifications`, so the risk
 *   ranking reads one row per mini-program instead of grouping 150,000 custody entries per request.
 * - A covering index of live deadlines for the overview's counts.
 */
export class LargeOrganizations1764270000000 implements MigrationInterface {
  name = 'LargeOrganizations1764270000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION mini_program_category_keys(categories text[]) RETURNS text[]
        LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
      DECLARE
        c text; k text; i int; j int; keys text[] := '{}';
      BEGIN
        FOREACH c IN ARRAY categories LOOP
          CONTINUE WHEN c IS NULL;
          i := 0;
          LOOP
            -- the category itself, and the part before each ' > ' (a parent)
            j := position(' > ' IN substr(c, i + 1));
            IF j = 0 THEN k := c; ELSE k := left(c, i + j - 1); i := i + j; END IF;
            IF NOT (k = ANY (keys)) THEN
              keys := keys || k;
              FOR m IN REVERSE array_length(keys, 1)..2 LOOP
                EXIT WHEN keys[m - 1] < keys[m];
                k := keys[m - 1]; keys[m - 1] := keys[m]; keys[m] := k;
              END LOOP;
            END IF;
            EXIT WHEN j = 0;
          END LOOP;
        END LOOP;
        RETURN keys;
      END $$`);

    await q.query(`
      CREATE TABLE mini_program_domains (
        organization_id uuid NOT NULL,
        domain text NOT NULL,
        mini_program_id uuid NOT NULL,
        PRIMARY KEY (organization_id, domain, mini_program_id),
        FOREIGN KEY (organization_id, mini_program_id) REFERENCES mini_programs (organization_id, id) ON DELETE CASCADE
      )`);
    await q.query(
      `CREATE INDEX mini_program_domains_mini_program_idx ON mini_program_domains (organization_id, mini_program_id)`,
    );
    await q.query(`
      CREATE FUNCTION mini_program_domains_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO mini_program_domains (organization_id, domain, mini_program_id)
        SELECT DISTINCT n.organization_id, d.domain, n.id
          FROM new_rows n CROSS JOIN LATERAL unnest(n.server_domains) AS d(domain)
         WHERE d.domain IS NOT NULL;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE FUNCTION mini_program_domains_updated() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM mini_program_domains md
         USING new_rows n JOIN old_rows o ON o.id = n.id
         WHERE o.server_domains IS DISTINCT FROM n.server_domains
           AND md.organization_id = o.organization_id AND md.mini_program_id = o.id;
        INSERT INTO mini_program_domains (organization_id, domain, mini_program_id)
        SELECT DISTINCT n.organization_id, d.domain, n.id
          FROM new_rows n JOIN old_rows o ON o.id = n.id
         CROSS JOIN LATERAL unnest(n.server_domains) AS d(domain)
         WHERE o.server_domains IS DISTINCT FROM n.server_domains AND d.domain IS NOT NULL
        ON CONFLICT DO NOTHING;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER mini_program_domains_insert AFTER INSERT ON mini_programs
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION mini_program_domains_inserted()`);
    await q.query(`
      CREATE TRIGGER mini_program_domains_update AFTER UPDATE ON mini_programs
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION mini_program_domains_updated()`);
    await q.query(`
      INSERT INTO mini_program_domains (organization_id, domain, mini_program_id)
      SELECT DISTINCT mp.organization_id, d.domain, mp.id
        FROM mini_programs mp CROSS JOIN LATERAL unnest(mp.server_domains) AS d(domain)
       WHERE d.domain IS NOT NULL`);

    await q.query(`
      CREATE TABLE certificate_latest (
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        domain text NOT NULL,
        check_id uuid NOT NULL REFERENCES certificate_checks(id) ON DELETE CASCADE,
        checked_at timestamptz NOT NULL,
        finding text,
        findings text[] NOT NULL,
        PRIMARY KEY (organization_id, domain)
      )`);
    await q.query(`CREATE INDEX certificate_latest_check_idx ON certificate_latest (check_id)`);
    // The latest is the greatest (checked_at, id), as the API always ordered them; a check recorded "as of"
    // an earlier instant does not replace a later one.
    await q.query(`
      CREATE FUNCTION certificate_latest_track() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO certificate_latest AS l (organization_id, domain, check_id, checked_at, finding, findings)
        VALUES (NEW.organization_id, NEW.domain, NEW.id, NEW.checked_at, NEW.finding, NEW.findings)
        ON CONFLICT (organization_id, domain) DO UPDATE
           SET check_id = EXCLUDED.check_id, checked_at = EXCLUDED.checked_at,
               finding = EXCLUDED.finding, findings = EXCLUDED.findings
         WHERE (EXCLUDED.checked_at, EXCLUDED.check_id) > (l.checked_at, l.check_id);
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER certificate_latest_track AFTER INSERT ON certificate_checks
        FOR EACH ROW EXECUTE FUNCTION certificate_latest_track()`);
    await q.query(`
      INSERT INTO certificate_latest (organization_id, domain, check_id, checked_at, finding, findings)
      SELECT DISTINCT ON (organization_id, domain) organization_id, domain, id, checked_at, finding, findings
        FROM certificate_checks
       ORDER BY organization_id, domain, checked_at DESC, id DESC`);

    // What the risk ranking needs of each mini-program's custody register and qualifications, one row per
    // mini-program that has any, refreshed by statement triggers in the writing transaction.
    await q.query(`
      CREATE TABLE mini_program_custody (
        organization_id uuid NOT NULL,
        mini_program_id uuid NOT NULL,
        owner_kinds text[] NOT NULL,
        infra_assets integer NOT NULL,
        infra_not_owner integer NOT NULL,
        unverified_assets integer NOT NULL,
        oldest_verified date,
        vendor_originals integer NOT NULL,
        PRIMARY KEY (organization_id, mini_program_id),
        FOREIGN KEY (organization_id, mini_program_id) REFERENCES mini_programs (organization_id, id) ON DELETE CASCADE
      )`);
    await q.query(`
      CREATE FUNCTION refresh_mini_program_custody(org uuid, ids uuid[]) RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        -- Two writers of one mini-program's register refresh one after the other, each statement below
        -- seeing what the other committed (READ COMMITTED takes a new snapshot per statement).
        PERFORM 1 FROM mini_programs WHERE organization_id = org AND id = ANY(ids) ORDER BY id FOR NO KEY UPDATE;
        DELETE FROM mini_program_custody WHERE organization_id = org AND mini_program_id = ANY(ids);
        INSERT INTO mini_program_custody (organization_id, mini_program_id, owner_kinds, infra_assets,
                                          infra_not_owner, unverified_assets, oldest_verified, vendor_originals)
        SELECT org, mp.id, COALESCE(a.owner_kinds, '{}'), COALESCE(a.infra_assets, 0),
               COALESCE(a.infra_not_owner, 0), COALESCE(a.unverified_assets, 0), a.oldest_verified,
               COALESCE(qu.vendor_originals, 0)
          FROM mini_programs mp
          LEFT JOIN (SELECT mini_program_id,
                            COALESCE(array_agg(DISTINCT kind) FILTER (WHERE holder = 'owner'), '{}') AS owner_kinds,
                            count(*) FILTER (WHERE kind IN ('servers', 'cloud_account', 'domain_registrar')) AS infra_assets,
                            count(*) FILTER (WHERE kind IN ('servers', 'cloud_account', 'domain_registrar')
                                               AND holder <> 'owner') AS infra_not_owner,
                            count(*) FILTER (WHERE last_verified_on IS NULL) AS unverified_assets,
                            min(last_verified_on) AS oldest_verified
                       FROM assets WHERE organization_id = org AND mini_program_id = ANY(ids)
                      GROUP BY mini_program_id) a ON a.mini_program_id = mp.id
          LEFT JOIN (SELECT mini_program_id, count(*) FILTER (WHERE original_held_by = 'vendor') AS vendor_originals
                       FROM qualifications WHERE organization_id = org AND mini_program_id = ANY(ids)
                      GROUP BY mini_program_id) qu ON qu.mini_program_id = mp.id
         WHERE mp.organization_id = org AND mp.id = ANY(ids)
           AND (a.mini_program_id IS NOT NULL OR qu.mini_program_id IS NOT NULL);
      END $$`);
    for (const [event, tables, rows] of [
      ['inserted', 'NEW TABLE AS changed', 'changed'],
      ['deleted', 'OLD TABLE AS changed', 'changed'],
      ['updated', 'OLD TABLE AS old_rows NEW TABLE AS changed', 'changed UNION ALL SELECT * FROM old_rows'],
    ] as const) {
      await q.query(`
        CREATE FUNCTION mini_program_custody_${event}() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE r record;
        BEGIN
          FOR r IN SELECT organization_id, array_agg(DISTINCT mini_program_id) AS ids
                     FROM (SELECT organization_id, mini_program_id FROM ${rows.replace('SELECT *', 'SELECT organization_id, mini_program_id')}) c
                    GROUP BY organization_id LOOP
            PERFORM refresh_mini_program_custody(r.organization_id, r.ids);
          END LOOP;
          RETURN NULL;
        END $$`);
      for (const table of ['assets', 'qualifications']) {
        await q.query(`
          CREATE TRIGGER ${table}_custody_${event} AFTER ${event === 'inserted' ? 'INSERT' : event === 'deleted' ? 'DELETE' : 'UPDATE'}
            ON ${table} REFERENCING ${tables} FOR EACH STATEMENT EXECUTE FUNCTION mini_program_custody_${event}()`);
      }
    }
    await q.query(`
      DO $$
      DECLARE r record;
      BEGIN
        FOR r IN SELECT organization_id, array_agg(DISTINCT mini_program_id) AS ids
                   FROM (SELECT organization_id, mini_program_id FROM assets
                         UNION ALL SELECT organization_id, mini_program_id FROM qualifications) c
                  GROUP BY organization_id LOOP
          PERFORM refresh_mini_program_custody(r.organization_id, r.ids);
        END LOOP;
      END $$`);

    // The deadline overview counts live cycles per kind, state and due date: an index-only scan.
    await q.query(`
      CREATE INDEX deadlines_live_overview_idx ON deadlines (organization_id, kind, state, due_on)
        WHERE state IN ('open', 'acknowledged', 'snoozed')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS deadlines_live_overview_idx`);
    for (const event of ['inserted', 'deleted', 'updated']) {
      for (const table of ['assets', 'qualifications']) {
        await q.query(`DROP TRIGGER IF EXISTS ${table}_custody_${event} ON ${table}`);
      }
      await q.query(`DROP FUNCTION IF EXISTS mini_program_custody_${event}()`);
    }
    await q.query(`DROP FUNCTION IF EXISTS refresh_mini_program_custody(uuid, uuid[])`);
    await q.query(`DROP TABLE IF EXISTS mini_program_custody`);
    await q.query(`DROP TABLE IF EXISTS certificate_latest`);
    await q.query(`DROP TRIGGER IF EXISTS certificate_latest_track ON certificate_checks`);
    await q.query(`DROP FUNCTION IF EXISTS certificate_latest_track()`);
    await q.query(`DROP TRIGGER IF EXISTS mini_program_domains_update ON mini_programs`);
    await q.query(`DROP TRIGGER IF EXISTS mini_program_domains_insert ON mini_programs`);
    await q.query(`DROP FUNCTION IF EXISTS mini_program_domains_updated()`);
    await q.query(`DROP FUNCTION IF EXISTS mini_program_domains_inserted()`);
    await q.query(`DROP TABLE IF EXISTS mini_program_domains`);
    await q.query(`
      CREATE OR REPLACE FUNCTION mini_program_category_keys(categories text[]) RETURNS text[]
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
  }
}
