import { findRequirement, type Catalogue, type Requirement } from '../../../catalogue/src/index.js';
import { addDays, addMonths, compareLocalDates, localDateParts, type LocalDate } from '../time/index.js';
import { DeadlineError, DeadlineErrorCode } from './deadline.error.js';
import {
  completeCycle,
  cycleFromRequirement,
  type CustomRecurrence,
  type DeadlineCycle,
  type DeadlineKind,
} from './deadline-cycle.js';
import { periodicDueDate } from './periodic-checks.js';

export const ANNUAL_REVIEW_CODE = 'wechat_certification_annual_review';
export const ICP_LICENCE_CODE = 'icp_vas_licence';
export const ICP_ANNUAL_REPORT_CODE = 'icp_annual_report';
export const ENTERPRISE_ANNUAL_REPORT_CODE = 'enterprise_annual_report';
export const VENDOR_CONTRACT_CODE = 'vendor_contract';
/** Custom deadlines have no catalogue rule; their window opens with the first stage of the default ladder. */
export const CUSTOM_WINDOW_DAYS = 90;

export interface DeadlineQualificationInput {
  id: string;
  requirementCode: string;
  expiresOn: LocalDate | null;
  /** For periodic checks (校验, 等保): the date of the last one, from which the next is counted. */
  issuedOn?: LocalDate | null;
}

export interface CustomDeadlineInput {
  id: string;
  title: string;
  dueOn: LocalDate;
  recurrence: CustomRecurrence;
}

export interface DeriveDeadlinesInput {
  miniProgram: {
    id: string;
    /** Null when the mini-program is not certified (or the date is unknown): no annual-review cycle. */
    certificationExpiresOn: LocalDate | null;
    serviceCategories: readonly string[];
    features: readonly string[];
    /** Holding the ICP/EDI licence brings the yearly report, also when the licence is not registered. */
    icpLicenceHeld?: boolean;
    /** Beds of the medical institution: its 校验 is yearly under 100, every 3 years otherwise. */
    bedCount?: number | null;
  };
  qualifications: readonly DeadlineQualificationInput[];
  vendor: { id: string; contractEndsOn: LocalDate | null } | null;
  customDeadlines: readonly CustomDeadlineInput[];
}

export function requireRequirement(catalogue: Catalogue, code: string, field: string): Requirement {
  const requirement = findRequirement(catalogue, code);
  if (!requirement) {
    throw new DeadlineError(
      DeadlineErrorCode.UnknownRequirement,
      `Unknown catalogue requirement '${code}'`,
      field,
    );
  }
  return requirement;
}

export function qualificationKind(requirement: Requirement): DeadlineKind {
  return requirement.kind === 'certificate' ? 'certificate_expiry' : 'qualification_expiry';
}

/** The ICP annual-report cycle for the window of `year` (due on the window's last day). */
export function icpAnnualReportCycle(year: number, catalogue: Catalogue): DeadlineCycle {
  const requirement = requireRequirement(catalogue, ICP_ANNUAL_REPORT_CODE, 'icpAnnualReport');
  if (requirement.schedule.type !== 'yearly_window') {
    throw new RangeError(`${ICP_ANNUAL_REPORT_CODE} must have a yearly_window schedule`);
  }
  const yyyy = String(year).padStart(4, '0');
  return cycleFromRequirement(
    {
      kind: 'icp_annual_report',
      subjectKey: 'icp_annual_report',
      requirementCode: requirement.code,
      dueDate: `${yyyy}-${requirement.schedule.closes}`,
      cycleKey: yyyy,
    },
    requirement,
  );
}

/**
 * The enterprise annual report (企业年报) for the window of `year`, due on its last day (30 June): an
 * obligation of the owner entity, not of a mini-program (see `deriveOwnerDeadlines`).
 */
export function enterpriseAnnualReportCycle(year: number, catalogue: Catalogue): DeadlineCycle {
  const requirement = requireRequirement(catalogue, ENTERPRISE_ANNUAL_REPORT_CODE, 'enterpriseAnnualReport');
  if (requirement.schedule.type !== 'yearly_window') {
    throw new RangeError(`${ENTERPRISE_ANNUAL_REPORT_CODE} must have a yearly_window schedule`);
  }
  const yyyy = String(year).padStart(4, '0');
  return cycleFromRequirement(
    {
      kind: 'enterprise_annual_report',
      subjectKey: 'enterprise_annual_report',
      requirementCode: requirement.code,
      dueDate: `${yyyy}-${requirement.schedule.closes}`,
      cycleKey: yyyy,
    },
    requirement,
  );
}

