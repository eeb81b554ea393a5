import type { Writable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthContext } from '../../auth/src/auth-context.js';
import { OrganizationEntity } from '../../auth/src/organization.entity.js';
import { Clock } from '../../common/src/clock.js';
import { DomainError } from '../../common/src/domain.error.js';
import { LIVE_STATES } from '../../deadlines/src/deadline.entity.js';
import {
  composeHandover,
  type HandoverDeadline,
  type HandoverInput,
  type HandoverPack,
} from '../../domain/src/continuity/index.js';
import { localDateOf } from '../../domain/src/time/index.js';
import { isAppId } from '../../domain/src/validation/index.js';
import { ChecklistService } from '../../exports/src/checklist.service.js';
import {
  exportFileName,
  type ExportFileName,
  type ExportLocale,
  writeHandoverMarkdown,
  writeHandoverPdf,
} from '../../exports/src/renderers/index.js';
import { MiniProgramEntity } from '../../registry/src/mini-program.entity.js';
import { VendorEntity } from '../../registry/src/vendor.entity.js';
import { CatalogueService } from '../../requirements/src/catalogue.service.js';
import { AssetEntity } from './asset.entity.js';

export const HANDOVER_FORMATS = ['md', 'pdf'] as const;
export type HandoverFormat = (typeof HANDOVER_FORMATS)[number];
export const HANDOVER_CONTENT_TYPES: Record<HandoverFormat, string> = {
  md: 'text/markdown; charset=utf-8',
  pdf: 'application/pdf',
};
export const HANDOVER_FORMAT_RULE = `must be one of: ${HANDOVER_FORMATS.join(', ')}`;

export function isHandoverFormat(value: unknown): value is HandoverFormat {
  return typeof value === 'string' && (HANDOVER_FORMATS as readonly string[]).includes(value);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface PreparedHandover {
  pack: HandoverPack;
  fileName(format: HandoverFormat): ExportFileName;
}

/** Streams a pack in one format; ends `out`, or destroys it and rejects when anything fails. */
export function writeHandover(format: HandoverFormat, pack: HandoverPack, out: Writable): Promise<void> {
  switch (format) {
    case 'md':
      return writeHandoverMarkdown(pack, out);
    case 'pdf':
      return writeHandoverPdf(pack, out);
  }
}

/**
 * Reads everything a replacement vendor needs about one mini-program and composes the handover pack. It
 * reads only the organization's own rows; secrets are never stored, and the composition withholds anything
 * that looks like one all the same.
 */
@Injectable()
export class HandoverService {
  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly catalogue: CatalogueService,
    private readonly checklist: ChecklistService,
  ) {}

  /** `idOrAppId`: the mini-program's id or its AppID; another organization's answers 404, like none. */
  async prepare(ctx: AuthContext, idOrAppId: string, locale: ExportLocale): Promise<PreparedHandover> {
    const where = UUID.test(idOrAppId) ? { id: idOrAppId } : isAppId(idOrAppId) ? { appId: idOrAppId } : null;
    if (!where) {
      throw DomainError.invalid([
        { field: 'miniProgram', rule: 'must be a mini-program id (UUID) or an AppID (wx + 16 hex)' },
      ]);
    }
    const mp = await this.db
      .getRepository(MiniProgramEntity)
      .findOneBy({ ...where, organizationId: ctx.organizationId });
    if (!mp) throw DomainError.notFound('Mini-program');
    const org = await this.db.getRepository(OrganizationEntity).findOneByOrFail({ id: ctx.organizationId });
    const now = this.clock.now();
    const today = localDateOf(now, org.timeZone);
    const orgId = org.id;

    const vendor = mp.vendorId
      ? await this.db.getRepository(VendorEntity).findOneBy({ id: mp.vendorId, organizationId: orgId })
      : null;
    const [assets, subjectDeadlines, qualifications, contacts] = await Promise.all([
      this.db.getRepository(AssetEntity).find({
        where: { organizationId: orgId, miniProgramId: mp.id },
        order: { kind: 'ASC', createdAt: 'ASC', id: 'ASC' },
      }),
      this.db.query<{ kind: string; subject_key: string; due_on: string }[]>(
        `SELECT kind, subject_key, due_on FROM deadlines
          WHERE organization_id = $1 AND mini_program_id = $2 AND state = ANY($3::text[])
          ORDER BY due_on, id`,
        [orgId, mp.id, LIVE_STATES],
      ),
      this.db.query<
        {
          requirement_code: string;
          number: string | null;
          issuer: string | null;
          issued_on: string | null;
          expires_on: string | null;
          original_held_by: 'owner' | 'vendor' | 'third_party';
        }[]
      >(
        `SELECT requirement_code, number, issuer, issued_on, expires_on, original_held_by FROM qualifications
          WHERE organization_id = $1 AND mini_program_id = $2 ORDER BY requirement_code, id`,
        [orgId, mp.id],
      ),
      this.db.query<{ name: string; role: string; email: string; vendor_id: string | null }[]>(
        `SELECT name, role, email, vendor_id FROM contacts
          WHERE organization_id = $1 AND (vendor_id IS NULL OR vendor_id = $2) ORDER BY created_at, id`,
        [orgId, mp.vendorId],
      ),
    ]);
    const prepared = await this.checklist.prepare(ctx, { miniProgramId: mp.id }, locale);
    const deadlines: HandoverDeadline[] = [];
    for await (const row of prepared.rows()) deadlines.push(row);

    const catalogue = this.catalogue.forOrganization(org.catalogueOverrides);
    const input: HandoverInput = {
      organizationName: org.name,
      timeZone: org.timeZone,
      generatedAt: now,
      today,
      miniProgram: {
        name: mp.name,
        appId: mp.appId,
        ownerName: mp.ownerName,
        ownerCreditCode: mp.ownerCreditCode,
        serviceCategories: mp.serviceCategories,
        certificationExpiresOn: mp.certificationExpiresOn,
        icpFilingNumber: mp.icpFilingNumber,
        serverDomains: mp.serverDomains,
      },
      vendor: vendor && {
        name: vendor.name,
        status: vendor.status,
        since: localDateOf(vendor.statusSince, org.timeZone),
        reason: vendor.statusReason,
        evidence: vendor.statusEvidence,
        contractEndsOn: vendor.contractEndsOn,
      },
      subjectDeadlines: subjectDeadlines.map((d) => ({
        kind: d.kind,
        subjectKey: d.subject_key,
        dueOn: d.due_on,
      })),
      assets: assets.map((a) => ({
        kind: a.kind,
        holder: a.holder,
        location: a.location,
        notes: a.notes,
        lastVerifiedOn: a.lastVerifiedOn,
      })),
      deadlines,
      qualifications: qualifications.map((q) => ({
        code: q.requirement_code,
        name: this.catalogue.localized(q.requirement_code, locale, catalogue)?.name ?? q.requirement_code,
        number: q.number,
        issuer: q.issuer,
        issuedOn: q.issued_on,
        expiresOn: q.expires_on,
        originalHeldBy: q.original_held_by,
      })),
      ownerContacts: contacts.filter((c) => c.vendor_id === null),
      vendorContacts: contacts.filter((c) => c.vendor_id !== null),
    };
    const pack = composeHandover(input, locale);
    return {
      pack,
      fileName: (format) =>
        exportFileName({
          prefix: 'mp-guard-handover',
          scopeLabel: mp.name,
          appId: mp.appId,
          asciiScope: mp.appId,
          date: today,
          ext: format,
        }),
    };
  }
}
