import { DeadlineEntity } from '../../deadlines/src/deadline.entity.js';
import { AuditEventEntity } from '../../audit/src/audit-event.entity.js';
import { ApiKeyEntity } from '../../auth/src/api-key.entity.js';
import { OrganizationEntity } from '../../auth/src/organization.entity.js';
import { ContactEntity } from '../../registry/src/contact.entity.js';
import { MiniProgramEntity } from '../../registry/src/mini-program.entity.js';
import { QualificationEntity } from '../../registry/src/qualification.entity.js';
import { VendorEntity } from '../../registry/src/vendor.entity.js';
import { CalendarFeedEntity } from '../../exports/src/calendar-feed.entity.js';
import { AssetEntity } from '../../continuity/src/asset.entity.js';
import { CertificateCheckEntity } from '../../certificates/src/certificate-check.entity.js';

/** Every entity, listed explicitly (ESM cannot glob). */
export const entities = [
  OrganizationEntity,
  ApiKeyEntity,
  AuditEventEntity,
  ContactEntity,
  VendorEntity,
  MiniProgramEntity,
  QualificationEntity,
  DeadlineEntity,
  CalendarFeedEntity,
  AssetEntity,
  CertificateCheckEntity,
];
