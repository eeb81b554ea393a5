import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthContext } from '../../auth/src/auth-context.js';
import { OrganizationEntity } from '../../auth/src/organization.entity.js';
import { Clock } from '../../common/src/clock.js';
import { type ComplianceItem, complianceOf } from '../../domain/src/compliance/index.js';
import { type LocalDate, localDateOf } from '../../domain/src/time/index.js';
import { CatalogueService } from '../../requirements/src/catalogue.service.js';
import { ComplianceGaps, FIRST_GAPS_SQL, GAP_COUNT_SQL } from './compliance-gaps.service.js';

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
    private readonly gaps: ComplianceGaps,
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
   * the first `want` by name, and how many there are in all. Each mini-program's judgement is kept in
   * `mini_program_gaps` (see ComplianceGaps); the first `want` are judged again here item by item, by the
   * same `complianceOf` as their own page, for how many items are missing and expired.
   */
  async complianceGaps(ctx: AuthContext, want = 8): Promise<{ gaps: ComplianceGap[]; total: number }> {
    const org = await this.db.getRepository(OrganizationEntity).findOneByOrFail({ id: ctx.organizationId });
    await this.gaps.fresh(ctx.organizationId, org.catalogueOverrides);
    const catalogue = this.catalogue.forOrganization(org.catalogueOverrides);
    const today = localDateOf(this.clock.now(), org.timeZone);
    const [[{ total }], first] = await Promise.all([
      this.db.query<{ total: number }[]>(GAP_COUNT_SQL, [ctx.organizationId, today]),
      this.db.query<
        {
          id: string;
          name: string;
          app_id: string;
          service_categories: string[];
          features: string[];
          has_vendor: boolean;
          certified_to: LocalDate | null;
          icp_filing_number: string | null;
        }[]
      >(FIRST_GAPS_SQL, [ctx.organizationId, today, want]),
    ]);
    const held = await this.db.query<
      { id: string; mini_program_id: string; requirement_code: string; expires_on: LocalDate | null }[]
    >(
      `SELECT id, mini_program_id, requirement_code, expires_on::text AS expires_on FROM qualifications
        WHERE organization_id = $1 AND mini_program_id = ANY($2::uuid[])`,
      [ctx.organizationId, first.map((r) => r.id)],
    );
    const gaps = first.map((r) => {
      const items = complianceOf(
        {
          serviceCategories: r.service_categories,
          features: r.features,
          certificationExpiresOn: r.certified_to,
          icpFilingNumber: r.icp_filing_number,
          hasVendor: r.has_vendor,
        },
        held
          .filter((q) => q.mini_program_id === r.id)
          .map((q) => ({ id: q.id, requirementCode: q.requirement_code, expiresOn: q.expires_on })),
        catalogue,
        today,
      );
      return {
        id: r.id,
        name: r.name,
        appId: r.app_id,
        missing: items.filter((i) => i.state === 'missing').length,
        expired: items.filter((i) => i.state === 'expired').length,
      };
    });
    return { gaps, total };
  }
}
