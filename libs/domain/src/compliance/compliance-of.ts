import {
  findRequirement,
  requirementsFor,
  type Catalogue,
  type RequirementReason,
} from '../../../catalogue/src/index.js';
import { daysBetween, type LocalDate } from '../time/index.js';

export type ComplianceState = 'valid' | 'expiring' | 'expired' | 'missing';

export interface ComplianceItem {
  requirementCode: string;
  reason: RequirementReason;
  /** Every reason the requirement applies; `reason` is the first of them. */
  reasons: RequirementReason[];
  state: ComplianceState;
  qualificationId?: string;
  expiresOn?: LocalDate | null;
}

export interface ComplianceSubject {
  serviceCategories: readonly string[];
  features: readonly string[];
  certificationExpiresOn: LocalDate | null;
  /** A recorded filing number satisfies the mini-program ICP filing, which never expires. */
  icpFilingNumber?: string | null;
  hasVendor?: boolean;
}

export interface HeldQualification {
  id: string;
  requirementCode: string;
  expiresOn: LocalDate | null;
}

const ANNUAL_REVIEW_CODE = 'wechat_certification_annual_review';
const ICP_FILING_CODE = 'mini_program_icp_filing';

function stateOf(expiresOn: LocalDate | null, today: LocalDate, expiringWithinDays: number): ComplianceState {
  if (expiresOn === null) return 'valid';
  const days = daysBetween(today, expiresOn);
  if (days < 0) return 'expired';
  return days <= expiringWithinDays ? 'expiring' : 'valid';
}

function laterExpiry(a: HeldQualification, b: HeldQualification): HeldQualification {
  if (a.expiresOn === null) return a;
  if (b.expiresOn === null) return b;
  return daysBetween(a.expiresOn, b.expiresOn) > 0 ? b : a;
}

/**
 * What a mini-program must hold, and whether it does, as of `today`. A requirement whose category or
 * feature needs it and that nobody registered is `missing`. When several qualifications fulfil one
 * requirement the one that lasts longest counts. A qualification without an expiry counts as valid.
 * Yearly reports and vendor contracts are deadlines, not holdings, so they are left out.
 * The annual review is judged on `certificationExpiresOn` (null means not certified: `missing`).
 */
export function complianceOf(
  subject: ComplianceSubject,
  qualifications: readonly HeldQualification[],
  catalogue: Catalogue,
  today: LocalDate,
  expiringWithinDays = 90,
): ComplianceItem[] {
  const required = requirementsFor(subject, catalogue);
  const items: ComplianceItem[] = [];
  for (const { code, reasons } of required) {
    const requirement = findRequirement(catalogue, code);
    if (
      !requirement ||
      !requirement.held ||
      requirement.kind === 'annual_report' ||
      requirement.kind === 'contract'
    )
      continue;
    const base = { requirementCode: code, reason: reasons[0], reasons };

    if (code === ANNUAL_REVIEW_CODE) {
      const expiresOn = subject.certificationExpiresOn;
      items.push({
        ...base,
        state: expiresOn === null ? 'missing' : stateOf(expiresOn, today, expiringWithinDays),
        expiresOn,
      });
      continue;
    }

    const held = qualifications.filter((q) => q.requirementCode === code);
    if (held.length === 0 && code === ICP_FILING_CODE && subject.icpFilingNumber) {
      items.push({ ...base, state: 'valid', expiresOn: null });
      continue;
    }
    if (held.length === 0) {
      items.push({ ...base, state: 'missing' });
      continue;
    }
    const best = held.reduce(laterExpiry);
    items.push({
      ...base,
      state: stateOf(best.expiresOn, today, expiringWithinDays),
      qualificationId: best.id,
      expiresOn: best.expiresOn,
    });
  }
  return items;
}
