import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Catalogue } from '../../catalogue/src/index.js';
import { complianceOf } from '../../domain/src/compliance/index.js';
import { CatalogueService } from '../../requirements/src/catalogue.service.js';

// The two requirements `complianceOf` judges on the mini-program's own fields rather than qualifications.
const ANNUAL_REVIEW_CODE = 'wechat_certification_annual_review';
const ICP_FILING_CODE = 'mini_program_icp_filing';

/** A mini-program's requirement profile as text: what `requirementsFor` reads, nothing else. */
const PROFILE_KEY = `jsonb_build_array(mp.service_categories, mp.features, mp.vendor_id IS NOT NULL)::text`;

/** How many stale rows one transaction re-judges: small enough that a retry repeats little. */
export const GAP_BATCH = 5_000;

/** Rows judged in one call after which the table's statistics are renewed at once, not by autovacuum later. */
const ANALYZE_AFTER = 10_000;

/** The batch of stale rows; the same rows in both statements of one REPEATABLE READ transaction. */
const BATCH = `SELECT mini_program_id AS id FROM mini_program_gaps
                WHERE organization_id = $1 AND stale ORDER BY mini_program_id LIMIT ${GAP_BATCH}`;

const BATCH_PROFILES_SQL = `SELECT DISTINCT ${PROFILE_KEY} AS key, mp.service_categories, mp.features,
          mp.vendor_id IS NOT NULL AS has_vendor
     FROM mini_programs mp WHERE mp.organization_id = $1 AND mp.id IN (${BATCH})`;

/**
 * Re-judges one batch of stale rows; $1 the organization, $2 the codes that must be held per profile.
 * `gap_from` is the first day with a missing or expired requirement, by complianceOf's rules: a missing one
 * (no certification; no qualification, nor a filing number for the ICP filing) makes it -infinity; else a
 * requirement expires the day after its longest-lasting qualification's expiry (one without expiry never).
 */
export const JUDGE_BATCH_SQL = `WITH batch AS (${BATCH}
   ), subject AS MATERIALIZED (
     SELECT mp.id, mp.certification_expires_on AS certified_to,
            COALESCE(mp.icp_filing_number, '') <> '' AS filed, $2::jsonb -> ${PROFILE_KEY} AS codes
       FROM mini_programs mp WHERE mp.organization_id = $1 AND mp.id IN (SELECT id FROM batch)
   ), required AS (
     SELECT s.id, s.certified_to, s.filed, r.code
       FROM subject s CROSS JOIN LATERAL jsonb_array_elements_text(s.codes) AS r(code)
   ), held AS (
     SELECT q.mini_program_id, q.requirement_code, bool_or(q.expires_on IS NULL) AS forever,
            max(q.expires_on) AS latest
       FROM qualifications q
      WHERE q.organization_id = $1 AND q.mini_program_id IN (SELECT id FROM batch)
      GROUP BY q.mini_program_id, q.requirement_code
   ), judged AS (
     SELECT r.id,
            bool_or(CASE WHEN r.code = '${ANNUAL_REVIEW_CODE}' THEN r.certified_to IS NULL
                         ELSE h.mini_program_id IS NULL AND NOT (r.code = '${ICP_FILING_CODE}' AND r.filed) END)
              AS missing,
            min(CASE WHEN r.code = '${ANNUAL_REVIEW_CODE}' THEN r.certified_to
                     WHEN h.forever THEN NULL ELSE h.latest END) AS lapses
       FROM required r LEFT JOIN held h ON h.mini_program_id = r.id AND h.requirement_code = r.code
      GROUP BY r.id
   )
   UPDATE mini_program_gaps g
      SET stale = false,
          gap_from = CASE WHEN j.missing THEN '-infinity'::date ELSE j.lapses + 1 END
     FROM subject s LEFT JOIN judged j ON j.id = s.id
    WHERE g.mini_program_id = s.id`;

/** How many mini-programs have a gap on `$2` (a local date); $1 the organization. */
export const GAP_COUNT_SQL = `SELECT count(*)::int AS total FROM mini_program_gaps
    WHERE organization_id = $1 AND gap_from <= $2::date`;

/** The first $3 of them by name. */
export const FIRST_GAPS_SQL = `SELECT mp.id, mp.name, mp.app_id, mp.service_categories, mp.features,
          mp.vendor_id IS NOT NULL AS has_vendor, mp.certification_expires_on::text AS certified_to,
          mp.icp_filing_number
     FROM mini_programs mp JOIN mini_program_gaps g ON g.mini_program_id = mp.id
    WHERE mp.organization_id = $1 AND g.organization_id = $1 AND g.gap_from <= $2::date
    ORDER BY mp.name, mp.id LIMIT $3`;