/** The first occurrence of a monthly or yearly series on or after `from`, keeping the anchor's day of month. */
export function occurrenceOnOrAfter(anchor: LocalDate, every: 'month' | 'year', from: LocalDate): LocalDate {
  if (compareLocalDates(anchor, from) >= 0) return anchor;
  const step = every === 'month' ? 1 : 12;
  const a = localDateParts(anchor);
  const f = localDateParts(from);
  let k = Math.floor(((f.year - a.year) * 12 + (f.month - a.month)) / step);
  // Always step from the anchor, never from the previous occurrence, so 31 Jan -> 28 Feb -> 31 Mar.
  while (compareLocalDates(addMonths(anchor, k * step), from) < 0) k += 1;
  return addMonths(anchor, k * step);
}

export function customCycle(custom: CustomDeadlineInput, dueDate: LocalDate): DeadlineCycle {
  const every = custom.recurrence === 'monthly' ? 'month' : custom.recurrence === 'yearly' ? 'year' : null;
  return completeCycle(
    {
      kind: 'custom',
      subjectKey: `custom:${custom.id}`,
      requirementCode: null,
      dueDate,
      cycleKey: dueDate,
      title: custom.title,
      recurrence: every ? { every, anchorDate: custom.dueOn } : null,
    },
    addDays(dueDate, -CUSTOM_WINDOW_DAYS),
    { date: dueDate, basis: 'official-calendar' },
  );
}

/**
 * The current open cycle of every obligation of one mini-program. Expiry-based cycles stay on their
 * registered date even when it has passed (they are overdue until renewed); the ICP annual report is the
 * next window not yet closed as of `today`; recurring custom deadlines roll to their next occurrence on or
 * after `today`, one-off ones stay where they are.
 */
export function deriveDeadlines(
  input: DeriveDeadlinesInput,
  catalogue: Catalogue,
  today: LocalDate,
): DeadlineCycle[] {
  const cycles: DeadlineCycle[] = [];
  const { miniProgram } = input;

  if (miniProgram.certificationExpiresOn !== null) {
    const requirement = requireRequirement(
      catalogue,
      ANNUAL_REVIEW_CODE,
      'miniProgram.certificationExpiresOn',
    );
    const due = miniProgram.certificationExpiresOn;
    cycles.push(
      cycleFromRequirement(
        {
          kind: 'annual_review',
          subjectKey: 'annual_review',
          requirementCode: requirement.code,
          dueDate: due,
          cycleKey: due,
        },
        requirement,
      ),
    );
  }

  input.qualifications.forEach((qualification, i) => {
    const requirement = requireRequirement(
      catalogue,
      qualification.requirementCode,
      `qualifications[${i}].requirementCode`,
    );
    const due = periodicDueDate(
      requirement.code,
      { issuedOn: qualification.issuedOn ?? null, expiresOn: qualification.expiresOn },
      miniProgram.bedCount ?? null,
    );
    if (due === null) return;
    cycles.push(
      cycleFromRequirement(
        {
          kind: qualificationKind(requirement),
          subjectKey: `qualification:${qualification.id}`,
          requirementCode: requirement.code,
          dueDate: due,
          cycleKey: due,
        },
        requirement,
      ),
    );
  });

  const holdsIcpLicence =
    miniProgram.icpLicenceHeld === true ||
    input.qualifications.some((q) => q.requirementCode === ICP_LICENCE_CODE);
  if (holdsIcpLicence) {
    const { year } = localDateParts(today);
    const thisYear = icpAnnualReportCycle(year, catalogue);
    cycles.push(
      compareLocalDates(today, thisYear.dueDate) > 0 ? icpAnnualReportCycle(year + 1, catalogue) : thisYear,
    );
  }

  if (input.vendor && input.vendor.contractEndsOn !== null) {
    const requirement = requireRequirement(catalogue, VENDOR_CONTRACT_CODE, 'vendor.contractEndsOn');
    const due = input.vendor.contractEndsOn;
    cycles.push(
      cycleFromRequirement(
        {
          kind: 'vendor_contract_end',
          subjectKey: `vendor_contract:${input.vendor.id}`,
          requirementCode: requirement.code,
          dueDate: due,
          cycleKey: due,
        },
        requirement,
      ),
    );
  }

  for (const custom of input.customDeadlines) {
    const due =
      custom.recurrence === 'none'
        ? custom.dueOn
        : occurrenceOnOrAfter(custom.dueOn, custom.recurrence === 'monthly' ? 'month' : 'year', today);
    cycles.push(customCycle(custom, due));
  }

  return cycles;
}
