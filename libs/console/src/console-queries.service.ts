import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthContext } from '../../auth/src/auth-context.js';
import { OrganizationEntity } from '../../auth/src/organization.entity.js';
import { Clock } from '../../common/src/clock.js';
import { type ComplianceItem, complianceOf } from '../../domain/src/compliance/index.js';
import { localDateOf } from '../../domain/src/time/index.js';
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
   * Mini-programs with a missing or expired requirement. Compliance is the catalogue's rule in TypeScript,
   * so it is computed here over the mini-programs in batches, stopping once `want` gaps are found or
   * `scanLimit` mini-programs were checked (an overview must answer quickly at 100,000 of them).
   */
  async complianceGaps(
    ctx: AuthContext,
    want = 8,
    scanLimit = 500,
  ): Promise<{ gaps: ComplianceGap[]; scanned: number }> {
    const org = await this.db.getRepository(OrganizationEntity).findOneByOrFail({ id: ctx.organizationId });
    const catalogue = this.catalogue.forOrganization(org.catalogueOverrides);
    const today = localDateOf(this.clock.now(), org.timeZone);
    const gaps: ComplianceGap[] = [];
    let scanned = 0;
    let after: string | null = null;
    while (gaps.length < want && scanned < scanLimit) {
      const rows: {
        id: string;
        name: string;
        app_id: string;
        service_categories: string[];
        features: string[];
        certification_expires_on: string | null;
        icp_filing_number: string | null;
        vendor_id: string | null;
        qualifications: { id: string; requirementCode: string; expiresOn: string | null }[];
      }[] = await this.db.query(
        `SELECT mp.id, mp.name, mp.app_id, mp.service_categories, mp.features, mp.certification_expires_on,
                mp.icp_filing_number, mp.vendor_id,
                COALESCE((SELECT json_agg(json_build_object('id', q.id, 'requirementCode', q.requirement_code, 'expiresOn', q.expires_on))
                            FROM qualifications q WHERE q.organization_id = mp.organization_id AND q.mini_program_id = mp.id), '[]') AS qualifications
           FROM mini_programs mp WHERE mp.organization_id = $1 AND ($2::uuid IS NULL OR mp.id > $2::uuid)
          ORDER BY mp.id LIMIT 500`,
        [ctx.organizationId, after],
      );
      if (!rows.length) break;
      for (const r of rows) {
        const items = complianceOf(
          {
            serviceCategories: r.service_categories,
            features: r.features,
            certificationExpiresOn: r.certification_expires_on,
            icpFilingNumber: r.icp_filing_number,
            hasVendor: r.vendor_id !== null,
          },
          r.qualifications,
          catalogue,
          today,
        );
        const missing = items.filter((i) => i.state === 'missing').length;
        const expired = items.filter((i) => i.state === 'expired').length;
        if ((missing || expired) && gaps.length < want)
          gaps.push({ id: r.id, name: r.name, appId: r.app_id, missing, expired });
      }
      scanned += rows.length;
      after = rows[rows.length - 1].id;
    }
    return { gaps, scanned };
  }
}
