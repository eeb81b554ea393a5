import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageInfo } from '../../common/src/pagination.js';
import {
  type ServiceCategoryNotice,
  UNKNOWN_SERVICE_CATEGORY,
  unknownServiceCategories,
} from '../../domain/src/validation/index.js';
import type { ContactEntity } from './contact.entity.js';
import { CONTACT_ROLES, LOCALES, REMINDER_MODES } from './contact.entity.js';
import type { MiniProgramEntity } from './mini-program.entity.js';
import type { QualificationEntity } from './qualification.entity.js';
import { HOLDERS } from './qualification.entity.js';
import type { VendorEntity } from './vendor.entity.js';
import { VENDOR_STATUSES } from './vendor.entity.js';

export class ContactResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'Full name.' }) name!: string;
  @ApiProperty({ description: 'E-mail address reminders go to.' }) email!: string;
  @ApiProperty({ enum: CONTACT_ROLES, description: 'Escalation role.' }) role!: string;
  @ApiProperty({ enum: LOCALES, description: 'Language of the mails.' }) locale!: string;
  @ApiProperty({ nullable: true, type: String, description: 'Phone number.' }) phone!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    format: 'uuid',
    description: "The vendor this person works for; null for the owner's people.",
  })
  vendorId!: string | null;
  @ApiProperty({ enum: REMINDER_MODES, description: 'One mail per stage, or a daily digest.' })
  reminderMode!: string;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: "Local hour of the daily digest; null: the organization's send hour.",
  })
  digestHour!: number | null;
  @ApiProperty({ description: 'When the record was created (UTC).' }) createdAt!: string;
  @ApiProperty({ description: 'When the record last changed (UTC).' }) updatedAt!: string;

  static of(e: ContactEntity): ContactResponse {
    return {
      id: e.id,
      name: e.name,
      email: e.email,
      role: e.role,
      locale: e.locale,
      phone: e.phone,
      vendorId: e.vendorId,
      reminderMode: e.reminderMode,
      digestHour: e.digestHour,
      createdAt: e.createdAt.toISOString(),
      updatedAt: e.updatedAt.toISOString(),
    };
  }
}

export class VendorResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'Vendor name.' }) name!: string;
  @ApiProperty({ nullable: true, type: String, description: 'Unified social credit code.' }) creditCode!:
    string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Contract end date, YYYY-MM-DD.' })
  contractEndsOn!: string | null;
  @ApiProperty({ enum: VENDOR_STATUSES, description: 'Whether the vendor still answers.' }) status!: string;
  @ApiProperty({ description: 'Since when the status holds (UTC instant).' }) statusSince!: string;
  @ApiProperty({ nullable: true, type: String, description: 'Why the status changed.' }) statusReason!:
    string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The evidence of the status.' })
  statusEvidence!: string | null;
  @ApiProperty({ type: [ContactResponse], description: "The vendor's people." }) contacts!: ContactResponse[];
  @ApiProperty({ description: 'Mini-programs this vendor serves.' }) miniProgramCount!: number;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;

  static of(e: VendorEntity, contacts: ContactEntity[], miniProgramCount: number): VendorResponse {
    return {
      id: e.id,
      name: e.name,
      creditCode: e.creditCode,
      contractEndsOn: e.contractEndsOn,
      status: e.status,
      statusSince: e.statusSince.toISOString(),
      statusReason: e.statusReason,
      statusEvidence: e.statusEvidence,
      contacts: contacts.map((c) => ContactResponse.of(c)),
      miniProgramCount,
      createdAt: e.createdAt.toISOString(),
      updatedAt: e.updatedAt.toISOString(),
    };
  }
}

export class QualificationResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid', description: 'The mini-program holding it.' }) miniProgramId!: string;
  @ApiProperty({ description: 'Catalogue requirement code.' }) requirementCode!: string;
  @ApiProperty({ nullable: true, type: String, description: 'Certificate number.' }) number!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Issuing authority.' }) issuer!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Date of issue.' }) issuedOn!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Expiry date.' }) expiresOn!: string | null;
  @ApiProperty({ enum: HOLDERS, description: 'Who holds the original.' }) originalHeldBy!: string;
  @ApiProperty({
    enum: ['owner', 'rdap'],
    description: 'Where expiresOn came from: entered by the owner (never overwritten), or read over RDAP.',
  })
  expirySource!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;

  static of(e: QualificationEntity): QualificationResponse {
    return {
      id: e.id,
      miniProgramId: e.miniProgramId,
      requirementCode: e.requirementCode,
      number: e.number,
      issuer: e.issuer,
      issuedOn: e.issuedOn,
      expiresOn: e.expiresOn,
      originalHeldBy: e.originalHeldBy,
      expirySource: e.expirySource,
      createdAt: e.createdAt.toISOString(),
      updatedAt: e.updatedAt.toISOString(),
    };
  }
}

