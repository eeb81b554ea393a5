import { Registry1764090000000 } from './1764090000000-Registry.js';
import { Deadlines1764100000000 } from './1764100000000-Deadlines.js';
import { Notifications1764110000000 } from './1764110000000-Notifications.js';
import { CalendarFeeds1764120000000 } from './1764120000000-CalendarFeeds.js';
import { Continuity1764130000000 } from './1764130000000-Continuity.js';
import { CertificateWatch1764140000000 } from './1764140000000-CertificateWatch.js';
import { RegistryListIndexes1764160000000 } from './1764160000000-RegistryListIndexes.js';
import { ReminderPromise1764200000000 } from './1764200000000-ReminderPromise.js';
import { CertificateOutboundGuard1764220000000 } from './1764220000000-CertificateOutboundGuard.js';
import { EnterpriseAnnualReport1764230000000 } from './1764230000000-EnterpriseAnnualReport.js';
import { People1764240000000 } from './1764240000000-People.js';
import { WechatSync1764250000000 } from './1764250000000-WechatSync.js';
import { LargeOrganizations1764270000000 } from './1764270000000-LargeOrganizations.js';
import { AuditEventPublicIds1764280000000 } from './1764280000000-AuditEventPublicIds.js';
import { Channels1764300000000 } from './1764300000000-Channels.js';
import { Digests1764310000000 } from './1764310000000-Digests.js';
import { ConsoleLocale1764330000000 } from './1764330000000-ConsoleLocale.js';
import { HistoryPageIndexes1764340000000 } from './1764340000000-HistoryPageIndexes.js';
import { ConsoleSearchIndexes1764350000000 } from './1764350000000-ConsoleSearchIndexes.js';
import { DomainRegistrationRdap1764360000000 } from './1764360000000-DomainRegistrationRdap.js';
import { LargeOrganizationReads1764375000000 } from './1764375000000-LargeOrganizationReads.js';
import { ComplianceGaps1764380000000 } from './1764380000000-ComplianceGaps.js';
import { ConsoleShortSearch1764381000000 } from './1764381000000-ConsoleShortSearch.js';
import { OwnerAnnualReport1764390000000 } from './1764390000000-OwnerAnnualReport.js';
import { ShortSearchNamesOnly1764400000000 } from './1764400000000-ShortSearchNamesOnly.js';

/** Every migration, oldest first. ESM cannot glob, so each one is listed here. */
export const migrations = [
  Registry1764090000000,
  Deadlines1764100000000,
  Notifications1764110000000,
  CalendarFeeds1764120000000,
  Continuity1764130000000,
  CertificateWatch1764140000000,
  RegistryListIndexes1764160000000,
  ReminderPromise1764200000000,
  CertificateOutboundGuard1764220000000,
  EnterpriseAnnualReport1764230000000,
  People1764240000000,
  WechatSync1764250000000,
  LargeOrganizations1764270000000,
  AuditEventPublicIds1764280000000,
  Channels1764300000000,
  Digests1764310000000,
  ConsoleLocale1764330000000,
  HistoryPageIndexes1764340000000,
  ConsoleSearchIndexes1764350000000,
  DomainRegistrationRdap1764360000000,
  LargeOrganizationReads1764375000000,
  ComplianceGaps1764380000000,
  ConsoleShortSearch1764381000000,
  OwnerAnnualReport1764390000000,
  ShortSearchNamesOnly1764400000000,
];
