import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthContext } from '../../auth/src/auth-context.js';
import { OrganizationEntity } from '../../auth/src/organization.entity.js';
import { Clock } from '../../common/src/clock.js';
import { type ComplianceItem, complianceOf } from '../../domain/src/compliance/index.js';
import { type LocalDate, localDateOf } from '../../domain/src/time/index.js';
import type { Catalogue } from '../../catalogue/src/index.js';
import { CatalogueService } from '../../requirements/src/catalogue.service.js';

// The two requirements `complianceOf` judges on the mini-program's own fields rather than qualifications.
const ANNUAL_REVIEW_CODE = 'wechat_certification_annual_review';
const ICP_FILING_CODE = 'mini_program_icp_filing';

export interface UnavailableVendor {
  id: string;
  name: string;
  status: 'unresponsive' | 'ceased';
  status_since: Date | null;
  mini_programs: number;
}

export interface FailedDelivery {
  id: string;
  email: string;
  name: string;
  last_error: string | null;
  updated_at: Date;
  deadline_id: string | null;
  stage: string;
  kind: string;
}

export interface HistoryRow {
  stage: string;
  kind: string;
  name: string;
  email: string;
  role: string;
  status: string;
  attempts: number;
  sent_at: Date | null;
  updated_at: Date;
  smtp_response: string | null;
  last_error: string | null;
}

export interface ComplianceGap {
  id: string;
  name: string;
  appId: string;
  missing: number;
  expired: number;
}

/** A mini-program's requirement profile as text, computed by the server in both statements below. */
const PROFILE_KEY = (t: string) =>
  `jsonb_build_array(${t}service_categories, ${t}features, ${t}vendor_id IS NOT NULL)::text`;

/** The organization's distinct profiles (categories, features, has a vendor); $1 the organization. */
export const GAP_PROFILES_SQL = `SELECT DISTINCT ${PROFILE_KEY('')} AS key, service_categories, features,
          vendor_id IS NOT NULL AS has_vendor
     FROM mini_programs WHERE organization_id = $1`;

export interface GapProfile {
  key: string;
  service_categories: string[];
  features: string[];
  has_vendor: boolean;
}

/** For each profile, the requirements that must be held: `$2` of GAPS_SQL. */
export function requiredByProfile(profiles: GapProfile[], catalogue: Catalogue, today: LocalDate): string {
  const required: Record<string, { codes: string[]; plain: number; annual: boolean; icp: boolean }> = {};
  for (const p of profiles) {
    // With no certification, filing or qualification, every requirement that must be held is listed.
    const codes = complianceOf(
      {
        serviceCategories: p.service_categories,
        features: p.features,
        certificationExpiresOn: null,
        icpFilingNumber: null,
        hasVendor: p.has_vendor,
      },
      [],
      catalogue,
      today,
    ).map((i) => i.requirementCode);
    const annual = codes.includes(ANNUAL_REVIEW_CODE);
    const icp = codes.includes(ICP_FILING_CODE);
    required[p.key] = { codes, plain: codes.length - Number(annual) - Number(icp), annual, icp };
  }
  return JSON.stringify(required);
}

/**
 * Mini-programs with a missing or expired requirement, the first $4 by name, with how many there are in
 * all; $1 the organization, $2 requiredByProfile(), $3 today. Without a qualification (most mini-programs)
 * the counts are arithmetic on the row; with some, each required code is judged against what is held.
 * Every row is read once, and the held qualifications are hashed once.
 */
export const GAPS_SQL = `WITH held AS (
     -- A requirement's longest-lasting qualification has expired exactly when every one of them has.
     SELECT mini_program_id, array_agg(requirement_code) AS codes,
            array_agg(requirement_code) FILTER (WHERE expires_on < $3::date) AS lapsed,
            array_agg(requirement_code) FILTER (WHERE expires_on IS NULL OR expires_on >= $3::date) AS live
       FROM qualifications WHERE organization_id = $1
      GROUP BY mini_program_id
   ), subject AS MATERIALIZED (
     -- Materialized so that each row's profile is looked up once, and the join below is a hash join.
     SELECT id, name, app_id, certification_expires_on AS certified_to,
            COALESCE(icp_filing_number, '') <> '' AS filed, $2::jsonb -> ${PROFILE_KEY('')} AS p
       FROM mini_programs WHERE organization_id = $1
   ), judged AS (
     SELECT s.id, s.name, s.app_id,
            CASE WHEN (s.p ->> 'annual')::boolean AND s.certified_to IS NULL THEN 1 ELSE 0 END
            + CASE WHEN h.mini_program_id IS NULL
                   THEN (s.p ->> 'plain')::int + CASE WHEN (s.p ->> 'icp')::boolean AND NOT s.filed THEN 1 ELSE 0 END
                   ELSE (SELECT count(*)::int FROM jsonb_array_elements_text(s.p -> 'codes') AS code
                          WHERE code <> '${ANNUAL_REVIEW_CODE}' AND code <> ALL(h.codes)
                            AND (code <> '${ICP_FILING_CODE}' OR NOT s.filed)) END AS missing,
            CASE WHEN (s.p ->> 'annual')::boolean AND s.certified_to < $3::date THEN 1 ELSE 0 END
            + CASE WHEN h.lapsed IS NULL THEN 0
                   ELSE (SELECT count(*)::int FROM jsonb_array_elements_text(s.p -> 'codes') AS code
                          WHERE code = ANY(h.lapsed) AND NOT COALESCE(code = ANY(h.live), false)) END AS expired
       FROM subject s LEFT JOIN held h ON h.mini_program_id = s.id
   )
   SELECT id, name, app_id, missing, expired, (count(*) OVER ())::int AS total
     FROM judged WHERE missing > 0 OR expired > 0
    ORDER BY name, id LIMIT $4`;