/** Whether anything needs judging before the two statements above may be trusted. */
export const GAPS_FRESH_SQL = `SELECT (SELECT catalogue_key FROM compliance_gap_catalogues WHERE organization_id = $1) AS key,
          EXISTS (SELECT 1 FROM mini_program_gaps WHERE organization_id = $1 AND stale) AS stale`;

interface Profile {
  key: string;
  service_categories: string[];
  features: string[];
  has_vendor: boolean;
}

/** For each profile, the codes that must be held (the annual review and ICP filing included). */
export function codesByProfile(profiles: Profile[], catalogue: Catalogue): string {
  const codes: Record<string, string[]> = {};
  for (const p of profiles)
    codes[p.key] = complianceOf(
      {
        serviceCategories: p.service_categories,
        features: p.features,
        certificationExpiresOn: null,
        icpFilingNumber: null,
        hasVendor: p.has_vendor,
      },
      [],
      catalogue,
      '1970-01-01', // what applies does not depend on the day
    ).map((i) => i.requirementCode);
  return JSON.stringify(codes);
}

const keys = new WeakMap<Catalogue, string>();
/** Which catalogue the rows were judged by: any change to it (a release, an override) re-judges them. */
export function catalogueKey(catalogue: Catalogue): string {
  let key = keys.get(catalogue);
  if (!key) {
    key = createHash('sha256').update(JSON.stringify(catalogue)).digest('hex');
    keys.set(catalogue, key);
  }
  return key;
}

/** PostgreSQL's answer when a concurrent write touched a row this snapshot read (or a deadlock). */
function mustRetry(error: unknown): boolean {
  const e = error as { code?: string; driverError?: { code?: string } };
  const code = e.code ?? e.driverError?.code;
  return code === '40001' || code === '40P01';
}

/**
 * Keeps `mini_program_gaps` current for the overview. Writes only mark rows stale (triggers, in the
 * writer's transaction); `fresh()` re-judges the stale ones before anything is counted, so a count read
 * after a write has seen it. Each batch runs in REPEATABLE READ: a write that lands on a row after the
 * batch's snapshot makes the batch fail with 40001 rather than clear a change it did not see.
 */
@Injectable()
export class ComplianceGaps {
  constructor(
    private readonly db: DataSource,
    private readonly catalogue: CatalogueService,
  ) {}

  /** Re-judges whatever is stale for the organization; cheap (one indexed probe) when nothing is. */
  async fresh(organizationId: string, overrides: Record<string, unknown> | null): Promise<void> {
    const [state] = await this.db.query<{ key: string | null; stale: boolean }[]>(GAPS_FRESH_SQL, [
      organizationId,
    ]);
    if (state.key === catalogueKey(this.catalogue.forOrganization(overrides)) && !state.stale) return;
    let total = 0;
    for (let attempt = 0; ;) {
      try {
        const judged = await this.db.transaction('REPEATABLE READ', (m) =>
          this.judgeBatch(m, organizationId),
        );
        total += judged;
        if (judged < GAP_BATCH) break;
      } catch (error) {
        if (!mustRetry(error) || ++attempt > 20) throw error;
      }
    }
    // After an import the statistics still say no row has a gap, and the planner then joins every gap to
    // its mini-program to find the first 8 (1.27 s at 100,000 instead of 0.8 ms; docs/benchmarks-console.md).
    if (total >= ANALYZE_AFTER) await this.db.query(`ANALYZE mini_program_gaps`);
  }

  private async judgeBatch(m: EntityManager, organizationId: string): Promise<number> {
    // FOR SHARE: an override written after this snapshot fails the batch instead of racing it.
    const [org] = await m.query<{ overrides: Record<string, unknown> | null; key: string | null }[]>(
      `SELECT o.catalogue_overrides AS overrides, k.catalogue_key AS key
         FROM organizations o LEFT JOIN compliance_gap_catalogues k ON k.organization_id = o.id
        WHERE o.id = $1 FOR SHARE OF o`,
      [organizationId],
    );
    const catalogue = this.catalogue.forOrganization(org.overrides);
    const key = catalogueKey(catalogue);
    if (org.key !== key) {
      await m.query(
        `INSERT INTO compliance_gap_catalogues (organization_id, catalogue_key) VALUES ($1, $2)
         ON CONFLICT (organization_id) DO UPDATE SET catalogue_key = EXCLUDED.catalogue_key`,
        [organizationId, key],
      );
      await m.query(`UPDATE mini_program_gaps SET stale = true WHERE organization_id = $1 AND NOT stale`, [
        organizationId,
      ]);
    }
    const profiles = await m.query<Profile[]>(BATCH_PROFILES_SQL, [organizationId]);
    if (profiles.length === 0) return 0;
    const [, judged] = await m.query<[unknown, number]>(JUDGE_BATCH_SQL, [
      organizationId,
      codesByProfile(profiles, catalogue),
    ]);
    return judged;
  }
}
