import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthContext } from '../../auth/src/auth-context.js';
import { OrganizationEntity } from '../../auth/src/organization.entity.js';
import { Clock } from '../../common/src/clock.js';
import { type ComplianceItem, complianceOf } from '../../domain/src/compliance/index.js';
import { localDateOf } from '../../domain/src/time/index.js';

// The two requirements `complianceOf` judges on the mini-program's own fields rather than qualifications.
const ANNUAL_REVIEW_CODE = 'wechat_certification_annual_review';
const ICP_FILING_CODE = 'mini_program_icp_filing';
import { CatalogueService } from '../../requirements/src/catalogue.service.js';

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
    const profiles = await this.db.query<
      { service_categories: string[]; features: string[]; has_vendor: boolean }[]
    >(
      `SELECT DISTINCT service_categories, features, vendor_id IS NOT NULL AS has_vendor
         FROM mini_programs WHERE organization_id = $1`,
      [ctx.organizationId],
    );
    const required = profiles.map((p) => ({
      categories: p.service_categories,
      features: p.features,
      has_vendor: p.has_vendor,
      // With no certification, filing or qualification, every requirement that must be held is listed.
      codes: complianceOf(
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
      ).map((i) => i.requirementCode),
    }));
    const rows = await this.db.query<
      { id: string; name: string; app_id: string; missing: number; expired: number; total: number }[]
    >(
      `WITH profile AS (
         SELECT * FROM jsonb_to_recordset($2::jsonb)
                AS p(categories text[], features text[], has_vendor boolean, codes text[])
       ), required AS (
         SELECT mp.id, mp.name, mp.app_id, mp.certification_expires_on, mp.icp_filing_number, code
           FROM mini_programs mp
           JOIN profile p ON p.categories = mp.service_categories AND p.features = mp.features
                         AND p.has_vendor = (mp.vendor_id IS NOT NULL)
          CROSS JOIN LATERAL unnest(p.codes) AS code
          WHERE mp.organization_id = $1
       ), held AS (
         SELECT mini_program_id, requirement_code, bool_or(expires_on IS NULL) AS forever,
                max(expires_on) AS latest
           FROM qualifications WHERE organization_id = $1 GROUP BY mini_program_id, requirement_code
       ), judged AS (
         SELECT r.id, r.name, r.app_id,
                CASE
                  WHEN r.code = '${ANNUAL_REVIEW_CODE}' THEN
                    CASE WHEN r.certification_expires_on IS NULL THEN 'missing'
                         WHEN r.certification_expires_on < $3::date THEN 'expired' END
                  WHEN h.requirement_code IS NULL THEN
                    CASE WHEN r.code = '${ICP_FILING_CODE}' AND r.icp_filing_number <> '' THEN NULL
                         ELSE 'missing' END
                  WHEN h.forever THEN NULL
                  WHEN h.latest < $3::date THEN 'expired'
                END AS state
           FROM required r
           LEFT JOIN held h ON h.mini_program_id = r.id AND h.requirement_code = r.code
       )
       SELECT id, name, app_id, count(*) FILTER (WHERE state = 'missing')::int AS missing,
              count(*) FILTER (WHERE state = 'expired')::int AS expired, (count(*) OVER ())::int AS total
         FROM judged WHERE state IS NOT NULL
        GROUP BY id, name, app_id
        ORDER BY name, id LIMIT $4`,
      [ctx.organizationId, JSON.stringify(required), today, want],
    );
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
