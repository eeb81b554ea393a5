import type { Offset, Requirement } from '../../../catalogue/src/index.js';
import {
  addDays,
  addMonths,
  isWorkingDay,
  lastWorkingDayOnOrBefore,
  localDateParts,
  minLocalDate,
  subtractWorkingDays,
  weakerBasis,
  type CalendarBasis,
  type LocalDate,
} from '../time/index.js';

export type DeadlineKind =
  | 'annual_review'
  | 'qualification_expiry'
  | 'icp_annual_report'
  | 'enterprise_annual_report'
  | 'vendor_contract_end'
  | 'certificate_expiry'
  | 'custom';

export type CustomRecurrence = 'none' | 'monthly' | 'yearly';

/** One cycle of one obligation: what the `deadlines` table stores a row for. */
export interface DeadlineCycle {
  kind: DeadlineKind;
  /**
   * Stable identity of the obligation across cycles: 'annual_review', 'qualification:<id>',
   * 'icp_annual_report', 'vendor_contract:<vendorId>', 'custom:<customId>'.
   */
  subjectKey: string;
  requirementCode: string | null;
  dueDate: LocalDate;
  /** When renewal can start and reminders begin; never after `actBy`. */
  windowOpensOn: LocalDate;
  /** Latest safe date to apply, by the requirement's rule (calendar days, months or working days). */
  applyBy: LocalDate;
  /** `applyBy`, or the last working day before it when it falls on a day off. */
  actBy: LocalDate;
  dueIsDayOff: boolean;
  /** `weekends-only` when a year involved has no official holiday data, so the dates may move. */
  calendarBasis: CalendarBasis;
  /** Unique together with `subjectKey`: the due date, or the year for the ICP annual report. */
  cycleKey: string;
  /** Custom deadlines only. */
  title: string | null;
  /** Custom recurring deadlines only: the original date whose day of month every occurrence keeps. */
  recurrence: { every: 'month' | 'year'; anchorDate: LocalDate } | null;
}

interface DateWithBasis {
  date: LocalDate;
  basis: CalendarBasis;
}

export function dateBefore(due: LocalDate, offset: Pick<Offset, 'amount' | 'unit'>): DateWithBasis {
  switch (offset.unit) {
    case 'days':
      return { date: addDays(due, -offset.amount), basis: 'official-calendar' };
    case 'months':
      return { date: addMonths(due, -offset.amount), basis: 'official-calendar' };
    case 'working_days':
      return subtractWorkingDays(due, offset.amount);
  }
}

interface CycleFields {
  kind: DeadlineKind;
  subjectKey: string;
  requirementCode: string | null;
  dueDate: LocalDate;
  cycleKey: string;
  title?: string | null;
  recurrence?: DeadlineCycle['recurrence'];
}

/** Fills in the derived dates from an explicit window-open date and apply-by date. */
export function completeCycle(
  fields: CycleFields,
  windowOpensOn: LocalDate,
  applyBy: DateWithBasis,
): DeadlineCycle {
  const actBy = lastWorkingDayOnOrBefore(applyBy.date);
  const due = isWorkingDay(fields.dueDate);
  return {
    kind: fields.kind,
    subjectKey: fields.subjectKey,
    requirementCode: fields.requirementCode,
    dueDate: fields.dueDate,
    windowOpensOn: minLocalDate(windowOpensOn, actBy.date),
    applyBy: applyBy.date,
    actBy: actBy.date,
    dueIsDayOff: !due.working,
    calendarBasis: weakerBasis(applyBy.basis, actBy.basis, due.basis),
    cycleKey: fields.cycleKey,
    title: fields.title ?? null,
    recurrence: fields.recurrence ?? null,
  };
}

/** A cycle whose dates follow a catalogue requirement's schedule. */
export function cycleFromRequirement(fields: CycleFields, requirement: Requirement): DeadlineCycle {
  const { schedule } = requirement;
  const applyBy = dateBefore(fields.dueDate, schedule.applyBy);
  const windowOpensOn =
    schedule.type === 'before_due'
      ? dateBefore(fields.dueDate, schedule.windowOpensBefore).date
      : `${String(localDateParts(fields.dueDate).year).padStart(4, '0')}-${schedule.opens}`;
  return completeCycle(fields, windowOpensOn, applyBy);
}