export class VendorSummary {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: VENDOR_STATUSES }) status!: string;
}

/** Accepted but worth the owner's attention; today only a service category the catalogue does not know. */
export class MiniProgramWarning {
  @ApiProperty({ example: 'serviceCategories[1]' }) field!: string;
  @ApiProperty({ enum: [UNKNOWN_SERVICE_CATEGORY] }) rule!: string;
  @ApiProperty({ example: '金融 > 支付' }) value!: string;
  @ApiProperty({
    example: 'unknown service category: the qualifications it needs cannot be judged',
  })
  message!: string;
  @ApiProperty({ type: [String], description: 'Catalogue paths the owner may have meant, closest first.' })
  nearMatches!: string[];

  static of(notice: ServiceCategoryNotice): MiniProgramWarning {
    return {
      field: `serviceCategories[${notice.index}]`,
      rule: notice.rule,
      value: notice.value,
      message: 'unknown service category: the qualifications it needs cannot be judged',
      nearMatches: notice.nearMatches,
    };
  }
}

export class MiniProgramResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'WeChat AppID.' }) appId!: string;
  @ApiProperty({ description: 'Name.' }) name!: string;
  @ApiProperty({ description: 'Owner entity (主体).' }) ownerName!: string;
  @ApiProperty({ description: "Owner's unified social credit code." }) ownerCreditCode!: string;
  @ApiProperty({ type: [String], description: 'WeChat service categories.' }) serviceCategories!: string[];
  @ApiProperty({ type: [String], description: 'Features with requirements of their own.' })
  features!: string[];
  @ApiPropertyOptional({ type: VendorSummary, nullable: true, description: 'The vendor, if any.' })
  vendor!: VendorSummary | null;
  @ApiProperty({ nullable: true, type: String, description: 'WeChat certification expiry.' })
  certificationExpiresOn!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'ICP filing number.' }) icpFilingNumber!:
    string | null;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'Beds of the medical institution (drives 校验).',
  })
  bedCount!: number | null;
  @ApiProperty({ type: [String], description: 'Server domains.' }) serverDomains!: string[];
  @ApiProperty({ nullable: true, type: String, description: 'Notes.' }) notes!: string | null;
  @ApiProperty({ type: [QualificationResponse], description: 'Qualifications held.' })
  qualifications!: QualificationResponse[];
  @ApiProperty({
    type: [MiniProgramWarning],
    description:
      'What was accepted but needs attention: a service category no catalogue entry maps, whose ' +
      'qualifications therefore cannot be judged (WeChat publishes no fixed category list).',
  })
  warnings!: MiniProgramWarning[];
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;

  static of(
    e: MiniProgramEntity,
    vendor: Pick<VendorEntity, 'id' | 'name' | 'status'> | null,
    qualifications: QualificationEntity[],
    knownCategoryPaths: readonly string[],
  ): MiniProgramResponse {
    return {
      id: e.id,
      appId: e.appId,
      name: e.name,
      ownerName: e.ownerName,
      ownerCreditCode: e.ownerCreditCode,
      serviceCategories: e.serviceCategories,
      features: e.features,
      vendor: vendor ? { id: vendor.id, name: vendor.name, status: vendor.status } : null,
      certificationExpiresOn: e.certificationExpiresOn,
      icpFilingNumber: e.icpFilingNumber,
      bedCount: e.bedCount,
      serverDomains: e.serverDomains,
      notes: e.notes,
      qualifications: qualifications.map((q) => QualificationResponse.of(q)),
      warnings: unknownServiceCategories(e.serviceCategories, knownCategoryPaths).map((n) =>
        MiniProgramWarning.of(n),
      ),
      createdAt: e.createdAt.toISOString(),
      updatedAt: e.updatedAt.toISOString(),
    };
  }
}

/** The mini-program list counts matches only up to a limit: a count of 100,000 rows costs as much as reading them. */
export class CountedPageInfo extends PageInfo {
  @ApiProperty({
    description:
      'Rows matching the filters, counted up to 1,000 or to the end of this page if that is further. ' +
      'When more match, `totalIsExact` is false and `total` is a lower bound (at least this many match).',
  })
  declare total: number;
  @ApiProperty({ description: 'True when `total` is the exact number of matching rows.' })
  totalIsExact!: boolean;
}

export class MiniProgramPage {
  @ApiProperty({ type: [MiniProgramResponse] }) items!: MiniProgramResponse[];
  @ApiProperty({ type: CountedPageInfo }) page!: CountedPageInfo;
}
export class ContactPage {
  @ApiProperty({ type: [ContactResponse] }) items!: ContactResponse[];
  @ApiProperty({ type: PageInfo }) page!: PageInfo;
}
export class VendorPage {
  @ApiProperty({ type: [VendorResponse] }) items!: VendorResponse[];
  @ApiProperty({ type: PageInfo }) page!: PageInfo;
}