/** Read-only questions the console's pages ask that the API has no endpoint for; always scoped by organization. */
@Injectable()
export class ConsoleQueries {
  constructor(
    private readonly db: DataSource,
    private readonly catalogue: CatalogueService,
    private readonly clock: Clock,
  ) {}

  unavailableVendors(ctx: AuthContext): Promise<UnavailableVendor[]> {
    return this.db.query(
      `SELECT v.id, v.name, v.status, v.status_since,
              (SELECT count(*) FROM mini_programs mp WHERE mp.organization_id = v.organization_id AND mp.vendor_id = v.id)::int AS mini_programs
         FROM vendors v WHERE v.organization_id = $1 AND v.status IN ('unresponsive', 'ceased')
        ORDER BY v.status_since DESC NULLS LAST, v.name LIMIT 20`,
      [ctx.organizationId],
    );
  }

  failedDeliveries(ctx: AuthContext): Promise<FailedDelivery[]> {
    return this.db.query(
      `SELECT d.id, d.email, d.name, d.last_error, d.updated_at, n.deadline_id, n.stage, n.kind
         FROM notification_deliveries d JOIN notifications n ON n.id = d.notification_id
        WHERE d.organization_id = $1 AND d.status = 'failed'
        ORDER BY d.updated_at DESC LIMIT 10`,
      [ctx.organizationId],
    );
  }

  /** Each reminder stage of a deadline with every recipient, when, and what the mail server answered. */
  history(ctx: AuthContext, deadlineId: string): Promise<HistoryRow[]> {
    return this.db.query(
      `SELECT n.stage, n.kind, d.name, d.email, d.role, d.status, d.attempts, d.sent_at, d.updated_at,
              d.smtp_response, d.last_error
         FROM notifications n JOIN notification_deliveries d ON d.notification_id = n.id
        WHERE n.organization_id = $1 AND n.deadline_id = $2
        ORDER BY n.created_at DESC, d.email`,
      [ctx.organizationId, deadlineId],
    );
  }

  /** The live cycle that follows a completed one (same obligation, same subject), if any. */
  async nextCycle(ctx: AuthContext, deadlineId: string): Promise<{ id: string; due_on: string } | null> {
    const [row] = await this.db.query<{ id: string; due_on: string }[]>(
      `SELECT n.id, n.due_on FROM deadlines d
         JOIN deadlines n ON n.organization_id = d.organization_id AND n.subject_key = d.subject_key
              AND n.id <> d.id AND n.due_on > d.due_on AND n.state IN ('open', 'acknowledged', 'snoozed')
        WHERE d.organization_id = $1 AND d.id = $2 ORDER BY n.due_on LIMIT 1`,
      [ctx.organizationId, deadlineId],
    );
    return row ?? null;
  }

  vendors(ctx: AuthContext): Promise<{ id: string; name: string; status: string }[]> {
    return this.db.query(
      `SELECT id, name, status FROM vendors WHERE organization_id = $1 ORDER BY name, id LIMIT 500`,
      [ctx.organizationId],
    );
  }

  async compliance(
    ctx: AuthContext,
    mp: {
      id: string;
      serviceCategories: string[];
      features: string[];
      certificationExpiresOn: string | null;
      icpFilingNumber: string | null;
      vendor: unknown;
    },
  ): Promise<ComplianceItem[]> {
    const org = await this.db.getRepository(OrganizationEntity).findOneByOrFail({ id: ctx.organizationId });
    const qualifications = await this.db.query<
      { id: string; requirement_code: string; expires_on: string | null }[]
    >(
      `SELECT id, requirement_code, expires_on FROM qualifications WHERE organization_id = $1 AND mini_program_id = $2`,
      [ctx.organizationId, mp.id],
    );
    return complianceOf(
      {
        serviceCategories: mp.serviceCategories,
        features: mp.features,
        certificationExpiresOn: mp.certificationExpiresOn,
        icpFilingNumber: mp.icpFilingNumber,
        hasVendor: mp.vendor !== null,
      },
      qualifications.map((q) => ({ id: q.id, requirementCode: q.requirement_code, expiresOn: q.expires_on })),
      this.catalogue.forOrganization(org.catalogueOverrides),
      localDateOf(this.clock.now(), org.timeZone),
    );
  }

  /**
   * Mini-programs with a missing or expired requirement, over all of the organization's mini-programs:
   * the first `want` by name, and how many there are in all. Which requirements apply is the catalogue's
   * rule in TypeScript, but it depends only on a mini-program's categories, features and whether it has a
   * vendor, and an organization has few such profiles: the rule runs once per profile and the states are
   * judged in one statement (the same rules as `complianceOf`; tests/console.e2e-spec.ts compares them).
   */
  async complianceGaps(ctx: AuthContext, want = 8): Promise<{ gaps: ComplianceGap[]; total: number }> {
    const org = await this.db.getRepository(OrganizationEntity).findOneByOrFail({ id: ctx.organizationId });
    const catalogue = this.catalogue.forOrganization(org.catalogueOverrides);
    const today = localDateOf(this.clock.now(), org.timeZone);
    const profiles = await this.db.query<GapProfile[]>(GAP_PROFILES_SQL, [ctx.organizationId]);
    const rows = await this.db.query<
      { id: string; name: string; app_id: string; missing: number; expired: number; total: number }[]
    >(GAPS_SQL, [ctx.organizationId, requiredByProfile(profiles, catalogue, today), today, want]);
    return {
      gaps: rows.map((r) => ({
        id: r.id,
        name: r.name,
        appId: r.app_id,
        missing: r.missing,
        expired: r.expired,
      })),
      total: rows[0]?.total ?? 0,
    };
  }
}
