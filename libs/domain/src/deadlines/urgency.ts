import { compareLocalDates, daysBetween, isValidLocalDate, type LocalDate } from '../time/index.js';
import type { DeadlineCycle } from './deadline-cycle.js';

export type Urgency = 'overdue' | 'due_7' | 'due_30' | 'due_90' | 'later';

/** Measured against the due date, like the reminder ladder; a cycle due today is `due_7`, not overdue. */
export function urgencyOf(cycle: Pick<DeadlineCycle, 'dueDate'>, today: LocalDate): Urgency {
  const days = daysBetween(today, cycle.dueDate);
  if (days < 0) return 'overdue';
  if (days <= 7) return 'due_7';
  if (days <= 30) return 'due_30';
  if (days <= 90) return 'due_90';
  return 'later';
}

/** Why `until` is not an acceptable snooze for `cycle`, or null when it is. */
export function validateSnooze(
  until: string,
  cycle: Pick<DeadlineCycle, 'dueDate'>,
  today: LocalDate,
): string | null {
  if (!isValidLocalDate(until)) return 'must be a real calendar date written YYYY-MM-DD';
  if (compareLocalDates(cycle.dueDate, today) < 0) {
    return `cannot snooze an overdue deadline (due ${cycle.dueDate}); renew it or acknowledge it instead`;
  }
  if (compareLocalDates(until, today) <= 0) return `must be after today (${today})`;
  if (compareLocalDates(until, cycle.dueDate) > 0) return `must not be after the due date (${cycle.dueDate})`;
  return null;
}
