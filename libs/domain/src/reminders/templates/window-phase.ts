import { addDays, compareLocalDates } from '../../time/index.js';
import type { ReminderMailInput } from './reminder-template.js';

/**
 * Where today lies for a requirement with an application window: `open` up to and including the last day
 * to apply, `closed` after it and before the due date, `none` without a window or from the due date on.
 */
export function windowPhase(deadline: ReminderMailInput['deadline']): 'open' | 'closed' | 'none' {
  if (!deadline.applicationWindow || deadline.daysLeft <= 0) return 'none';
  const today = addDays(deadline.dueOn, -deadline.daysLeft);
  return compareLocalDates(today, deadline.actBy) <= 0 ? 'open' : 'closed';
}
