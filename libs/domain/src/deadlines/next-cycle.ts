import type { Catalogue } from '../../../catalogue/src/index.js';
import { addDays, addYears, compareLocalDates, parseLocalDate, type LocalDate } from '../time/index.js';
import { DeadlineError, DeadlineErrorCode } from './deadline.error.js';
import { cycleFromRequirement, type DeadlineCycle } from './deadline-cycle.js';
import {
  ANNUAL_REVIEW_CODE,
  customCycle,
  enterpriseAnnualReportCycle,
  icpAnnualReportCycle,
  occurrenceOnOrAfter,
  qualificationKind,
  requireRequirement,
  VENDOR_CONTRACT_CODE,
} from './derive-deadlines.js';

export interface NextCycleOptions {
  /** The expiry after renewal (new certificate, licence or contract end); required when it cannot be computed. */
  newExpiry?: LocalDate;
}

/**
 * The cycle that follows when `cycle` is completed, or null when the obligation ends (a one-off custom
 * deadline; a vendor contract not renewed). Throws `DeadlineError` when a new expiry is needed and missing,
 * or is not after the completed cycle's due date.
 */
export function nextCycle(
  cycle: DeadlineCycle,
  options: NextCycleOptions,
  catalogue: Catalogue,
): DeadlineCycle | null {
  const newExpiry = options.newExpiry === undefined ? undefined : parseLocalDate(options.newExpiry);
  if (newExpiry !== undefined && compareLocalDates(newExpiry, cycle.dueDate) <= 0) {
    throw new DeadlineError(
      DeadlineErrorCode.NewExpiryNotAfterDue,
      `The new expiry ${newExpiry} must be after the completed cycle's due date ${cycle.dueDate}`,
      'newExpiry',
    );
  }

  switch (cycle.kind) {
    case 'icp_annual_report':
      return icpAnnualReportCycle(Number(cycle.cycleKey) + 1, catalogue);

    case 'enterprise_annual_report':
      return enterpriseAnnualReportCycle(Number(cycle.cycleKey) + 1, catalogue);

    case 'custom': {
      if (!cycle.recurrence) return null;
      const { every, anchorDate } = cycle.recurrence;
      const due = occurrenceOnOrAfter(anchorDate, every, addDays(cycle.dueDate, 1));
      const id = cycle.subjectKey.slice('custom:'.length);
      const recurrence = every === 'month' ? 'monthly' : 'yearly';
      return customCycle({ id, title: cycle.title ?? '', dueOn: anchorDate, recurrence }, due);
    }

    case 'vendor_contract_end': {
      if (newExpiry === undefined) return null;
      const requirement = requireRequirement(
        catalogue,
        cycle.requirementCode ?? VENDOR_CONTRACT_CODE,
        'requirementCode',
      );
      return cycleFromRequirement({ ...cycle, dueDate: newExpiry, cycleKey: newExpiry }, requirement);
    }

    case 'annual_review':
    case 'qualification_expiry':
    case 'certificate_expiry': {
      const code = cycle.requirementCode ?? (cycle.kind === 'annual_review' ? ANNUAL_REVIEW_CODE : null);
      if (code === null) throw new RangeError(`A ${cycle.kind} cycle needs a requirement code`);
      const requirement = requireRequirement(catalogue, code, 'requirementCode');
      let due = newExpiry;
      if (due === undefined) {
        if (requirement.validity.type !== 'fixed') {
          throw new DeadlineError(
            DeadlineErrorCode.NewExpiryRequired,
            `The validity of '${code}' is not fixed: give the new expiry date`,
            'newExpiry',
          );
        }
        due = addYears(cycle.dueDate, requirement.validity.years);
      }
      const kind = cycle.kind === 'annual_review' ? 'annual_review' : qualificationKind(requirement);
      return cycleFromRequirement({ ...cycle, kind, dueDate: due, cycleKey: due }, requirement);
    }
  }
}
